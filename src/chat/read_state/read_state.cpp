// Read state: store steps inside the caller's job, events after its commit
// (see read_state.hpp).
#include "chat/read_state/read_state.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace parlor::chat::read_state {

namespace {

bool contains(const std::vector<store::Id>& ids, store::Id id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

Counts counts(store::Connection& c, const store::MemberRecord& m) {
  return Counts{c.count_unread(m.room_id, m.user_id, m.last_read_seq),
                c.count_mentions(m.room_id, m.user_id, m.last_read_seq), m.last_read_seq};
}

std::optional<Counts> counts(store::Connection& c, store::Id room_id, store::Id user_id) {
  auto m = c.member(room_id, user_id);
  if (!m) return std::nullopt;
  return counts(c, *m);
}

Result<MarkRead> mark_read(store::Connection& c, store::Id user_id, store::Id room_id,
                           store::Id message_id) {
  auto room = c.room_by_id(room_id);
  if (!room) return not_found("no such room");
  auto me = c.member(room_id, user_id);
  if (!me) return forbidden("not a member of this room");
  auto msg = c.message_by_id(message_id);
  if (!msg || msg->room_id != room_id) return not_found("no such message in this room");
  MarkRead r;
  r.room_id = room_id;
  r.user_id = user_id;
  if (msg->seq > me->last_read_seq) {
    c.set_last_read_seq(room_id, user_id, msg->seq);
    me->last_read_seq = msg->seq;
    r.moved = true;
  }
  r.counts = counts(c, *me);
  r.receipts = room->type == store::RoomType::dm || room->member_count <= max_receipt_members;
  return r;
}

std::vector<store::Id> mentioned_members(store::Connection& c, const store::MessageRecord& m) {
  std::vector<store::Id> out;
  std::unordered_set<store::Id> seen;
  for (store::Id id : m.mentions) {
    if (id == m.sender_id || !seen.insert(id).second) continue;
    if (c.member(m.room_id, id)) out.push_back(id);
  }
  return out;
}

std::vector<store::Id> newly_mentioned(store::Connection& c, const store::MessageRecord& before,
                                       const std::vector<store::Id>& after_mentions) {
  store::MessageRecord added = before;
  added.mentions.clear();
  for (store::Id id : after_mentions) {
    if (!contains(before.mentions, id)) added.mentions.push_back(id);
  }
  return mentioned_members(c, added);
}

std::vector<UserCounts> after_edit(store::Connection& c, const store::MessageRecord& before,
                                   const std::vector<store::Id>& after_mentions,
                                   const IsOnline& is_online) {
  std::vector<store::Id> changed;
  for (store::Id id : after_mentions) {
    if (!contains(before.mentions, id) && !contains(changed, id)) changed.push_back(id);
  }
  for (store::Id id : before.mentions) {
    if (!contains(after_mentions, id) && !contains(changed, id)) changed.push_back(id);
  }
  std::vector<UserCounts> out;
  for (store::Id id : changed) {
    if (!is_online(id)) continue;
    auto m = c.member(before.room_id, id);
    // A mention of a message the user has already read counts for nothing.
    if (!m || m->last_read_seq >= before.seq) continue;
    out.push_back(UserCounts{id, counts(c, *m)});
  }
  return out;
}

std::vector<UserCounts> after_delete(store::Connection& c, const store::MessageRecord& before,
                                     const IsOnline& is_online) {
  std::vector<UserCounts> out;
  if (before.deleted) return out;
  bool top_level = !before.parent_id.has_value();
  for (const store::MemberRecord& m : c.members(before.room_id)) {
    if (m.last_read_seq >= before.seq) continue;
    bool unread_moved = top_level && m.user_id != before.sender_id;
    bool mention_moved = contains(before.mentions, m.user_id);
    if (!unread_moved && !mention_moved) continue;
    if (!is_online(m.user_id)) continue;
    out.push_back(UserCounts{m.user_id, counts(c, m)});
  }
  return out;
}

boost::json::object ack_fields(const Counts& counts) {
  return {{"unread_count", counts.unread_count}, {"mention_count", counts.mention_count}};
}

boost::json::object unread_update_json(store::Id room_id, const Counts& counts) {
  return {{"room_id", std::to_string(room_id)},
          {"unread_count", counts.unread_count},
          {"mention_count", counts.mention_count},
          {"last_read_seq", counts.last_read_seq}};
}

boost::json::object read_receipt_json(store::Id room_id, store::Id user_id,
                                      std::int64_t last_read_seq) {
  return {{"room_id", std::to_string(room_id)},
          {"user_id", std::to_string(user_id)},
          {"last_read_seq", last_read_seq}};
}

void send_mark_read(Outbox& out, const MarkRead& r) {
  if (!r.moved) return;
  out.to_user(r.user_id, "unread_update", unread_update_json(r.room_id, r.counts));
  if (r.receipts) {
    out.to_room(r.room_id, "read_receipt",
                read_receipt_json(r.room_id, r.user_id, r.counts.last_read_seq));
  }
}

void send_updates(Outbox& out, store::Id room_id, const std::vector<UserCounts>& updates) {
  for (const UserCounts& u : updates) {
    out.to_user(u.user_id, "unread_update", unread_update_json(room_id, u.counts));
  }
}

void send_mentions(Outbox& out, const std::vector<store::Id>& user_ids,
                   const boost::json::value& message_json) {
  if (user_ids.empty()) return;
  boost::json::object payload{{"message", message_json}};
  for (store::Id id : user_ids) out.to_user(id, "mention", payload);
}

}  // namespace parlor::chat::read_state
