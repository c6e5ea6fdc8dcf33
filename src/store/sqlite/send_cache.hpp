// What send_context read before, kept by a connection inside its write
// transactions, so that a stream of messages does not read the same room,
// membership and sender again for each one (three of the read's four
// B-tree lookups; the resend check still reads).
//
// Kept exact, not merely recent, because it decides who may post:
// - rooms and users are rowid tables: sqlite3_update_hook reports every row
//   this connection changes in them, and that row's entry goes (the
//   connection's own rev bump puts the room back with its new rev);
// - members is WITHOUT ROWID, which the hook does not report: the
//   statements that change it (rooms.cpp) forget that membership themselves;
// - a rollback, of the transaction or to a savepoint, forgets everything: an
//   entry may hold a row the rollback undid;
// - a commit by another connection forgets everything (PRAGMA data_version,
//   read once the write lock is held).
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <utility>

#include "store/records.hpp"

namespace parlor::store::sqlite {

class SendCache {
 public:
  struct Hit {
    const RoomRecord* room = nullptr;
    const MemberRecord* member = nullptr;
    const UserRecord* sender = nullptr;
  };
  // All three or nothing.
  std::optional<Hit> find(Id room_id, Id sender_id) const;
  void keep(const RoomRecord& room, const MemberRecord& member, const UserRecord& sender);

  std::optional<RoomRecord> take_room(Id room_id);
  void put_room(RoomRecord room);
  void forget_room(Id room_id) { rooms_.erase(room_id); }
  void forget_user(Id user_id) { senders_.erase(user_id); }
  void forget_member(Id room_id, Id user_id) { members_.erase({room_id, user_id}); }
  void clear();

 private:
  struct PairHash {
    std::size_t operator()(const std::pair<Id, Id>& p) const noexcept {
      return std::hash<Id>()(p.first) * 31 + std::hash<Id>()(p.second);
    }
  };
  // Past this many entries in any map, everything starts again (a few MB
  // at most; rooms and senders active at once are usually far fewer).
  static constexpr std::size_t kMaxEntries = 16384;

  std::unordered_map<Id, RoomRecord> rooms_;
  std::unordered_map<std::pair<Id, Id>, MemberRecord, PairHash> members_;
  std::unordered_map<Id, UserRecord> senders_;
};

}  // namespace parlor::store::sqlite
