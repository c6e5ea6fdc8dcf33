// Records → the contract's JSON objects: ids as decimal strings, times as
// ISO 8601 UTC with milliseconds (null when unset). Pure functions.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace parlor::chat {

std::string iso_time(store::TimeMs t);                 // "2026-11-22T10:30:00.123Z"
boost::json::value iso_time_or_null(store::TimeMs t);  // null for 0
std::string id_str(store::Id id);
boost::json::array id_array(const std::vector<store::Id>& ids);

std::string_view role_name(store::Role r);
std::string_view room_type_name(store::RoomType t);
std::optional<store::RoomType> parse_room_type(std::string_view s);  // public|private|dm

// user: {id, username, display_name, avatar_url, status, custom_status, last_seen}
// `status` is the shown one (online|away|busy|offline), decided by the caller.
boost::json::object user_json(const store::UserRecord& u, std::string_view status);
// file: {id, url, file_name, file_size, content_type, thumbnail_url, width,
// height}. The links: /files/<key>/<name, percent-encoded>, /thumbs/<key>.jpg.
std::string file_url(const store::FileRecord& f);
std::string thumbnail_url(const store::FileRecord& f);
boost::json::object file_json(const store::FileRecord& f);
// The full message object, as JSON text: one rendering, serialized once,
// for a message that goes to many (a room's broadcast and the sender's ack).
// `sender` may be null (an unknown sender renders with its id and empty
// names; the sender is {id, username, display_name, avatar_url}).
std::string message_text(const store::MessageRecord& m, const store::UserRecord* sender);
// The same as a value (parsed from message_text, so the two never differ).
boost::json::object message_json(const store::MessageRecord& m, const store::UserRecord* sender);

// What a room looks like to one user.
struct RoomView {
  store::RoomRecord room;
  std::optional<store::MemberRecord> me;  // nullopt: the caller is not a member
  std::int64_t unread_count = 0;
  std::int64_t mention_count = 0;
  std::vector<store::Id> pinned_ids;
  boost::json::array participants;  // dm only: user objects
};
boost::json::object room_json(const RoomView& v);

}  // namespace parlor::chat
