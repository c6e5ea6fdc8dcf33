// Thread-safe typing announcements (see hub.hpp).
#include "chat/typing/hub.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <utility>

namespace parlor::chat::typing {

Hub::Hub(Outbox& outbox, Now now, Wake wake, store::TimeMs timeout_ms)
    : outbox_(outbox), now_(std::move(now)), wake_(std::move(wake)), tracker_(timeout_ms) {}

void Hub::announce(const Change& c) {
  auto name = usernames_.find(c.user_id);
  boost::json::object payload{{"room_id", std::to_string(c.room_id)},
                              {"user_id", std::to_string(c.user_id)},
                              {"username", name == usernames_.end() ? "" : name->second},
                              {"typing", c.typing}};
  outbox_.to_room_except_user(c.room_id, "user_typing", payload, c.user_id);
  if (c.typing) {
    ++typing_rooms_[c.user_id];
  } else if (auto it = typing_rooms_.find(c.user_id); it != typing_rooms_.end()) {
    if (--it->second == 0) {
      typing_rooms_.erase(it);
      usernames_.erase(c.user_id);
    }
  }
}

void Hub::rearm() {
  auto next = tracker_.next_deadline();
  if (!next || (armed_ && *armed_ <= *next)) return;
  armed_ = next;
  wake_(*next);
}

void Hub::start(const ConnId& conn, store::Id room_id, store::Id user_id,
                const std::string& username) {
  store::TimeMs now = now_();
  std::lock_guard lock(mutex_);
  usernames_[user_id] = username;
  if (auto c = tracker_.start(room_id, user_id, conn, now)) announce(*c);
  if (typing_rooms_.find(user_id) == typing_rooms_.end()) usernames_.erase(user_id);
  rearm();
}

bool Hub::refresh(const ConnId& conn, store::Id room_id, store::Id user_id) {
  store::TimeMs now = now_();
  std::lock_guard lock(mutex_);
  if (!tracker_.typing(room_id, user_id)) return false;
  tracker_.start(room_id, user_id, conn, now);
  rearm();
  return true;
}

void Hub::stop(const ConnId& conn, store::Id room_id, store::Id user_id) {
  std::lock_guard lock(mutex_);
  if (auto c = tracker_.stop(room_id, user_id, conn)) announce(*c);
}

void Hub::clear(store::Id room_id, store::Id user_id) {
  std::lock_guard lock(mutex_);
  if (auto c = tracker_.clear(room_id, user_id)) announce(*c);
}

void Hub::disconnected(const ConnId& conn) {
  std::lock_guard lock(mutex_);
  for (const Change& c : tracker_.disconnected(conn)) announce(c);
}

void Hub::expire() {
  store::TimeMs now = now_();
  std::lock_guard lock(mutex_);
  armed_.reset();
  for (const Change& c : tracker_.expire(now)) announce(c);
  rearm();
}

bool Hub::typing(store::Id room_id, store::Id user_id) const {
  std::lock_guard lock(mutex_);
  return tracker_.typing(room_id, user_id);
}

}  // namespace parlor::chat::typing
