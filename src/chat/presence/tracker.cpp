// Presence state machine (see tracker.hpp).
#include "chat/presence/tracker.hpp"

namespace parlor::chat::presence {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::online:
      return "online";
    case Status::away:
      return "away";
    case Status::busy:
      return "busy";
    case Status::offline:
      return "offline";
  }
  return "offline";
}

View Tracker::view_of(store::Id user_id, const User& u) {
  View v{user_id, Status::online, u.last_seen, u.custom_status};
  if (u.conns.empty()) {
    v.status = Status::offline;
  } else if (u.busy) {
    v.status = Status::busy;
  } else if (u.idle == u.conns.size()) {
    v.status = Status::away;
  }
  return v;
}

std::optional<View> Tracker::changed(store::Id user_id, const User& u, const View& before) const {
  View after = view_of(user_id, u);
  // last_seen alone moving (it only moves on the last close, which is also
  // a status change) is not a transition.
  if (after.status == before.status && after.custom_status == before.custom_status) {
    return std::nullopt;
  }
  return after;
}

std::optional<View> Tracker::connected(const ConnId& conn, store::Id user_id,
                                       const Profile& stored) {
  if (conns_.contains(conn)) return std::nullopt;
  auto [it, fresh] = users_.try_emplace(user_id);
  User& u = it->second;
  if (fresh) {
    u.busy = stored.status == "busy";
    u.custom_status = stored.custom_status;
    u.last_seen = stored.last_seen;
  }
  View before = view_of(user_id, u);
  conns_.emplace(conn, Conn{user_id, false});
  u.conns.insert(conn);
  if (u.conns.size() == 1) ++online_users_;
  return changed(user_id, u, before);
}

std::optional<View> Tracker::disconnected(const ConnId& conn, store::TimeMs now) {
  auto c = conns_.find(conn);
  if (c == conns_.end()) return std::nullopt;
  store::Id user_id = c->second.user_id;
  bool was_idle = c->second.idle;
  conns_.erase(c);
  User& u = users_.at(user_id);
  View before = view_of(user_id, u);
  u.conns.erase(conn);
  if (was_idle) --u.idle;
  if (u.conns.empty()) {
    --online_users_;
    u.last_seen = now;
  }
  return changed(user_id, u, before);
}

std::optional<View> Tracker::activity(const ConnId& conn, bool idle) {
  auto c = conns_.find(conn);
  if (c == conns_.end() || c->second.idle == idle) return std::nullopt;
  User& u = users_.at(c->second.user_id);
  View before = view_of(c->second.user_id, u);
  c->second.idle = idle;
  if (idle) {
    ++u.idle;
  } else {
    --u.idle;
  }
  return changed(c->second.user_id, u, before);
}

std::optional<View> Tracker::choice_changed(store::Id user_id, const Profile& before,
                                            const Profile& after) {
  auto [it, fresh] = users_.try_emplace(user_id);
  User& u = it->second;
  if (fresh) {
    u.busy = before.status == "busy";
    u.custom_status = before.custom_status;
    u.last_seen = before.last_seen;
  }
  View old = view_of(user_id, u);
  u.busy = after.status == "busy";
  u.custom_status = after.custom_status;
  return changed(user_id, u, old);
}

View Tracker::view(store::Id user_id) const {
  auto it = users_.find(user_id);
  if (it == users_.end()) return View{user_id, Status::offline, 0, {}};
  return view_of(user_id, it->second);
}

bool Tracker::online(store::Id user_id) const {
  auto it = users_.find(user_id);
  return it != users_.end() && !it->second.conns.empty();
}

bool Tracker::idle(store::Id user_id) const {
  auto it = users_.find(user_id);
  return it != users_.end() && !it->second.conns.empty() &&
         it->second.idle == it->second.conns.size();
}

std::optional<store::Id> Tracker::user_of(const ConnId& conn) const {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return std::nullopt;
  return it->second.user_id;
}

std::size_t Tracker::connections(store::Id user_id) const {
  auto it = users_.find(user_id);
  return it == users_.end() ? 0 : it->second.conns.size();
}

}  // namespace parlor::chat::presence
