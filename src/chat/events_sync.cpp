// Socket.IO event `sync`: catch-up after a reconnect. The connection is
// subscribed to its user's rooms first (through the write queue, see
// Domain::resubscribe), then the store is read, so every change is either
// in the reply or arrives as an event afterwards (possibly both: clients
// dedupe by rev).
#include <algorithm>
#include <boost/json/array.hpp>

#include "chat/domain.hpp"
#include "chat/json.hpp"
#include "chat/presence/events.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {

namespace json = boost::json;

namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 500;
constexpr std::size_t kMaxCursors = 1000;

struct Cursor {
  store::Id room_id;
  std::int64_t rev;
};

Result<std::vector<Cursor>> parse_cursors(const json::object& p) {
  std::vector<Cursor> out;
  const auto* v = p.if_contains("cursors");
  if (!v || v->is_null()) return out;
  if (!v->is_object()) return invalid("cursors", "must be an object of room_id: rev");
  if (v->get_object().size() > kMaxCursors) return invalid("cursors", "too many rooms");
  for (const auto& kv : v->get_object()) {
    auto id = parse_id(std::string_view(kv.key()));
    if (!id) return invalid("cursors", "keys must be room ids");
    json::object one;
    one["rev"] = kv.value();
    auto rev = opt_int(one, "rev", 0, INT64_MAX);
    if (!rev || !*rev) return invalid("cursors", "values must be revs (integers >= 0)");
    out.push_back({*id, **rev});
  }
  return out;
}

// One room's page. Two messages can share a rev (a reply and its thread
// root), so a page never ends between them: it may hold limit + 1.
json::object room_page(store::Connection& c, const store::RoomRecord& room,
                       const store::MemberRecord& me, std::int64_t after, int limit) {
  auto changed = c.messages_changed_after(room.id, after, limit + 1);
  std::size_t take = std::min<std::size_t>(changed.size(), limit);
  while (take > 0 && take < changed.size() && changed[take].rev == changed[take - 1].rev) ++take;
  const bool has_more = take < changed.size();
  changed.resize(take);
  std::int64_t cursor = has_more ? changed.back().rev : std::max(after, room.rev);
  json::object o;
  o["room_id"] = id_str(room.id);
  o["messages"] = render_messages(c, changed);
  o["has_more"] = has_more;
  o["cursor"] = cursor;
  o["unread_count"] = c.count_unread(room.id, me.user_id, me.last_read_seq);
  o["mention_count"] = c.count_mentions(room.id, me.user_id, me.last_read_seq);
  o["last_read_seq"] = me.last_read_seq;
  return o;
}

void sync(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload, true);
  if (!p) return reply(error_ack(p.error()));
  auto cursors = parse_cursors(*p);
  if (!cursors) return reply(error_ack(cursors.error()));
  auto limit = opt_int(*p, "limit_per_room", 1, kMaxLimit);
  if (!limit) return reply(error_ack(limit.error()));
  const int n = int(limit->value_or(kDefaultLimit));
  const store::Id user = s.user_id;
  d.resubscribe(s.conn, user, [&d, user, cursors = std::move(*cursors), n, reply](bool ok) {
    if (!ok) return reply(error_ack({Code::unauthorized, "not connected", 0}));
    d.read(
        [&d, user, cursors, n](store::Connection& c) {
          json::array rooms;
          json::array removed;
          for (const auto& cur : cursors) {
            auto room = c.room_by_id(cur.room_id);
            auto me = room ? c.member(cur.room_id, user) : std::nullopt;
            if (!room || !me) {
              removed.emplace_back(id_str(cur.room_id));
              continue;
            }
            rooms.emplace_back(room_page(c, *room, *me, cur.rev, n));
          }
          Outcome o;
          o.body["rooms"] = std::move(rooms);
          o.body["removed_room_ids"] = std::move(removed);
          o.body["presence"] = presence::snapshot(c, user, d.presence());
          o.body["server_time"] = iso_time(d.now());
          return o;
        },
        Domain::ack(reply));
  });
}

}  // namespace

void register_sync_event(Domain& d) {
  d.on_event("sync", [&d](const Session& s, const json::value& p, AckReply r) {
    sync(d, s, p, std::move(r));
  });
}

}  // namespace parlor::chat
