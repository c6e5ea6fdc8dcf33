// The send-context cache (see send_cache.hpp).
#include "store/sqlite/send_cache.hpp"

namespace parlor::store::sqlite {

std::optional<SendCache::Hit> SendCache::find(Id room_id, Id sender_id) const {
  auto room = rooms_.find(room_id);
  if (room == rooms_.end()) return std::nullopt;
  auto member = members_.find({room_id, sender_id});
  if (member == members_.end()) return std::nullopt;
  auto sender = senders_.find(sender_id);
  if (sender == senders_.end()) return std::nullopt;
  return Hit{&room->second, &member->second, &sender->second};
}

void SendCache::keep(const RoomRecord& room, const MemberRecord& member, const UserRecord& sender) {
  if (rooms_.size() >= kMaxEntries || members_.size() >= kMaxEntries ||
      senders_.size() >= kMaxEntries) {
    clear();
  }
  rooms_.insert_or_assign(room.id, room);
  members_.insert_or_assign({member.room_id, member.user_id}, member);
  senders_.insert_or_assign(sender.id, sender);
}

std::optional<RoomRecord> SendCache::take_room(Id room_id) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return std::nullopt;
  RoomRecord room = std::move(it->second);
  rooms_.erase(it);
  return room;
}

void SendCache::put_room(RoomRecord room) {
  if (rooms_.size() >= kMaxEntries) clear();
  const Id id = room.id;
  rooms_.insert_or_assign(id, std::move(room));
}

void SendCache::clear() {
  rooms_.clear();
  members_.clear();
  senders_.clear();
}

}  // namespace parlor::store::sqlite
