// chat::Outbox over the Socket.IO namespace: rooms of the domain become
// Socket.IO rooms "r:<room id>", and each user's connections share a room
// "u:<user id>", so every broadcast is one encode-once Socket.IO broadcast.
#pragma once

#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "chat/outbox.hpp"
#include "sio/server.hpp"

namespace parlor::app {

class SocketOutbox final : public chat::Outbox {
 public:
  explicit SocketOutbox(sio::Namespace& ns) : ns_(ns) {}

  void to_connection(const chat::ConnId& conn, std::string_view event,
                     const boost::json::value& payload) override;
  void to_room(store::Id room_id, std::string_view event, const boost::json::value& payload,
               const chat::ConnId& except) override;
  void to_room_json(store::Id room_id, std::string_view event,
                    std::string_view payload_json) override;
  void to_room_except_user(store::Id room_id, std::string_view event,
                           const boost::json::value& payload, store::Id except_user) override;
  void to_user(store::Id user_id, std::string_view event,
               const boost::json::value& payload) override;
  void bind_user(const chat::ConnId& conn, store::Id user_id) override;
  void subscribe(const chat::ConnId& conn, store::Id room_id) override;
  void unsubscribe(const chat::ConnId& conn, store::Id room_id) override;
  void subscribe_user(store::Id user_id, store::Id room_id) override;
  void unsubscribe_user(store::Id user_id, store::Id room_id) override;
  void disconnect(const chat::ConnId& conn) override;

  // The socket is gone: forget it (called by the app on disconnect).
  void forget(const chat::ConnId& conn);

  static std::string room_key(store::Id room_id) { return "r:" + std::to_string(room_id); }
  static std::string user_key(store::Id user_id) { return "u:" + std::to_string(user_id); }

 private:
  std::vector<chat::ConnId> conns_of(store::Id user_id);

  sio::Namespace& ns_;
  std::mutex mutex_;  // guards the two maps; held only to copy or edit them
  std::unordered_map<store::Id, std::unordered_set<chat::ConnId>> conns_by_user_;
  std::unordered_map<chat::ConnId, store::Id> user_by_conn_;
};

}  // namespace parlor::app
