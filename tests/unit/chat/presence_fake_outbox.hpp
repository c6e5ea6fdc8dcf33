// A recording Outbox for the presence, typing and read-state tests.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "chat/outbox.hpp"

namespace parlor::chat::testing {

struct Sent {
  std::string how;  // "connection" | "room" | "room_except_user" | "user"
  std::string target;
  std::string event;
  boost::json::value payload;
  std::string except;
};

class RecordingOutbox : public Outbox {
 public:
  void to_connection(const ConnId& conn, std::string_view event,
                     const boost::json::value& payload) override {
    sent.push_back({"connection", conn, std::string(event), payload, {}});
  }
  void to_room(store::Id room_id, std::string_view event, const boost::json::value& payload,
               const ConnId& except) override {
    sent.push_back({"room", std::to_string(room_id), std::string(event), payload, except});
  }
  void to_room_except_user(store::Id room_id, std::string_view event,
                           const boost::json::value& payload, store::Id except_user) override {
    sent.push_back({"room_except_user", std::to_string(room_id), std::string(event), payload,
                    std::to_string(except_user)});
  }
  void to_user(store::Id user_id, std::string_view event,
               const boost::json::value& payload) override {
    sent.push_back({"user", std::to_string(user_id), std::string(event), payload, {}});
  }
  void bind_user(const ConnId&, store::Id) override {}
  void subscribe(const ConnId&, store::Id) override {}
  void unsubscribe(const ConnId&, store::Id) override {}
  void subscribe_user(store::Id, store::Id) override {}
  void unsubscribe_user(store::Id, store::Id) override {}
  void disconnect(const ConnId&) override {}

  std::vector<Sent> of(std::string_view event) const {
    std::vector<Sent> out;
    for (const Sent& s : sent) {
      if (s.event == event) out.push_back(s);
    }
    return out;
  }

  std::vector<Sent> sent;
};

}  // namespace parlor::chat::testing
