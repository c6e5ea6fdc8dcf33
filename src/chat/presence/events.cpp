// Presence events and user objects for the chat domain (see events.hpp).
#include "chat/presence/events.hpp"

#include <memory>
#include <unordered_set>

#include "chat/domain.hpp"
#include "chat/json.hpp"
#include "chat/validation.hpp"

namespace parlor::chat::presence {

namespace json = boost::json;

namespace {

Profile profile_of(const store::UserRecord& u) {
  return Profile{u.status, u.custom_status, u.last_seen};
}

// activity {idle: bool}: one tab's idle state, for automatic away.
void activity(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto idle = opt_bool(*p, "idle");
  if (!idle) return reply(error_ack(idle.error()));
  if (!*idle) return reply(error_ack(invalid("idle", "is required")));
  d.presence().activity(s.conn, **idle);
  reply(ok_ack());
}

// set_status {status?: "online"|"busy", custom_status?} -> {ok, user}
void set_status(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto status = opt_text(*p, "status", {0, 16, true});
  if (!status) return reply(error_ack(status.error()));
  if (*status && **status != "" && **status != "online" && **status != "busy")
    return reply(error_ack(invalid("status", "must be online or busy")));
  auto custom = opt_text(*p, "custom_status", {0, 140, true});
  if (!custom) return reply(error_ack(custom.error()));
  d.write(
      [&d, id = s.user_id, st = *status, cs = *custom](store::Connection& c) {
        auto u = c.user_by_id(id);
        if (!u) return fail(not_found("user not found"));
        Profile before = profile_of(*u);
        if (st) u->status = *st == "busy" ? "busy" : "";
        if (cs) u->custom_status = *cs;
        c.update_user_profile(*u);
        Outcome o;
        o.body["user"] = user_object(d.presence(), *u);
        o.after.push_back([&d, id, before, after = profile_of(*u)] {
          d.presence().choice_changed(id, before, after);
        });
        return o;
      },
      Domain::ack(std::move(reply)));
}

}  // namespace

boost::json::object user_object(const Hub& hub, store::UserRecord u) {
  View v = hub.view(u);
  u.last_seen = v.last_seen;
  return user_json(u, hub.status(u));
}

boost::json::array snapshot(store::Connection& c, store::Id user_id, const Hub& hub) {
  auto ids = c.room_sharers(user_id);
  ids.erase(ids.begin());  // the user: not in their own snapshot
  json::array out;
  for (const store::UserRecord& u : c.users_by_ids(ids)) out.emplace_back(user_object(hub, u));
  return out;
}

void register_events(Domain& d) {
  d.on_event("activity", [&d](const Session& s, const json::value& p, AckReply r) {
    activity(d, s, p, std::move(r));
  });
  d.on_event("set_status", [&d](const Session& s, const json::value& p, AckReply r) {
    set_status(d, s, p, std::move(r));
  });
}

}  // namespace parlor::chat::presence
