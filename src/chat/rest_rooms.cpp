// REST: rooms, members, history pages, pins, direct messages.
#include <algorithm>
#include <boost/json/array.hpp>

#include "chat/access.hpp"
#include "chat/actions/rooms.hpp"
#include "chat/domain.hpp"
#include "chat/json.hpp"
#include "chat/read_state/read_state.hpp"
#include "chat/rest_util.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {

namespace json = boost::json;

namespace {

void list_rooms(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  std::optional<store::RoomType> type;
  if (auto it = req.query.find("type"); it != req.query.end() && !it->second.empty()) {
    type = parse_room_type(it->second);
    if (!type)
      return reply(Domain::error_response(invalid("type", "must be public, private or dm")));
  }
  d.read(
      [&d, user = caller.user_id, type](store::Connection& c) {
        json::array rooms;
        std::vector<store::Id> seen;
        for (const auto& r : c.rooms_of_user(user)) {
          seen.push_back(r.id);
          if (!type || r.type == *type) rooms.emplace_back(render_room_for(c, r, user, d.status()));
        }
        if (!type || *type == store::RoomType::public_room) {
          for (const auto& r : c.public_rooms()) {
            if (std::find(seen.begin(), seen.end(), r.id) != seen.end()) continue;
            rooms.emplace_back(render_room(c, r, std::nullopt, d.status()));
          }
        }
        Outcome o;
        o.body["rooms"] = std::move(rooms);
        return o;
      },
      Domain::respond(reply));
}

void create_room(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  actions::NewRoom r;
  auto name = req_text(*body, "name", {1, 80, true});
  if (!name) return reply(Domain::error_response(name.error()));
  r.name = *name;
  auto desc = opt_text(*body, "description", {0, 1000, true});
  if (!desc) return reply(Domain::error_response(desc.error()));
  r.description = desc->value_or("");
  auto type = opt_text(*body, "type", {1, 16, true});
  if (!type) return reply(Domain::error_response(type.error()));
  auto t = parse_room_type(type->value_or("public"));
  if (!t) return reply(Domain::error_response(invalid("type", "must be public or private")));
  r.type = *t;
  auto members = id_list(*body, "member_ids", 1000, false);
  if (!members) return reply(Domain::error_response(members.error()));
  r.member_ids = *members;
  d.write([&d, user = caller.user_id,
           r](store::Connection& c) { return actions::create_room(d, c, user, r); },
          Domain::respond(reply));
}

void get_room(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  d.read(
      [&d, user = caller.user_id, id = *id](store::Connection& c) {
        auto a = access_room_by_id(c, id, user, Need::view);
        if (!a) return fail(a.error());
        Outcome o;
        o.body["room"] = render_room(c, a->room, a->me, d.status());
        return o;
      },
      Domain::respond(reply));
}

void patch_room(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  actions::RoomPatch p;
  auto name = opt_text(*body, "name", {1, 80, true});
  if (!name) return reply(Domain::error_response(name.error()));
  p.name = *name;
  auto desc = opt_text(*body, "description", {0, 1000, true});
  if (!desc) return reply(Domain::error_response(desc.error()));
  p.description = *desc;
  auto archived = opt_bool(*body, "archived");
  if (!archived) return reply(Domain::error_response(archived.error()));
  p.archived = *archived;
  d.write([&d, user = caller.user_id, id = *id,
           p](store::Connection& c) { return actions::update_room(d, c, user, id, p); },
          Domain::respond(reply));
}

void list_members(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  d.read(
      [&d, user = caller.user_id, id = *id](store::Connection& c) {
        auto a = access_room_by_id(c, id, user, Need::view);
        if (!a) return fail(a.error());
        auto members = c.members(id);
        // Where the room sends read receipts, each member says how far they
        // have read, so a client shows them from the start, not only from
        // the next receipt.
        const bool receipts = a->room.type == store::RoomType::dm ||
                              std::ssize(members) <= read_state::max_receipt_members;
        std::vector<store::Id> ids;
        for (const auto& m : members) ids.push_back(m.user_id);
        auto users = c.users_by_ids(ids);
        json::array out;
        for (const auto& m : members) {
          auto u = std::find_if(users.begin(), users.end(),
                                [&](const auto& x) { return x.id == m.user_id; });
          if (u == users.end()) continue;
          json::object o = user_json(*u, d.status()(*u));
          o["role"] = role_name(m.role);
          o["joined_at"] = iso_time(m.joined_at);
          if (receipts) o["last_read_seq"] = m.last_read_seq;
          out.emplace_back(std::move(o));
        }
        Outcome o;
        o.body["members"] = std::move(out);
        return o;
      },
      Domain::respond(reply));
}

void add_members(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  auto ids = id_list(*body, "user_ids", 1000, true);
  if (!ids) return reply(Domain::error_response(ids.error()));
  d.write([&d, user = caller.user_id, id = *id,
           ids = *ids](store::Connection& c) { return actions::invite(d, c, user, id, ids); },
          Domain::respond(reply));
}

void remove_member(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  auto target = path_id(req, "user_id");
  if (!target) return reply(Domain::error_response(not_found("user not found")));
  d.write([&d, user = caller.user_id, id = *id,
           t = *target](store::Connection& c) { return actions::remove_member(d, c, user, id, t); },
          Domain::respond(reply));
}

void set_member_role(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  auto target = path_id(req, "user_id");
  if (!target) return reply(Domain::error_response(not_found("user not found")));
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  auto name = req_text(*body, "role", {1, 16, false});
  if (!name) return reply(Domain::error_response(name.error()));
  store::Role role;
  if (*name == "owner")
    role = store::Role::owner;
  else if (*name == "admin")
    role = store::Role::admin;
  else if (*name == "member")
    role = store::Role::member;
  else
    return reply(Domain::error_response(invalid("role", "must be owner, admin or member")));
  d.write([&d, user = caller.user_id, id = *id, t = *target,
           role](store::Connection& c) { return actions::set_role(d, c, user, id, t, role); },
          Domain::respond(reply));
}

Result<std::optional<std::int64_t>> cursor_seq(store::Connection& c, const json::object& q,
                                               std::string_view field, store::Id room_id) {
  auto id = opt_id(q, field);
  if (!id) return id.error();
  if (!*id) return std::optional<std::int64_t>{};
  auto m = c.message_by_id(**id);
  if (!m || m->room_id != room_id) return not_found(std::string(field) + ": message not found");
  return std::optional<std::int64_t>(m->seq);
}

void history(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  json::object q = query_object(req);
  auto limit = opt_int(q, "limit", 1, 100);
  if (!limit) return reply(Domain::error_response(limit.error()));
  int cursors = int(q.contains("before")) + int(q.contains("after")) + int(q.contains("around"));
  if (cursors > 1)
    return reply(Domain::error_response(invalid("before", "use one of before, after, around")));
  d.read(
      [user = caller.user_id, id = *id, q, n = int(limit->value_or(50))](store::Connection& c) {
        auto a = access_room_by_id(c, id, user, Need::view);
        if (!a) return fail(a.error());
        store::HistoryQuery hq;
        hq.room_id = id;
        hq.limit = n;
        auto before = cursor_seq(c, q, "before", id);
        if (!before) return fail(before.error());
        auto after = cursor_seq(c, q, "after", id);
        if (!after) return fail(after.error());
        auto around = cursor_seq(c, q, "around", id);
        if (!around) return fail(around.error());
        hq.before_seq = *before;
        hq.after_seq = *after;
        hq.around_seq = *around;
        auto page = c.history(hq);
        Outcome o;
        o.body["messages"] = render_messages(c, page.messages);
        o.body["has_more"] = page.has_more;
        return o;
      },
      Domain::respond(reply));
}

void pinned(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto id = path_id(req, "id");
  if (!id) return reply(Domain::error_response(not_found("room not found")));
  d.read(
      [user = caller.user_id, id = *id](store::Connection& c) {
        auto a = access_room_by_id(c, id, user, Need::view);
        if (!a) return fail(a.error());
        Outcome o;
        o.body["messages"] = render_messages(c, c.pinned_messages(id));
        return o;
      },
      Domain::respond(reply));
}

void list_dms(Domain& d, const Caller& caller, RestRequest&, RestReply reply) {
  d.read(
      [&d, user = caller.user_id](store::Connection& c) {
        std::vector<std::pair<std::int64_t, json::object>> convs;
        for (const auto& r : c.rooms_of_user(user)) {
          if (r.type != store::RoomType::dm) continue;
          auto last = c.last_message(r.id);
          json::object conv = render_conversation(c, r, user, d.status());
          convs.emplace_back(last ? last->created_at : r.created_at, std::move(conv));
        }
        // Most recently active first.
        std::stable_sort(convs.begin(), convs.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        json::array out;
        for (auto& [_, conv] : convs) out.emplace_back(std::move(conv));
        Outcome o;
        o.body["conversations"] = std::move(out);
        return o;
      },
      Domain::respond(reply));
}

void open_dm(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  auto ids = id_list(*body, "participant_ids", 16, true);
  if (!ids) return reply(Domain::error_response(ids.error()));
  d.write([&d, user = caller.user_id,
           ids = *ids](store::Connection& c) { return actions::open_dm(d, c, user, ids); },
          Domain::respond(reply));
}

}  // namespace

void register_room_routes(Domain& d) {
  using H = void (*)(Domain&, const Caller&, RestRequest&, RestReply);
  auto add = [&d](const char* method, const char* pattern, H h) {
    d.on_rest(method, pattern, [&d, h](const Caller& caller, RestRequest& req, RestReply reply) {
      h(d, caller, req, std::move(reply));
    });
  };
  add("GET", "/api/rooms", list_rooms);
  add("POST", "/api/rooms", create_room);
  add("GET", "/api/rooms/:id", get_room);
  add("PATCH", "/api/rooms/:id", patch_room);
  add("GET", "/api/rooms/:id/members", list_members);
  add("POST", "/api/rooms/:id/members", add_members);
  add("DELETE", "/api/rooms/:id/members/:user_id", remove_member);
  add("PATCH", "/api/rooms/:id/members/:user_id", set_member_role);
  add("GET", "/api/rooms/:id/messages", history);
  add("GET", "/api/rooms/:id/pinned", pinned);
  add("GET", "/api/direct-messages", list_dms);
  add("POST", "/api/direct-messages", open_dm);
}

}  // namespace parlor::chat
