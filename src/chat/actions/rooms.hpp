// Room and membership actions: check → do (inside one storage write job) →
// notify (the Outcome's after-steps, on the domain strand after the commit).
// Membership changes do not take a room rev: the change stream covers
// messages; membership travels as room_joined/room_left/member_* events.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chat/domain.hpp"

namespace parlor::chat::actions {

struct NewRoom {
  std::string name;
  std::string description;
  store::RoomType type = store::RoomType::public_room;
  std::vector<store::Id> member_ids;
};

struct RoomPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> archived;
};

// {room}; every member gets room_joined and is subscribed.
Outcome create_room(Domain& d, store::Connection& c, store::Id creator, const NewRoom& r);
// {room}; a public room adds the caller (member_joined to the room,
// room_joined to the caller's sockets); a member just gets the room.
Outcome join_room(Domain& d, store::Connection& c, store::Id user_id, store::Id room_id);
// {ok}; leave (actor == target) or kick. The target's sockets are
// unsubscribed and get room_left; the room gets member_left.
Outcome remove_member(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
                      store::Id target);
// {room}; each new member: subscribed, room_joined, member_joined.
// Owner only, not in DMs: makes a member admin or member again, or hands the
// room over (`owner`: the former owner becomes an admin). The users whose
// role changed get room_updated with their view of the room.
Outcome set_role(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
                 store::Id target, store::Role role);
Outcome invite(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
               const std::vector<store::Id>& user_ids);
// {room}; every member's sockets get room_updated with their own view.
Outcome update_room(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
                    const RoomPatch& patch);
// {conversation}: the existing DM for exactly these participants (the caller
// included), or a new one (room_joined to every participant).
Outcome open_dm(Domain& d, store::Connection& c, store::Id user_id,
                const std::vector<store::Id>& others);

}  // namespace parlor::chat::actions
