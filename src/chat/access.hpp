// Who may do what to a room or message. Every handler goes through these
// few functions, so the rules live in one place:
//  - view: public rooms, or rooms the caller is a member of
//  - member: the caller is a member
//  - write (send, edit, react, delete): member, room not archived
//  - moderate (rename, archive): owner or admin; in a DM every participant
//  - moderate_write (pin): moderate, room not archived
// An unknown room or message is not_found; a room the caller may not touch
// is forbidden (ids are not secrets, so hiding existence buys nothing).
#pragma once

#include <optional>

#include "chat/error.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace parlor::chat {

enum class Need { view, member, write, moderate, moderate_write };

struct RoomAccess {
  store::RoomRecord room;
  std::optional<store::MemberRecord> me;
};

struct MessageAccess {
  store::MessageRecord message;
  RoomAccess room;
};

bool is_moderator(const store::RoomRecord& room, const std::optional<store::MemberRecord>& me);

// Pure rule checks.
std::optional<Error> check_room(const store::RoomRecord& room,
                                const std::optional<store::MemberRecord>& me, Need need);
// Removing `target` from the room: anyone may leave (except a DM); owners
// remove anyone; admins remove plain members only.
std::optional<Error> check_remove_member(const store::RoomRecord& room,
                                         const std::optional<store::MemberRecord>& actor,
                                         const store::MemberRecord& target);
// Deleting a message: its sender, or a room moderator (not in DMs).
std::optional<Error> check_delete_message(const RoomAccess& access, const store::MessageRecord& m,
                                          store::Id user_id);
// Inviting: any member of a public room; moderators of a private room;
// nobody for a DM (its participants are fixed).
std::optional<Error> check_invite(const store::RoomRecord& room,
                                  const std::optional<store::MemberRecord>& actor);

// The same rules over a room and membership already read (nullopt room:
// not_found).
Result<RoomAccess> access_room(std::optional<store::RoomRecord> room,
                               std::optional<store::MemberRecord> me, Need need);

// Store-backed lookups; call inside an Executor job.
Result<RoomAccess> access_room_by_id(store::Connection& c, store::Id room_id, store::Id user_id,
                                     Need need);
Result<MessageAccess> access_message_by_id(store::Connection& c, store::Id message_id,
                                           store::Id user_id, Need need);

}  // namespace parlor::chat
