// Typing state machine (see tracker.hpp).
#include "chat/typing/tracker.hpp"

namespace parlor::chat::typing {

std::optional<Change> Tracker::start(store::Id room_id, store::Id user_id, const ConnId& conn,
                                     store::TimeMs now) {
  Key key{room_id, user_id};
  auto [it, fresh] = entries_.try_emplace(key);
  store::TimeMs deadline = now + timeout_ms_;
  auto [c, new_conn] = it->second.conns.try_emplace(conn, deadline);
  if (!new_conn) {
    deadlines_.erase(Deadline{c->second, room_id, user_id, conn});
    c->second = deadline;
  }
  deadlines_.insert(Deadline{deadline, room_id, user_id, conn});
  by_conn_[conn].insert(key);
  if (!fresh) return std::nullopt;
  return Change{room_id, user_id, true};
}

std::optional<Change> Tracker::drop(const Key& key, const ConnId& conn) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  auto c = it->second.conns.find(conn);
  if (c == it->second.conns.end()) return std::nullopt;
  deadlines_.erase(Deadline{c->second, key.first, key.second, conn});
  it->second.conns.erase(c);
  if (auto b = by_conn_.find(conn); b != by_conn_.end()) {
    b->second.erase(key);
    if (b->second.empty()) by_conn_.erase(b);
  }
  if (!it->second.conns.empty()) return std::nullopt;
  entries_.erase(it);
  return Change{key.first, key.second, false};
}

std::optional<Change> Tracker::stop(store::Id room_id, store::Id user_id, const ConnId& conn) {
  return drop(Key{room_id, user_id}, conn);
}

std::optional<Change> Tracker::clear(store::Id room_id, store::Id user_id) {
  Key key{room_id, user_id};
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  std::vector<ConnId> conns;
  for (const auto& [conn, deadline] : it->second.conns) conns.push_back(conn);
  std::optional<Change> ended;
  for (const ConnId& conn : conns) {
    if (auto ch = drop(key, conn)) ended = ch;
  }
  return ended;
}

std::vector<Change> Tracker::disconnected(const ConnId& conn) {
  std::vector<Change> ended;
  auto b = by_conn_.find(conn);
  if (b == by_conn_.end()) return ended;
  std::set<Key> keys = b->second;
  for (const Key& key : keys) {
    if (auto ch = drop(key, conn)) ended.push_back(*ch);
  }
  return ended;
}

std::vector<Change> Tracker::expire(store::TimeMs now) {
  std::vector<Change> ended;
  while (!deadlines_.empty() && std::get<0>(*deadlines_.begin()) <= now) {
    Deadline first = *deadlines_.begin();
    const auto& [deadline, room_id, user_id, conn] = first;
    if (auto ch = drop(Key{room_id, user_id}, conn)) ended.push_back(*ch);
    deadlines_.erase(first);  // already gone unless the maps disagreed
  }
  return ended;
}

std::optional<store::TimeMs> Tracker::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return std::get<0>(*deadlines_.begin());
}

bool Tracker::typing(store::Id room_id, store::Id user_id) const {
  return entries_.contains(Key{room_id, user_id});
}

}  // namespace parlor::chat::typing
