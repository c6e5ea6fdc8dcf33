// Presence as a pure state machine: which connections each user has open,
// whether each reports idle, and the user's own busy / custom-status choice.
// It answers "what do others see of this user" and says when that changed,
// so the caller emits exactly one presence_update per real transition and
// none when a second tab opens or a non-last tab closes.
//
// Rules (API.md, Presence): offline when no connection is open; otherwise
// busy when the user chose it; otherwise away when every open connection
// reports idle; otherwise online. last_seen is when the last connection
// closed. A connection that stops answering heartbeats is closed by the
// Engine.IO layer after ping_interval_ms + ping_timeout_ms (core::Config,
// 10 s + 10 s by default: a sleeping laptop shows offline within 20 s) and
// then reaches disconnected() like any other close.
//
// Not thread-safe: presence::Hub owns one behind a mutex.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "chat/outbox.hpp"
#include "store/records.hpp"

namespace parlor::chat::presence {

enum class Status { online, away, busy, offline };
std::string_view to_string(Status s);

// What others see of a user.
struct View {
  store::Id user_id = 0;
  Status status = Status::offline;
  store::TimeMs last_seen = 0;
  std::string custom_status;
  bool operator==(const View&) const = default;
};

// The user's stored choices (store::UserRecord's status, custom_status,
// last_seen). Used when the tracker has not seen the user yet.
struct Profile {
  std::string status;  // "busy" or "" (automatic)
  std::string custom_status;
  store::TimeMs last_seen = 0;
};

class Tracker {
 public:
  // Each returns the user's new view when what others see changed.
  std::optional<View> connected(const ConnId& conn, store::Id user_id, const Profile& stored);
  // Unknown connections (or ones already gone) change nothing.
  std::optional<View> disconnected(const ConnId& conn, store::TimeMs now);
  std::optional<View> activity(const ConnId& conn, bool idle);
  // The user changed their status ("busy" or "") and/or custom status; the
  // caller has already stored `after`. `before` is what was stored until
  // then (used only when the tracker has not seen the user yet).
  std::optional<View> choice_changed(store::Id user_id, const Profile& before,
                                     const Profile& after);

  // Users never seen since start-up are offline with last_seen 0 (the
  // caller knows better from the store: see known()).
  View view(store::Id user_id) const;
  bool known(store::Id user_id) const { return users_.contains(user_id); }
  bool online(store::Id user_id) const;
  // Online and every connection reports idle.
  bool idle(store::Id user_id) const;
  std::optional<store::Id> user_of(const ConnId& conn) const;
  std::size_t connections(store::Id user_id) const;
  std::size_t online_users() const { return online_users_; }

 private:
  struct User {
    bool busy = false;
    std::string custom_status;
    store::TimeMs last_seen = 0;
    std::unordered_set<ConnId> conns;
    std::size_t idle = 0;  // how many of conns report idle
  };
  struct Conn {
    store::Id user_id = 0;
    bool idle = false;
  };
  static View view_of(store::Id user_id, const User& u);
  std::optional<View> changed(store::Id user_id, const User& u, const View& before) const;

  // Offline users stay here (with last_seen and their choices) so views stay
  // exact without a store read; that is one small entry per user seen.
  std::unordered_map<store::Id, User> users_;
  std::unordered_map<ConnId, Conn> conns_;
  std::size_t online_users_ = 0;
};

}  // namespace parlor::chat::presence
