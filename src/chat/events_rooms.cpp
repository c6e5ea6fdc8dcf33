// Socket.IO events: join_room, leave_room.
#include "chat/actions/rooms.hpp"
#include "chat/domain.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {

namespace json = boost::json;

void register_room_events(Domain& d) {
  d.on_event("join_room", [&d](const Session& s, const json::value& payload, AckReply reply) {
    auto p = as_object(payload);
    if (!p) return reply(error_ack(p.error()));
    auto id = req_id(*p, "room_id");
    if (!id) return reply(error_ack(id.error()));
    const ConnId conn = s.conn;
    const store::Id room = *id;
    d.write([&d, user = s.user_id,
             room](store::Connection& c) { return actions::join_room(d, c, user, room); },
            [&d, conn, room, reply = std::move(reply)](Outcome& o) {
              // A member joining again from a fresh socket: make sure this
              // socket is subscribed even though membership did not change.
              if (!o.error && d.session(conn)) d.outbox().subscribe(conn, room);
              Domain::ack(reply)(o);
            });
  });
  d.on_event("leave_room", [&d](const Session& s, const json::value& payload, AckReply reply) {
    auto p = as_object(payload);
    if (!p) return reply(error_ack(p.error()));
    auto id = req_id(*p, "room_id");
    if (!id) return reply(error_ack(id.error()));
    d.write(
        [&d, user = s.user_id, room = *id](store::Connection& c) {
          auto o = actions::remove_member(d, c, user, room, user);
          o.body.erase("ok");
          return o;
        },
        Domain::ack(std::move(reply)));
  });
}

}  // namespace parlor::chat
