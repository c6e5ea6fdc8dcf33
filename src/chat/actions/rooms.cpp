// Room creation, joining, leaving, kicking, inviting, updating, DMs.
#include "chat/actions/rooms.hpp"

#include <algorithm>
#include <tuple>

#include "chat/access.hpp"
#include "chat/json.hpp"

namespace parlor::chat::actions {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDmParticipants = 9;

std::optional<Error> check_users_exist(store::Connection& c, const std::vector<store::Id>& ids) {
  if (ids.empty()) return std::nullopt;
  auto found = c.users_by_ids(ids);
  for (auto id : ids) {
    bool ok = std::any_of(found.begin(), found.end(), [id](const auto& u) { return u.id == id; });
    if (!ok) return not_found("user " + id_str(id) + " not found");
  }
  return std::nullopt;
}

store::MemberRecord new_member(store::Id room, store::Id user, store::Role role, store::TimeMs now,
                               std::int64_t last_seq) {
  store::MemberRecord m;
  m.room_id = room;
  m.user_id = user;
  m.role = role;
  m.joined_at = now;
  m.last_read_seq = last_seq;
  return m;
}

// The notify steps for a user who just became a member.
void joined_steps(Domain& d, store::Connection& c, Outcome& o, const store::RoomRecord& room,
                  store::Id user_id, bool tell_room) {
  json::object joined;
  joined["room"] = render_room_for(c, room, user_id, d.status());
  json::value user_obj = nullptr;
  if (tell_room) {
    if (auto u = c.user_by_id(user_id)) user_obj = user_json(*u, d.status()(*u));
  }
  o.after.push_back([&d, room_id = room.id, user_id, joined = std::move(joined),
                     user_obj = std::move(user_obj), tell_room] {
    d.outbox().subscribe_user(user_id, room_id);
    if (tell_room) {
      json::object mj;
      mj["room_id"] = id_str(room_id);
      mj["user"] = user_obj;
      d.outbox().to_room(room_id, "member_joined", mj);
    }
    d.outbox().to_user(user_id, "room_joined", joined);
  });
}

// Tells `user` their view of the room after a role change.
void role_changed_steps(Domain& d, store::Connection& c, Outcome& o, store::Id room_id,
                        store::Id user_id) {
  auto room = c.room_by_id(room_id);
  if (!room) return;
  json::object ev;
  ev["room"] = render_room_for(c, *room, user_id, d.status());
  o.after.push_back(
      [&d, user_id, ev = std::move(ev)] { d.outbox().to_user(user_id, "room_updated", ev); });
}

// A room whose owner left passes to its longest-standing admin, or else its
// longest-standing member, so it never loses the one who can manage it.
void pass_ownership(Domain& d, store::Connection& c, Outcome& o, store::Id room_id) {
  auto members = c.members(room_id);
  auto rank = [](const store::MemberRecord& m) {
    return std::tuple(m.role == store::Role::admin ? 0 : 1, m.joined_at, m.user_id);
  };
  auto next = std::min_element(members.begin(), members.end(),
                               [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  if (next == members.end()) return;
  c.set_role(room_id, next->user_id, store::Role::owner);
  role_changed_steps(d, c, o, room_id, next->user_id);
}

}  // namespace

Outcome set_role(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
                 store::Id target, store::Role role) {
  auto a = access_room_by_id(c, room_id, actor, Need::member);
  if (!a) return fail(a.error());
  if (a->room.type == store::RoomType::dm) return fail(invalid("room_id", "a DM has no roles"));
  if (a->me->role != store::Role::owner) return fail(forbidden("only the owner changes roles"));
  auto t = c.member(room_id, target);
  if (!t) return fail(not_found("user is not a member of this room"));
  if (target == actor)
    return fail(invalid("user_id", "the owner hands the room over by making another member owner"));
  Outcome o;
  o.body["ok"] = true;
  if (t->role == role) return o;
  c.set_role(room_id, target, role);
  role_changed_steps(d, c, o, room_id, target);
  if (role == store::Role::owner) {
    c.set_role(room_id, actor, store::Role::admin);
    role_changed_steps(d, c, o, room_id, actor);
  }
  return o;
}

Outcome create_room(Domain& d, store::Connection& c, store::Id creator, const NewRoom& r) {
  if (r.type == store::RoomType::dm) return fail(invalid("type", "use /api/direct-messages"));
  if (auto e = check_users_exist(c, r.member_ids)) return fail(*e);
  store::RoomRecord rec;
  rec.name = r.name;
  rec.description = r.description;
  rec.type = r.type;
  rec.created_by = creator;
  rec.created_at = d.now();
  rec.id = c.create_room(rec);
  c.add_member(new_member(rec.id, creator, store::Role::owner, rec.created_at, 0));
  for (auto id : r.member_ids)
    if (id != creator) c.add_member(new_member(rec.id, id, store::Role::member, rec.created_at, 0));
  auto room = c.room_by_id(rec.id);
  if (!room) return fail({Code::internal, "room vanished", 0});
  Outcome o;
  o.body["room"] = render_room_for(c, *room, creator, d.status());
  joined_steps(d, c, o, *room, creator, false);
  for (auto id : r.member_ids)
    if (id != creator) joined_steps(d, c, o, *room, id, false);
  return o;
}

Outcome join_room(Domain& d, store::Connection& c, store::Id user_id, store::Id room_id) {
  auto a = access_room_by_id(c, room_id, user_id, Need::view);
  if (!a) return fail(a.error());
  Outcome o;
  if (a->me) {
    o.body["room"] = render_room(c, a->room, a->me, d.status());
    return o;
  }
  c.add_member(new_member(room_id, user_id, store::Role::member, d.now(), a->room.last_seq));
  auto room = c.room_by_id(room_id);
  if (!room) return fail({Code::internal, "room vanished", 0});
  o.body["room"] = render_room_for(c, *room, user_id, d.status());
  joined_steps(d, c, o, *room, user_id, true);
  return o;
}

Outcome remove_member(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
                      store::Id target) {
  auto a = access_room_by_id(c, room_id, actor, Need::member);
  if (!a) return fail(a.error());
  auto t = c.member(room_id, target);
  if (!t) return fail(not_found("user is not a member of this room"));
  if (auto e = check_remove_member(a->room, a->me, *t)) return fail(*e);
  c.remove_member(room_id, target);
  Outcome o;
  o.body["ok"] = true;
  if (t->role == store::Role::owner) pass_ownership(d, c, o, room_id);
  o.after.push_back([&d, room_id, target] {
    d.typing().clear(room_id, target);  // issue 4: a removed member stops typing there
    d.outbox().unsubscribe_user(target, room_id);
    json::object left;
    left["room_id"] = id_str(room_id);
    d.outbox().to_user(target, "room_left", left);
    json::object ml;
    ml["room_id"] = id_str(room_id);
    ml["user_id"] = id_str(target);
    d.outbox().to_room(room_id, "member_left", ml);
  });
  return o;
}

Outcome invite(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
               const std::vector<store::Id>& user_ids) {
  auto a = access_room_by_id(c, room_id, actor, Need::member);
  if (!a) return fail(a.error());
  if (auto e = check_invite(a->room, a->me)) return fail(*e);
  if (auto e = check_users_exist(c, user_ids)) return fail(*e);
  std::vector<store::Id> added;
  for (auto id : user_ids) {
    if (c.member(room_id, id)) continue;
    c.add_member(new_member(room_id, id, store::Role::member, d.now(), a->room.last_seq));
    added.push_back(id);
  }
  auto room = c.room_by_id(room_id);
  if (!room) return fail({Code::internal, "room vanished", 0});
  Outcome o;
  o.body["room"] = render_room_for(c, *room, actor, d.status());
  for (auto id : added) joined_steps(d, c, o, *room, id, true);
  return o;
}

Outcome update_room(Domain& d, store::Connection& c, store::Id actor, store::Id room_id,
                    const RoomPatch& patch) {
  auto a = access_room_by_id(c, room_id, actor, Need::moderate);
  if (!a) return fail(a.error());
  if (a->room.type == store::RoomType::dm) return fail(invalid("room_id", "a DM cannot be edited"));
  store::RoomRecord r = a->room;
  if (patch.name) r.name = *patch.name;
  if (patch.description) r.description = *patch.description;
  if (patch.archived) r.archived = *patch.archived;
  c.update_room(r);
  auto room = c.room_by_id(room_id);
  if (!room) return fail({Code::internal, "room vanished", 0});
  Outcome o;
  for (const auto& m : c.members(room_id)) {
    json::object ev;
    ev["room"] = render_room(c, *room, m, d.status());
    if (m.user_id == actor) o.body["room"] = ev["room"];
    o.after.push_back(
        [&d, uid = m.user_id, ev = std::move(ev)] { d.outbox().to_user(uid, "room_updated", ev); });
  }
  return o;
}

Outcome open_dm(Domain& d, store::Connection& c, store::Id user_id,
                const std::vector<store::Id>& others) {
  std::vector<store::Id> ids = others;
  ids.push_back(user_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() > kMaxDmParticipants)
    return fail(invalid("participant_ids", "too many participants"));
  if (auto e = check_users_exist(c, ids)) return fail(*e);
  std::string key;
  for (auto id : ids) key += (key.empty() ? "" : ",") + id_str(id);
  Outcome o;
  if (auto existing = c.dm_by_key(key)) {
    o.body["conversation"] = render_conversation(c, *existing, user_id, d.status());
    return o;
  }
  store::RoomRecord rec;
  rec.type = store::RoomType::dm;
  rec.created_by = user_id;
  rec.created_at = d.now();
  rec.dm_key = key;
  rec.id = c.create_room(rec);
  for (auto id : ids) c.add_member(new_member(rec.id, id, store::Role::member, rec.created_at, 0));
  auto room = c.room_by_id(rec.id);
  if (!room) return fail({Code::internal, "room vanished", 0});
  o.body["conversation"] = render_conversation(c, *room, user_id, d.status());
  for (auto id : ids) joined_steps(d, c, o, *room, id, false);
  return o;
}

}  // namespace parlor::chat::actions
