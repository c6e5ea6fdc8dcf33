// A recording Outbox that also models subscriptions, so tests can ask "what
// did this connection receive?" exactly as a real client would see it.
// Thread-safe (the Service calls it from its strand).
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "chat/outbox.hpp"

namespace parlor::chat::testing {

struct Received {
  std::string event;
  boost::json::value payload;
};

class FakeOutbox : public Outbox {
 public:
  void to_connection(const ConnId& conn, std::string_view event,
                     const boost::json::value& payload) override {
    std::lock_guard lock(mutex_);
    deliver(conn, event, payload);
  }
  void to_room(store::Id room_id, std::string_view event, const boost::json::value& payload,
               const ConnId& except) override {
    std::lock_guard lock(mutex_);
    for (const auto& [conn, rooms] : subs_)
      if (conn != except && rooms.contains(room_id)) deliver(conn, event, payload);
  }
  void to_user(store::Id user_id, std::string_view event,
               const boost::json::value& payload) override {
    std::lock_guard lock(mutex_);
    for (const auto& [conn, user] : users_)
      if (user == user_id) deliver(conn, event, payload);
  }
  void bind_user(const ConnId& conn, store::Id user_id) override {
    std::lock_guard lock(mutex_);
    users_[conn] = user_id;
    subs_[conn];
  }
  void subscribe(const ConnId& conn, store::Id room_id) override {
    std::lock_guard lock(mutex_);
    subs_[conn].insert(room_id);
  }
  void unsubscribe(const ConnId& conn, store::Id room_id) override {
    std::lock_guard lock(mutex_);
    subs_[conn].erase(room_id);
  }
  void subscribe_user(store::Id user_id, store::Id room_id) override {
    std::lock_guard lock(mutex_);
    for (const auto& [conn, user] : users_)
      if (user == user_id) subs_[conn].insert(room_id);
  }
  void unsubscribe_user(store::Id user_id, store::Id room_id) override {
    std::lock_guard lock(mutex_);
    for (const auto& [conn, user] : users_)
      if (user == user_id) subs_[conn].erase(room_id);
  }
  void disconnect(const ConnId& conn) override {
    std::lock_guard lock(mutex_);
    disconnected_.insert(conn);
    users_.erase(conn);
    subs_.erase(conn);
  }

  // ---- inspection
  std::vector<Received> received(const ConnId& conn) const {
    std::lock_guard lock(mutex_);
    auto it = inbox_.find(conn);
    return it == inbox_.end() ? std::vector<Received>{} : it->second;
  }
  std::vector<Received> received(const ConnId& conn, std::string_view event) const {
    std::vector<Received> out;
    for (auto& r : received(conn))
      if (r.event == event) out.push_back(r);
    return out;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    inbox_.clear();
  }
  bool subscribed(const ConnId& conn, store::Id room_id) const {
    std::lock_guard lock(mutex_);
    auto it = subs_.find(conn);
    return it != subs_.end() && it->second.contains(room_id);
  }
  bool was_disconnected(const ConnId& conn) const {
    std::lock_guard lock(mutex_);
    return disconnected_.contains(conn);
  }

 private:
  void deliver(const ConnId& conn, std::string_view event, const boost::json::value& payload) {
    inbox_[conn].push_back({std::string(event), payload});
  }

  mutable std::mutex mutex_;
  std::map<ConnId, store::Id> users_;
  std::map<ConnId, std::set<store::Id>> subs_;
  std::map<ConnId, std::vector<Received>> inbox_;
  std::set<ConnId> disconnected_;
};

}  // namespace parlor::chat::testing
