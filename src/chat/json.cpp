// Contract shapes for users, messages and rooms.
#include "chat/json.hpp"

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "chat/files/names.hpp"
#include "chat/json_writer.hpp"

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

namespace {

// {id, username, display_name, avatar_url}
void write_sender(JsonWriter& w, const store::UserRecord& u) {
  w.begin_object();
  w.key("id").decimal_string(u.id);
  w.key("username").string(u.username);
  w.key("display_name").string(u.display_name.empty() ? u.username : u.display_name);
  w.key("avatar_url");
  u.avatar_url.empty() ? w.null() : w.string(u.avatar_url);
  w.end_object();
}

void write_time_or_null(JsonWriter& w, store::TimeMs t) {
  t == 0 ? w.null() : w.string(iso_time(t));
}

void write_ids(JsonWriter& w, const std::vector<store::Id>& ids) {
  w.begin_array();
  for (auto id : ids) w.decimal_string(id);
  w.end_array();
}

void write_file(JsonWriter& w, const store::FileRecord& f) {
  w.begin_object();
  w.key("id").decimal_string(f.id);
  w.key("url").string(file_url(f));
  w.key("file_name").string(f.file_name);
  w.key("file_size").number(f.file_size);
  w.key("content_type").string(f.content_type);
  w.key("thumbnail_url");
  f.has_thumbnail ? w.string(thumbnail_url(f)) : w.null();
  w.key("width");
  f.width ? w.number(*f.width) : w.null();
  w.key("height");
  f.height ? w.number(*f.height) : w.null();
  w.end_object();
}

}  // namespace

std::string file_url(const store::FileRecord& f) {
  // RFC 3986's unreserved characters stay as they are.
  return "/files/" + f.storage_key + "/" + files::percent_encode(f.file_name, "-._~");
}

std::string thumbnail_url(const store::FileRecord& f) {
  return "/thumbs/" + f.storage_key + ".jpg";
}

json::object file_json(const store::FileRecord& f) {
  std::string out;
  JsonWriter w(out);
  write_file(w, f);
  return json::parse(out).as_object();
}

std::string message_text(const store::MessageRecord& m, const store::UserRecord* sender) {
  std::string out;
  out.reserve(600 + m.content.size());
  JsonWriter w(out);
  w.begin_object();
  w.key("id").decimal_string(m.id);
  w.key("room_id").decimal_string(m.room_id);
  w.key("seq").number(m.seq);
  w.key("rev").number(m.rev);
  w.key("sender_id").decimal_string(m.sender_id);
  w.key("sender");
  if (sender) {
    write_sender(w, *sender);
  } else {
    store::UserRecord unknown;
    unknown.id = m.sender_id;
    write_sender(w, unknown);
  }
  w.key("content").string(m.deleted ? std::string_view() : std::string_view(m.content));
  w.key("mentions");
  static const std::vector<store::Id> none;
  write_ids(w, m.deleted ? none : m.mentions);
  w.key("attachments").begin_array();
  if (!m.deleted)
    for (const auto& f : m.attachments) write_file(w, f);
  w.end_array();
  w.key("parent_id");
  m.parent_id ? w.decimal_string(*m.parent_id) : w.null();
  w.key("reply_count").number(m.reply_count);
  w.key("last_reply_at");
  write_time_or_null(w, m.last_reply_at);
  w.key("reactions").begin_array();
  if (!m.deleted) {
    for (const auto& r : m.reactions) {
      if (r.user_ids.empty()) continue;
      w.begin_object();
      w.key("emoji").string(r.emoji);
      w.key("count").number(static_cast<std::int64_t>(r.user_ids.size()));
      w.key("user_ids");
      write_ids(w, r.user_ids);
      w.end_object();
    }
  }
  w.end_array();
  w.key("edited").boolean(m.edited_at != 0);
  w.key("edited_at");
  write_time_or_null(w, m.edited_at);
  w.key("deleted").boolean(m.deleted);
  w.key("pinned").boolean(m.pinned);
  w.key("created_at").string(iso_time(m.created_at));
  w.key("client_msg_id").string(m.client_msg_id);
  w.key("link_previews");
  m.link_previews.empty() ? w.begin_array().end_array() : w.raw(m.link_previews);
  w.end_object();
  return out;
}

json::object message_json(const store::MessageRecord& m, const store::UserRecord* sender) {
  return json::parse(message_text(m, sender)).as_object();
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
