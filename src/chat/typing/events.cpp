// typing_start / typing_stop {room_id | dm_id} -> {ok}; only members (see events.hpp).
#include "chat/typing/events.hpp"

#include "chat/access.hpp"
#include "chat/domain.hpp"
#include "chat/validation.hpp"

namespace parlor::chat::typing {

namespace json = boost::json;

namespace {

void start(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto room = room_or_dm_id(*p);
  if (!room) return reply(error_ack(room.error()));
  if (d.typing().refresh(s.conn, *room, s.user_id)) return reply(ok_ack());
  d.read(
      [&d, conn = s.conn, room = *room, user = s.user_id](store::Connection& c) {
        auto a = access_room_by_id(c, room, user, Need::write);
        if (!a) return fail(a.error());
        auto u = c.user_by_id(user);
        if (!u) return fail(not_found("user not found"));
        Outcome o;
        o.after.push_back([&d, conn, room, user, name = u->username] {
          if (d.session(conn)) d.typing().start(conn, room, user, name);
        });
        return o;
      },
      Domain::ack(std::move(reply)));
}

void stop(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto room = room_or_dm_id(*p);
  if (!room) return reply(error_ack(room.error()));
  // Typing there means membership was checked moments ago; otherwise check
  // it, so an outsider is refused like for every other room event.
  if (d.typing().typing(*room, s.user_id)) {
    d.typing().stop(s.conn, *room, s.user_id);
    return reply(ok_ack());
  }
  d.read(
      [&d, conn = s.conn, room = *room, user = s.user_id](store::Connection& c) {
        auto a = access_room_by_id(c, room, user, Need::member);
        if (!a) return fail(a.error());
        Outcome o;
        o.after.push_back([&d, conn, room, user] { d.typing().stop(conn, room, user); });
        return o;
      },
      Domain::ack(std::move(reply)));
}

}  // namespace

void register_events(Domain& d) {
  d.on_event("typing_start", [&d](const Session& s, const json::value& p, AckReply r) {
    start(d, s, p, std::move(r));
  });
  d.on_event("typing_stop", [&d](const Session& s, const json::value& p, AckReply r) {
    stop(d, s, p, std::move(r));
  });
}

}  // namespace parlor::chat::typing
