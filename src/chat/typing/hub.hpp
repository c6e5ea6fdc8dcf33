// Typing for the whole server: a thread-safe Tracker that announces
// user_typing {room_id, user_id, username, typing} to the room's
// connections except every connection of the typist (their other tabs do
// not see their own typing), through Outbox::to_room_except_user.
//
// Timeouts need a wake-up: the hub asks for one through `Wake` whenever its
// earliest deadline moves earlier, and the owner calls expire() then (an
// AlarmThread in production, a manual clock in tests).
//
// Threading: every method may be called from any thread; Outbox and Wake
// are called with the hub's lock held (both only queue work), which keeps
// each typist's on/off announcements in order.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "chat/outbox.hpp"
#include "chat/typing/tracker.hpp"
#include "store/records.hpp"

namespace parlor::chat::typing {

inline constexpr store::TimeMs default_timeout_ms = 5000;  // API.md: 5 s without a refresh

class Hub {
 public:
  using Now = std::function<store::TimeMs()>;
  // Call expire() at (or soon after) `at`; a later request replaces an earlier one.
  using Wake = std::function<void(store::TimeMs at)>;

  Hub(Outbox& outbox, Now now, Wake wake, store::TimeMs timeout_ms = default_timeout_ms);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // typing_start. REQUIRES: the caller checked that the user is a member of
  // the room (typing() being true means it was checked moments ago).
  void start(const ConnId& conn, store::Id room_id, store::Id user_id, const std::string& username);
  // typing_start from a user already typing in the room (membership was
  // checked when that began, moments ago): refreshes this connection's
  // deadline and returns true. false: check membership, then call start().
  bool refresh(const ConnId& conn, store::Id room_id, store::Id user_id);
  // typing_stop (needs no membership check: it can only end typing).
  void stop(const ConnId& conn, store::Id room_id, store::Id user_id);
  // The user's message in the room was stored, or they left / were removed.
  void clear(store::Id room_id, store::Id user_id);
  void disconnected(const ConnId& conn);
  // Ends what timed out and asks for the next wake-up.
  void expire();

  bool typing(store::Id room_id, store::Id user_id) const;

 private:
  // REQUIRES: mutex_ held.
  void announce(const Change& c);
  void rearm();

  Outbox& outbox_;
  Now now_;
  Wake wake_;
  mutable std::mutex mutex_;
  Tracker tracker_;
  std::unordered_map<store::Id, std::string> usernames_;  // of users typing somewhere
  std::unordered_map<store::Id, int> typing_rooms_;       // user -> rooms they type in
  std::optional<store::TimeMs> armed_;
};

}  // namespace parlor::chat::typing
