// Presence for the whole server: a thread-safe Tracker plus the fan-out of
// presence_update {user_id, status, last_seen, custom_status}.
//
// One update per real transition goes to every user who shares a room with
// the user (the user included, so their other tabs agree), via
// Outbox::to_user, and only to users who are online. Finding that audience
// is one lookup per transition (the store-backed one reads the ids of
// everyone sharing a room with the user, in one statement queued behind the
// writes: see store_audience), so the cost follows changes, not users:
// opening and closing extra tabs costs no lookup at all.
//
// Order: a user's updates reach everyone in the order of the transitions.
// At most one lookup per user is in flight; transitions that happen
// meanwhile queue behind it and get one lookup of their own after it.
//
// Threading: every method may be called from any thread. The lookup and
// Outbox are called without the hub's lock held.
#pragma once

#include <boost/json/object.hpp>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "chat/outbox.hpp"
#include "chat/presence/tracker.hpp"
#include "store/records.hpp"

namespace parlor::store {
class Executor;
}

namespace parlor::chat::presence {

class Hub {
 public:
  using Now = std::function<store::TimeMs()>;
  using Recipients = std::function<void(std::vector<store::Id> user_ids)>;
  // Finds every user who shares a room with `user_id` and calls `done` once,
  // now or later, from any thread.
  using AudienceLookup = std::function<void(store::Id user_id, Recipients done)>;
  // Stores last_seen when a user goes offline (store::Connection::set_last_seen).
  using SaveLastSeen = std::function<void(store::Id user_id, store::TimeMs when)>;

  Hub(Outbox& outbox, AudienceLookup audience, SaveLastSeen save_last_seen, Now now);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // A connection of the user was accepted. `stored` is the user's record as
  // loaded at connect (only read the first time the hub sees the user).
  void connected(const ConnId& conn, store::Id user_id, const Profile& stored);
  // The connection closed or missed its heartbeat.
  void disconnected(const ConnId& conn);
  // The `activity` event: {idle: bool} for that tab.
  void activity(const ConnId& conn, bool idle);
  // After set_status / PATCH /api/users/me stored the user's new choices.
  void choice_changed(store::Id user_id, const Profile& before, const Profile& after);

  View view(store::Id user_id) const;
  // The stored user with what the hub knows on top: status always, last_seen
  // and custom_status when the hub has seen the user since start-up.
  View view(const store::UserRecord& u) const;
  // Status for user objects: "online" | "away" | "busy" | "offline".
  std::string_view status(store::Id user_id) const;
  // The same, with the busy choice taken from `u` (a record read or just
  // written in the caller's storage job, which may be ahead of the hub).
  std::string_view status(const store::UserRecord& u) const;
  bool online(store::Id user_id) const;
  std::optional<store::Id> user_of(const ConnId& conn) const;

 private:
  struct Pending {
    std::deque<View> views;
    std::size_t covered = 0;  // how many of `views` the lookup in flight is for
  };
  // REQUIRES: mutex_ held. Queues the update; true when a lookup must start.
  bool queue(const View& v);
  void start_lookup(store::Id user_id);
  void deliver(store::Id user_id, std::vector<store::Id> audience);

  Outbox& outbox_;
  AudienceLookup audience_;
  SaveLastSeen save_last_seen_;
  Now now_;
  mutable std::mutex mutex_;
  Tracker tracker_;
  std::unordered_map<store::Id, Pending> pending_;
};

// presence_update's payload; also the shape of sync's `presence` entries
// when the caller has no full user object at hand.
boost::json::object update_json(const View& v);

// Audience from the store: the members of every room of the user, read in
// a job on the executor's writer queue, so it runs after the last_seen
// write of the same transition has committed (a client that gets the
// offline update and then asks over REST sees that last_seen) and after any
// membership change queued before it. On failure (or a full queue) the
// update goes to nobody and is logged. `post`, when given, moves the fan-out
// off the writer thread (whose callbacks must stay quick).
Hub::AudienceLookup store_audience(store::Executor& executor,
                                   std::function<void(std::function<void()>)> post = {});
// last_seen written through the executor's writer (fire and forget, logged on failure).
Hub::SaveLastSeen store_last_seen(store::Executor& executor);

}  // namespace parlor::chat::presence
