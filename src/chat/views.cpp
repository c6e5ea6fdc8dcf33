// Builds contract objects from store reads.
#include "chat/views.hpp"

#include <unordered_map>

#include "chat/json.hpp"

namespace parlor::chat {

namespace json = boost::json;

json::object render_message(store::Connection& c, const store::MessageRecord& m) {
  auto sender = c.user_by_id(m.sender_id);
  return message_json(m, sender ? &*sender : nullptr);
}

json::array render_messages(store::Connection& c, const std::vector<store::MessageRecord>& ms) {
  std::vector<store::Id> ids;
  for (const auto& m : ms) ids.push_back(m.sender_id);
  std::unordered_map<store::Id, store::UserRecord> senders;
  if (!ids.empty())
    for (auto& u : c.users_by_ids(ids)) senders.emplace(u.id, std::move(u));
  json::array out;
  out.reserve(ms.size());
  for (const auto& m : ms) {
    auto it = senders.find(m.sender_id);
    out.emplace_back(message_json(m, it == senders.end() ? nullptr : &it->second));
  }
  return out;
}

json::object render_room(store::Connection& c, const store::RoomRecord& room,
                         const std::optional<store::MemberRecord>& me, const StatusFn& status) {
  RoomView v;
  v.room = room;
  v.me = me;
  if (me) {
    v.unread_count = c.count_unread(room.id, me->user_id, me->last_read_seq);
    v.mention_count = c.count_mentions(room.id, me->user_id, me->last_read_seq);
  }
  for (const auto& m : c.pinned_messages(room.id)) v.pinned_ids.push_back(m.id);
  if (room.type == store::RoomType::dm) {
    std::vector<store::Id> ids;
    for (const auto& m : c.members(room.id)) ids.push_back(m.user_id);
    for (const auto& u : c.users_by_ids(ids)) v.participants.emplace_back(user_json(u, status(u)));
  }
  return room_json(v);
}

json::object render_room_for(store::Connection& c, const store::RoomRecord& room, store::Id user_id,
                             const StatusFn& status) {
  return render_room(c, room, c.member(room.id, user_id), status);
}

json::object render_conversation(store::Connection& c, const store::RoomRecord& room,
                                 store::Id user_id, const StatusFn& status) {
  json::object o = render_room_for(c, room, user_id, status);
  auto last = c.last_message(room.id);
  o["last_message"] = last ? json::value(render_message(c, *last)) : json::value(nullptr);
  return o;
}

}  // namespace parlor::chat
