// Who is typing where, as a pure state machine with an injected "now".
//
// Typing is per user and room: the user is typing in a room while at least
// one of their connections has an unexpired typing_start there. It ends
// (one typing:false) when the last such connection sends typing_stop, when
// 5 s pass without a new typing_start from it, when that connection closes
// (a second tab that was not typing does not keep it going), and at once on
// clear() (the user sent a message there, or left the room). Repeated
// typing_start only pushes the deadline: one typing:true per episode.
//
// Not thread-safe: typing::Hub owns one behind a mutex.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/outbox.hpp"
#include "store/records.hpp"

namespace parlor::chat::typing {

struct Change {
  store::Id room_id = 0;
  store::Id user_id = 0;
  bool typing = false;
  bool operator==(const Change&) const = default;
};

class Tracker {
 public:
  explicit Tracker(store::TimeMs timeout_ms = 5000) : timeout_ms_(timeout_ms) {}

  // Each returns the change to announce, if any.
  std::optional<Change> start(store::Id room_id, store::Id user_id, const ConnId& conn,
                              store::TimeMs now);
  std::optional<Change> stop(store::Id room_id, store::Id user_id, const ConnId& conn);
  std::optional<Change> clear(store::Id room_id, store::Id user_id);
  std::vector<Change> disconnected(const ConnId& conn);
  // Ends every connection's typing whose deadline is <= now.
  std::vector<Change> expire(store::TimeMs now);

  // The earliest deadline, when anyone is typing.
  std::optional<store::TimeMs> next_deadline() const;
  bool typing(store::Id room_id, store::Id user_id) const;
  std::size_t typists() const { return entries_.size(); }

 private:
  using Key = std::pair<store::Id, store::Id>;  // room, user
  using Deadline = std::tuple<store::TimeMs, store::Id, store::Id, ConnId>;
  struct Entry {
    std::map<ConnId, store::TimeMs> conns;  // connection -> its deadline
  };
  // Drops one connection's typing; the change when that ended the entry.
  std::optional<Change> drop(const Key& key, const ConnId& conn);

  store::TimeMs timeout_ms_;
  std::map<Key, Entry> entries_;
  std::unordered_map<ConnId, std::set<Key>> by_conn_;
  std::set<Deadline> deadlines_;
};

}  // namespace parlor::chat::typing
