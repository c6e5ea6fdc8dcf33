#include "app/socket_outbox.hpp"

namespace parlor::app {

void SocketOutbox::to_connection(const chat::ConnId& conn, std::string_view event,
                                 const boost::json::value& payload) {
  ns_.emit_value_to_socket(conn, event, payload);
}

void SocketOutbox::to_room(store::Id room_id, std::string_view event,
                           const boost::json::value& payload, const chat::ConnId& except) {
  ns_.emit_value_to_room(room_key(room_id), event, payload, except);
}

void SocketOutbox::to_room_json(store::Id room_id, std::string_view event,
                                std::string_view payload_json) {
  ns_.emit_json_to_room(room_key(room_id), event, payload_json);
}

void SocketOutbox::to_room_except_user(store::Id room_id, std::string_view event,
                                       const boost::json::value& payload, store::Id except_user) {
  ns_.emit_value_to_room_except(room_key(room_id), event, payload, user_key(except_user));
}

void SocketOutbox::to_user(store::Id user_id, std::string_view event,
                           const boost::json::value& payload) {
  ns_.emit_value_to_room(user_key(user_id), event, payload);
}

void SocketOutbox::bind_user(const chat::ConnId& conn, store::Id user_id) {
  {
    std::lock_guard lock(mutex_);
    conns_by_user_[user_id].insert(conn);
    user_by_conn_[conn] = user_id;
  }
  // A socket that went away before this call never gets forget()
  // afterwards: undo the insert. (One that goes later is forgotten then.)
  if (!ns_.find(conn)) return forget(conn);
  ns_.join(conn, user_key(user_id));
}

void SocketOutbox::subscribe(const chat::ConnId& conn, store::Id room_id) {
  ns_.join(conn, room_key(room_id));
}

void SocketOutbox::unsubscribe(const chat::ConnId& conn, store::Id room_id) {
  ns_.leave(conn, room_key(room_id));
}

std::vector<chat::ConnId> SocketOutbox::conns_of(store::Id user_id) {
  std::lock_guard lock(mutex_);
  auto it = conns_by_user_.find(user_id);
  if (it == conns_by_user_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void SocketOutbox::subscribe_user(store::Id user_id, store::Id room_id) {
  for (const auto& conn : conns_of(user_id)) subscribe(conn, room_id);
}

void SocketOutbox::unsubscribe_user(store::Id user_id, store::Id room_id) {
  for (const auto& conn : conns_of(user_id)) unsubscribe(conn, room_id);
}

void SocketOutbox::disconnect(const chat::ConnId& conn) {
  ns_.disconnect(conn, true);
}

void SocketOutbox::forget(const chat::ConnId& conn) {
  std::lock_guard lock(mutex_);
  auto it = user_by_conn_.find(conn);
  if (it == user_by_conn_.end()) return;
  if (auto u = conns_by_user_.find(it->second); u != conns_by_user_.end()) {
    u->second.erase(conn);
    if (u->second.empty()) conns_by_user_.erase(u);
  }
  user_by_conn_.erase(it);
}

}  // namespace parlor::app
