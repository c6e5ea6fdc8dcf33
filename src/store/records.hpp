// Plain records the store reads and writes. They mirror the tables, not the
// wire objects: the chat domain turns them into the contract's JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parlor::store {

using Id = std::int64_t;      // shown to clients as a decimal string
using TimeMs = std::int64_t;  // Unix time in milliseconds; 0 = never / none

enum class RoomType { public_room, private_room, dm };
enum class Role { owner, admin, member };

struct UserRecord {
  Id id = 0;
  std::string username;  // unique, case-insensitive
  std::string email;     // unique, case-insensitive
  std::string display_name;
  std::string avatar_url;
  std::string password_hash;  // argon2id, libsodium's crypto_pwhash_str format
  std::string status;         // set by the user: "" (automatic) or "busy"
  std::string custom_status;
  TimeMs last_seen = 0;
  TimeMs created_at = 0;
};

struct RoomRecord {
  Id id = 0;
  std::string name;
  std::string description;
  RoomType type = RoomType::public_room;
  bool archived = false;
  Id created_by = 0;
  TimeMs created_at = 0;
  std::int64_t rev = 0;       // the room's change counter: the last value handed out
  std::int64_t last_seq = 0;  // seq of the newest message (0 when none)
  std::int64_t member_count = 0;
  std::string dm_key;  // dm only: sorted participant ids joined by ','; "" otherwise
};

struct MemberRecord {
  Id room_id = 0;
  Id user_id = 0;
  Role role = Role::member;
  TimeMs joined_at = 0;
  std::int64_t last_read_seq = 0;
};

struct ReactionRecord {
  std::string emoji;
  std::vector<Id> user_ids;  // in the order they reacted
};

// An uploaded file (the bytes are kept outside the database).
struct FileRecord {
  Id id = 0;
  std::string storage_key;  // names the bytes, and is the file's link
  Id uploader_id = 0;
  std::string file_name;
  std::int64_t file_size = 0;
  std::string content_type;
  std::optional<int> width;  // images only
  std::optional<int> height;
  bool has_thumbnail = false;
  TimeMs created_at = 0;
  bool operator==(const FileRecord&) const = default;
};

struct MessageRecord {
  Id id = 0;
  Id room_id = 0;
  std::int64_t seq = 0;  // the room counter's value when the message was created
  std::int64_t rev = 0;  // the room counter's value of its latest change
  Id sender_id = 0;
  std::string content;
  std::vector<Id> mentions;
  std::optional<Id> parent_id;  // thread root, for replies
  std::int64_t reply_count = 0;
  TimeMs last_reply_at = 0;
  TimeMs edited_at = 0;  // 0 = never edited
  bool deleted = false;
  bool pinned = false;
  TimeMs created_at = 0;
  std::string client_msg_id;
  std::vector<Id> attachment_ids;
  std::vector<ReactionRecord> reactions;  // filled by reads; ordered by first reaction
  std::vector<FileRecord> attachments;    // filled by reads: attachment_ids' files, in order
  std::string link_previews;              // a JSON array as the client gets it; '' = none
};

// Everything sending a message checks, read at once (Connection::send_context).
struct SendContext {
  std::optional<Id> duplicate_id;      // the sender's message with this client_msg_id
  std::optional<RoomRecord> room;      // nullopt: no such room
  std::optional<MemberRecord> member;  // the sender's membership, if any
  // The sender as a message shows it: id, username, display_name and
  // avatar_url only (the sqlite store reads no other field).
  std::optional<UserRecord> sender;
};

struct EditRecord {
  std::string content;  // the content before this edit
  TimeMs edited_at = 0;
};

// A logout's revocation of one login token (by its jti), kept until the
// token would have expired anyway.
struct RevokedToken {
  std::string jti;
  TimeMs expires_at = 0;
  bool operator==(const RevokedToken&) const = default;
};

// Which page of a room's history to read. At most one of before/after/around
// is set; none means the newest page.
struct HistoryQuery {
  Id room_id = 0;
  int limit = 50;
  std::optional<std::int64_t> before_seq;
  std::optional<std::int64_t> after_seq;
  std::optional<std::int64_t> around_seq;
};

struct HistoryPage {
  std::vector<MessageRecord> messages;  // ascending seq
  bool has_more = false;                // more in the direction paged
  // Both ends, whatever the direction: older top-level messages exist before
  // the first / newer ones after the last. For an `around` page, has_more is
  // has_more_before || has_more_after.
  bool has_more_before = false;
  bool has_more_after = false;
};

// A message search (Connection::search_messages). Newest first.
struct SearchQuery {
  Id user_id = 0;             // searches the rooms this user is a member of,
  std::optional<Id> room_id;  // or this one room (access checked by the caller)
  // Every word must match; the last also as a prefix when last_is_prefix.
  // No words: the filters alone choose.
  std::vector<std::string> words;
  bool last_is_prefix = true;
  std::optional<Id> sender_id;
  std::optional<TimeMs> from;  // created_at >= from
  std::optional<TimeMs> to;    // created_at <= to
  bool has_file = false;
  std::optional<Id> before_id;  // the cursor: only messages with a smaller id
  int limit = 20;
};

// Marks around each match in SearchHit::snippet: U+FDD0 and U+FDD1, Unicode
// noncharacters, which no message is expected to hold.
inline constexpr const char* kMatchStart = "\xEF\xB7\x90";
inline constexpr const char* kMatchEnd = "\xEF\xB7\x91";

struct SearchHit {
  MessageRecord message;
  // The text around the first matches, matches between kMatchStart and
  // kMatchEnd, cut ends marked with "…"; empty when the query had no words.
  std::string snippet;
};

struct SearchPage {
  std::vector<SearchHit> hits;  // newest first
  bool has_more = false;
};

}  // namespace parlor::store
