// The permission rules (see access.hpp).
#include "chat/access.hpp"

namespace parlor::chat {

bool is_moderator(const store::RoomRecord& room, const std::optional<store::MemberRecord>& me) {
  if (!me) return false;
  if (room.type == store::RoomType::dm) return true;
  return me->role == store::Role::owner || me->role == store::Role::admin;
}

std::optional<Error> check_room(const store::RoomRecord& room,
                                const std::optional<store::MemberRecord>& me, Need need) {
  switch (need) {
    case Need::view:
      if (room.type == store::RoomType::public_room || me) return std::nullopt;
      return forbidden("not a member of this room");
    case Need::member:
      if (me) return std::nullopt;
      return forbidden("not a member of this room");
    case Need::write:
      if (!me) return forbidden("not a member of this room");
      if (room.archived) return forbidden("room is archived");
      return std::nullopt;
    case Need::moderate:
    case Need::moderate_write:
      if (!me) return forbidden("not a member of this room");
      if (!is_moderator(room, me)) return forbidden("requires the admin or owner role");
      if (need == Need::moderate_write && room.archived) return forbidden("room is archived");
      return std::nullopt;
  }
  return forbidden("not allowed");
}

std::optional<Error> check_remove_member(const store::RoomRecord& room,
                                         const std::optional<store::MemberRecord>& actor,
                                         const store::MemberRecord& target) {
  if (room.type == store::RoomType::dm) return invalid("room_id", "a DM's participants are fixed");
  if (!actor) return forbidden("not a member of this room");
  if (actor->user_id == target.user_id) return std::nullopt;
  if (actor->role == store::Role::owner) return std::nullopt;
  if (actor->role == store::Role::admin && target.role == store::Role::member) return std::nullopt;
  if (actor->role == store::Role::admin) return forbidden("admins can only remove members");
  return forbidden("requires the admin or owner role");
}

std::optional<Error> check_delete_message(const RoomAccess& access, const store::MessageRecord& m,
                                          store::Id user_id) {
  if (m.sender_id == user_id) return std::nullopt;
  if (access.room.type != store::RoomType::dm && is_moderator(access.room, access.me))
    return std::nullopt;
  return forbidden("only the sender or a room admin can delete this message");
}

std::optional<Error> check_invite(const store::RoomRecord& room,
                                  const std::optional<store::MemberRecord>& actor) {
  if (room.type == store::RoomType::dm) return invalid("room_id", "a DM's participants are fixed");
  if (!actor) return forbidden("not a member of this room");
  if (room.archived) return forbidden("room is archived");
  if (room.type == store::RoomType::private_room && !is_moderator(room, actor))
    return forbidden("requires the admin or owner role");
  return std::nullopt;
}

Result<RoomAccess> access_room(std::optional<store::RoomRecord> room,
                               std::optional<store::MemberRecord> me, Need need) {
  if (!room) return not_found("room not found");
  RoomAccess a{std::move(*room), std::move(me)};
  if (auto e = check_room(a.room, a.me, need)) return *e;
  return a;
}

Result<RoomAccess> access_room_by_id(store::Connection& c, store::Id room_id, store::Id user_id,
                                     Need need) {
  auto room = c.room_by_id(room_id);
  if (!room) return not_found("room not found");
  auto me = c.member(room_id, user_id);
  return access_room(std::move(room), std::move(me), need);
}

Result<MessageAccess> access_message_by_id(store::Connection& c, store::Id message_id,
                                           store::Id user_id, Need need) {
  auto m = c.message_by_id(message_id);
  if (!m) return not_found("message not found");
  auto room = access_room_by_id(c, m->room_id, user_id, need);
  if (!room) return room.error();
  return MessageAccess{std::move(*m), std::move(*room)};
}

}  // namespace parlor::chat
