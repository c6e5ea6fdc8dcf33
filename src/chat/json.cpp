// Contract shapes for users, messages and rooms.
#include "chat/json.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace parlor::chat {

namespace json = boost::json;

std::string iso_time(store::TimeMs t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  int ms = static_cast<int>(t % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  // "YYYY-MM-DDTHH:MM:SS.mmmZ" by hand: snprintf was a visible share of
  // rendering each message.
  char buf[24];
  auto put = [&buf](int at, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10)
      buf[at + i] = static_cast<char>('0' + value % 10);
  };
  const int year = tm.tm_year + 1900;
  if (year < 0 || year > 9999) {
    char wide[64];
    std::snprintf(wide, sizeof wide, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return wide;
  }
  put(0, year, 4);
  buf[4] = '-';
  put(5, tm.tm_mon + 1, 2);
  buf[7] = '-';
  put(8, tm.tm_mday, 2);
  buf[10] = 'T';
  put(11, tm.tm_hour, 2);
  buf[13] = ':';
  put(14, tm.tm_min, 2);
  buf[16] = ':';
  put(17, tm.tm_sec, 2);
  buf[19] = '.';
  put(20, ms, 3);
  buf[23] = 'Z';
  return std::string(buf, sizeof buf);
}

json::value iso_time_or_null(store::TimeMs t) {
  if (t == 0) return nullptr;
  return json::value(iso_time(t));
}

std::string id_str(store::Id id) {
  return std::to_string(id);
}

json::array id_array(const std::vector<store::Id>& ids) {
  json::array a;
  a.reserve(ids.size());
  for (auto id : ids) a.emplace_back(id_str(id));
  return a;
}

std::string_view role_name(store::Role r) {
  switch (r) {
    case store::Role::owner:
      return "owner";
    case store::Role::admin:
      return "admin";
    case store::Role::member:
      return "member";
  }
  return "member";
}

std::string_view room_type_name(store::RoomType t) {
  switch (t) {
    case store::RoomType::public_room:
      return "public";
    case store::RoomType::private_room:
      return "private";
    case store::RoomType::dm:
      return "dm";
  }
  return "public";
}

std::optional<store::RoomType> parse_room_type(std::string_view s) {
  if (s == "public") return store::RoomType::public_room;
  if (s == "private") return store::RoomType::private_room;
  if (s == "dm") return store::RoomType::dm;
  return std::nullopt;
}

json::object user_json(const store::UserRecord& u, std::string_view status) {
  json::object o;
  o["id"] = id_str(u.id);
  o["username"] = u.username;
  o["display_name"] = u.display_name.empty() ? u.username : u.display_name;
  o["avatar_url"] = u.avatar_url.empty() ? json::value(nullptr) : json::value(u.avatar_url);
  o["status"] = status;
  o["custom_status"] = u.custom_status;
  o["last_seen"] = iso_time_or_null(u.last_seen);
  return o;
}

json::object sender_json(const store::UserRecord& u) {
  json::object o;
  o.reserve(4);
  o["id"] = id_str(u.id);
  o["username"] = u.username;
  o["display_name"] = u.display_name.empty() ? u.username : u.display_name;
  o["avatar_url"] = u.avatar_url.empty() ? json::value(nullptr) : json::value(u.avatar_url);
  return o;
}

json::object message_json(const store::MessageRecord& m, const store::UserRecord* sender) {
  json::object o;
  o.reserve(20);  // every field below: no regrowth while filling
  o["id"] = id_str(m.id);
  o["room_id"] = id_str(m.room_id);
  o["seq"] = m.seq;
  o["rev"] = m.rev;
  o["sender_id"] = id_str(m.sender_id);
  if (sender) {
    o["sender"] = sender_json(*sender);
  } else {
    store::UserRecord unknown;
    unknown.id = m.sender_id;
    o["sender"] = sender_json(unknown);
  }
  o["content"] = m.deleted ? std::string() : m.content;
  o["mentions"] = m.deleted ? json::array() : id_array(m.mentions);
  o["attachments"] = json::array();
  o["parent_id"] = m.parent_id ? json::value(id_str(*m.parent_id)) : json::value(nullptr);
  o["reply_count"] = m.reply_count;
  o["last_reply_at"] = iso_time_or_null(m.last_reply_at);
  json::array reactions;
  if (!m.deleted) {
    for (const auto& r : m.reactions) {
      if (r.user_ids.empty()) continue;
      json::object ro;
      ro["emoji"] = r.emoji;
      ro["count"] = static_cast<std::int64_t>(r.user_ids.size());
      ro["user_ids"] = id_array(r.user_ids);
      reactions.emplace_back(std::move(ro));
    }
  }
  o["reactions"] = std::move(reactions);
  o["edited"] = m.edited_at != 0;
  o["edited_at"] = iso_time_or_null(m.edited_at);
  o["deleted"] = m.deleted;
  o["pinned"] = m.pinned;
  o["created_at"] = iso_time(m.created_at);
  o["client_msg_id"] = m.client_msg_id;
  o["link_previews"] = json::array();
  return o;
}

json::object room_json(const RoomView& v) {
  const auto& r = v.room;
  json::object o;
  o["id"] = id_str(r.id);
  o["name"] = r.name;
  o["description"] = r.description;
  o["type"] = room_type_name(r.type);
  o["member_count"] = r.member_count;
  o["unread_count"] = v.me ? v.unread_count : 0;
  o["mention_count"] = v.me ? v.mention_count : 0;
  o["last_read_seq"] = v.me ? v.me->last_read_seq : 0;
  o["last_seq"] = r.last_seq;
  o["rev"] = r.rev;
  o["role"] = v.me ? json::value(role_name(v.me->role)) : json::value(nullptr);
  o["pinned_message_ids"] = id_array(v.pinned_ids);
  if (r.type == store::RoomType::dm) o["participants"] = v.participants;
  o["archived"] = r.archived;
  o["created_at"] = iso_time(r.created_at);
  return o;
}

}  // namespace parlor::chat
