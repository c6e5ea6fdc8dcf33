// mark_read and the message hooks for read state (see events.hpp).
#include "chat/read_state/events.hpp"

#include <boost/json/parse.hpp>

#include "chat/read_state/read_state.hpp"
#include "chat/validation.hpp"

namespace parlor::chat::read_state {

namespace json = boost::json;

namespace {

// mark_read {room_id | dm_id, message_id} -> {ok, unread_count, mention_count}
void mark(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto room = room_or_dm_id(*p);
  if (!room) return reply(error_ack(room.error()));
  auto message = req_id(*p, "message_id");
  if (!message) return reply(error_ack(message.error()));
  d.write(
      [&d, user = s.user_id, room = *room, message = *message](store::Connection& c) {
        auto r = mark_read(c, user, room, message);
        if (!r) return fail(r.error());
        Outcome o;
        o.body = ack_fields(r->counts);
        o.after.push_back([&d, r = *r] { send_mark_read(d.outbox(), r); });
        return o;
      },
      Domain::ack(std::move(reply)));
}

IsOnline online_in(Domain& d) {
  return [&d](store::Id user) { return d.presence().online(user); };
}

}  // namespace

std::vector<store::Id> on_sent(store::Connection& c, const store::MessageRecord& m) {
  if (m.mentions.empty()) return {};
  return mentioned_members(c, m);
}

void after_sent(Domain& d, store::Id room_id, store::Id sender_id,
                const std::vector<store::Id>& mentioned, const RawMember& message) {
  d.typing().clear(room_id, sender_id);
  if (!mentioned.empty()) send_mentions(d.outbox(), mentioned, json::parse(*message.json));
}

void on_edited(Domain& d, Outcome& o, store::Connection& c, const store::MessageRecord& before,
               const store::MessageRecord& after, const boost::json::object& message_json) {
  auto added = newly_mentioned(c, before, after.mentions);
  auto updates = after_edit(c, before, after.mentions, online_in(d));
  if (added.empty() && updates.empty()) return;
  o.after.push_back([&d, room = before.room_id, added, updates, message_json] {
    send_mentions(d.outbox(), added, message_json);
    send_updates(d.outbox(), room, updates);
  });
}

void on_deleted(Domain& d, Outcome& o, store::Connection& c, const store::MessageRecord& before) {
  auto updates = after_delete(c, before, online_in(d));
  if (updates.empty()) return;
  o.after.push_back(
      [&d, room = before.room_id, updates] { send_updates(d.outbox(), room, updates); });
}

void register_events(Domain& d) {
  d.on_event("mark_read", [&d](const Session& s, const json::value& p, AckReply r) {
    mark(d, s, p, std::move(r));
  });
}

}  // namespace parlor::chat::read_state
