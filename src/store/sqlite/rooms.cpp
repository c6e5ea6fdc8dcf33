// Rooms, their change counter, and membership.
#include <algorithm>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/rows.hpp"

namespace parlor::store::sqlite {
namespace {

#define PARLOR_ROOM_COLUMNS                                                              \
  "r.id, r.name, r.description, r.type, r.archived, r.created_by, r.created_at, r.rev, " \
  "r.last_seq, r.member_count, r.dm_key"
constexpr int kRoomColumns = 11;
#define PARLOR_MEMBER_COLUMNS "m.room_id, m.user_id, m.role, m.joined_at, m.last_read_seq"

const char* type_name(RoomType t) {
  switch (t) {
    case RoomType::public_room:
      return "public";
    case RoomType::private_room:
      return "private";
    case RoomType::dm:
      return "dm";
  }
  return "public";
}

RoomType parse_type(const std::string& s) {
  if (s == "private") return RoomType::private_room;
  if (s == "dm") return RoomType::dm;
  return RoomType::public_room;
}

const char* role_name(Role r) {
  switch (r) {
    case Role::owner:
      return "owner";
    case Role::admin:
      return "admin";
    case Role::member:
      return "member";
  }
  return "member";
}

Role parse_role(const std::string& s) {
  if (s == "owner") return Role::owner;
  if (s == "admin") return Role::admin;
  return Role::member;
}

// The PARLOR_ROOM_COLUMNS, from column `at` on.
RoomRecord read_room(const Query& q, int at = 0) {
  RoomRecord r;
  r.id = q.int64(at + 0);
  r.name = q.text(at + 1);
  r.description = q.text(at + 2);
  r.type = parse_type(q.text(at + 3));
  r.archived = q.boolean(at + 4);
  r.created_by = q.int64(at + 5);
  r.created_at = q.int64(at + 6);
  r.rev = q.int64(at + 7);
  r.last_seq = q.int64(at + 8);
  r.member_count = q.int64(at + 9);
  r.dm_key = q.text(at + 10);
  return r;
}

// The PARLOR_MEMBER_COLUMNS, from column `at` on.
MemberRecord read_member(const Query& q, int at = 0) {
  MemberRecord m;
  m.room_id = q.int64(at + 0);
  m.user_id = q.int64(at + 1);
  m.role = parse_role(q.text(at + 2));
  m.joined_at = q.int64(at + 3);
  m.last_read_seq = q.int64(at + 4);
  return m;
}

}  // namespace

Id SqliteConnection::create_room(const RoomRecord& r) {
  static constexpr char sql[] =
      "INSERT INTO rooms (name, description, type, archived, created_by, created_at, dm_key)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)";
  auto q = db_.query(sql);
  q.bind(1, r.name)
      .bind(2, r.description)
      .bind(3, type_name(r.type))
      .bind(4, r.archived)
      .bind(5, r.created_by)
      .bind(6, r.created_at);
  // NULL, not "", so that only real DM keys meet the unique index.
  if (r.dm_key.empty()) {
    q.bind_null(7);
  } else {
    q.bind(7, r.dm_key);
  }
  q.run();
  return db_.last_insert_rowid();
}

std::optional<RoomRecord> SqliteConnection::room_by_id(Id id) {
  static constexpr char sql[] = "SELECT " PARLOR_ROOM_COLUMNS " FROM rooms r WHERE r.id = ?";
  auto q = db_.query(sql);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_room(q);
}

std::optional<RoomRecord> SqliteConnection::dm_by_key(const std::string& dm_key) {
  static constexpr char sql[] = "SELECT " PARLOR_ROOM_COLUMNS " FROM rooms r WHERE r.dm_key = ?";
  auto q = db_.query(sql);
  q.bind(1, dm_key);
  if (!q.step()) return std::nullopt;
  return read_room(q);
}

void SqliteConnection::update_room(const RoomRecord& r) {
  static constexpr char sql[] =
      "UPDATE rooms SET name = ?, description = ?, archived = ? WHERE id = ?";
  db_.query(sql).bind(1, r.name).bind(2, r.description).bind(3, r.archived).bind(4, r.id).run();
}

std::vector<RoomRecord> SqliteConnection::rooms_of_user(Id user_id) {
  static constexpr char sql[] = "SELECT " PARLOR_ROOM_COLUMNS
                                " FROM members m JOIN rooms r ON r.id = m.room_id"
                                " WHERE m.user_id = ? ORDER BY r.id";
  auto q = db_.query(sql);
  q.bind(1, user_id);
  std::vector<RoomRecord> out;
  while (q.step()) out.push_back(read_room(q));
  return out;
}

std::vector<Id> SqliteConnection::room_ids_of_user(Id user_id) {
  // The members_by_user index alone (it covers room_id).
  static constexpr char sql[] = "SELECT room_id FROM members WHERE user_id = ? ORDER BY room_id";
  auto q = db_.query(sql);
  q.bind(1, user_id);
  std::vector<Id> out;
  while (q.step()) out.push_back(q.int64(0));
  return out;
}

std::vector<RoomRecord> SqliteConnection::public_rooms() {
  static constexpr char sql[] = "SELECT " PARLOR_ROOM_COLUMNS
                                " FROM rooms r WHERE r.type = 'public'"
                                " ORDER BY r.archived, r.name, r.id";
  auto q = db_.query(sql);
  std::vector<RoomRecord> out;
  while (q.step()) out.push_back(read_room(q));
  return out;
}

std::int64_t SqliteConnection::next_rev(Id room_id) {
  // Two statements: UPDATE ... RETURNING costs ten times as much in SQLite 3.40.
  static constexpr char bump[] = "UPDATE rooms SET rev = rev + 1 WHERE id = ?";
  static constexpr char read[] = "SELECT rev FROM rooms WHERE id = ?";
  db_.query(bump).bind(1, room_id).run();
  if (db_.changes() != 1) throw Error("sqlite: next_rev: no room " + std::to_string(room_id));
  auto q = db_.query(read);
  q.bind(1, room_id);
  if (!q.step()) throw Error("sqlite: next_rev: no room " + std::to_string(room_id));
  return q.int64(0);
}

std::optional<Id> SqliteConnection::message_id_by_client_id(Id sender_id,
                                                            const std::string& client_msg_id) {
  static constexpr char sql[] = "SELECT id FROM messages WHERE sender_id = ? AND client_msg_id = ?";
  auto q = db_.query(sql);
  q.bind(1, sender_id).bind_unowned(2, client_msg_id);
  if (!q.step()) return std::nullopt;
  return q.int64(0);
}

SendContext SqliteConnection::send_context(Id room_id, Id sender_id,
                                           const std::string& client_msg_id) {
  if (writing_) {
    if (auto hit = send_cache_.find(room_id, sender_id)) {
      SendContext s;
      s.room = *hit->room;
      s.member = *hit->member;
      s.sender = *hit->sender;
      // Messages without a client id are stored with NULL, which matches nothing.
      if (!client_msg_id.empty())
        s.duplicate_id = message_id_by_client_id(sender_id, client_msg_id);
      return s;
    }
  }
  // One row whatever exists: each part is a primary-key (or unique index)
  // lookup, NULL when missing.
  static constexpr char sql[] =
      "SELECT (SELECT id FROM messages WHERE sender_id = ?1 AND client_msg_id = "
      "?3), u.id, u.username, u.display_name, u.avatar_url, " PARLOR_ROOM_COLUMNS
      ", " PARLOR_MEMBER_COLUMNS
      " FROM (SELECT 1) AS one"
      " LEFT JOIN users u ON u.id = ?1"
      " LEFT JOIN rooms r ON r.id = ?2"
      " LEFT JOIN members m ON m.room_id = ?2 AND m.user_id = ?1";
  constexpr int user_at = 1;
  constexpr int room_at = user_at + 4;
  constexpr int member_at = room_at + kRoomColumns;
  auto q = db_.query(sql);
  q.bind(1, sender_id).bind(2, room_id).bind(3, client_msg_id);
  SendContext s;
  if (!q.step()) return s;
  if (!q.is_null(0)) s.duplicate_id = q.int64(0);
  if (!q.is_null(user_at)) {
    // What a message shows of its sender; the rest (email, password hash,
    // status) would be copied out for nothing on every send.
    s.sender.emplace();
    s.sender->id = q.int64(user_at);
    s.sender->username = q.text(user_at + 1);
    s.sender->display_name = q.text(user_at + 2);
    s.sender->avatar_url = q.text(user_at + 3);
  }
  if (!q.is_null(room_at)) {
    s.room = read_room(q, room_at);
    if (!q.is_null(member_at)) s.member = read_member(q, member_at);
  }
  if (writing_ && s.room && s.member && s.sender) send_cache_.keep(*s.room, *s.member, *s.sender);
  return s;
}

// Every statement that changes members forgets that membership in the send
// cache: the update hook does not see WITHOUT ROWID tables.

void SqliteConnection::add_member(const MemberRecord& m) {
  send_cache_.forget_member(m.room_id, m.user_id);
  static constexpr char insert[] =
      "INSERT INTO members (room_id, user_id, role, joined_at, last_read_seq)"
      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, user_id) DO NOTHING";
  static constexpr char count[] = "UPDATE rooms SET member_count = member_count + 1 WHERE id = ?";
  db_.query(insert)
      .bind(1, m.room_id)
      .bind(2, m.user_id)
      .bind(3, role_name(m.role))
      .bind(4, m.joined_at)
      .bind(5, m.last_read_seq)
      .run();
  if (db_.changes() == 1) db_.query(count).bind(1, m.room_id).run();
}

bool SqliteConnection::remove_member(Id room_id, Id user_id) {
  send_cache_.forget_member(room_id, user_id);
  static constexpr char remove[] = "DELETE FROM members WHERE room_id = ? AND user_id = ?";
  static constexpr char count[] = "UPDATE rooms SET member_count = member_count - 1 WHERE id = ?";
  db_.query(remove).bind(1, room_id).bind(2, user_id).run();
  if (db_.changes() == 0) return false;
  db_.query(count).bind(1, room_id).run();
  return true;
}

std::optional<MemberRecord> SqliteConnection::member(Id room_id, Id user_id) {
  static constexpr char sql[] =
      "SELECT " PARLOR_MEMBER_COLUMNS " FROM members m WHERE room_id = ? AND user_id = ?";
  auto q = db_.query(sql);
  q.bind(1, room_id).bind(2, user_id);
  if (!q.step()) return std::nullopt;
  return read_member(q);
}

std::vector<MemberRecord> SqliteConnection::members(Id room_id) {
  static constexpr char sql[] =
      "SELECT " PARLOR_MEMBER_COLUMNS " FROM members m WHERE room_id = ? ORDER BY user_id";
  auto q = db_.query(sql);
  q.bind(1, room_id);
  std::vector<MemberRecord> out;
  while (q.step()) out.push_back(read_member(q));
  return out;
}

std::vector<Id> SqliteConnection::room_sharers(Id user_id) {
  // Ids only, in one statement: members_by_user for the rooms, then the
  // primary key (room_id, user_id) of each, which covers the user ids.
  static constexpr char sql[] =
      "SELECT user_id FROM members WHERE room_id IN"
      " (SELECT room_id FROM members WHERE user_id = ?)";
  auto q = db_.query(sql);
  q.bind(1, user_id);
  std::vector<Id> out;
  while (q.step()) out.push_back(q.int64(0));
  // Sorted and made unique in place: a hash set cost a node per member.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  auto self = std::lower_bound(out.begin(), out.end(), user_id);
  if (self != out.end() && *self == user_id) {
    std::rotate(out.begin(), self, self + 1);
  } else {
    out.insert(out.begin(), user_id);
  }
  return out;
}

void SqliteConnection::set_role(Id room_id, Id user_id, Role role) {
  send_cache_.forget_member(room_id, user_id);
  static constexpr char sql[] = "UPDATE members SET role = ? WHERE room_id = ? AND user_id = ?";
  db_.query(sql).bind(1, role_name(role)).bind(2, room_id).bind(3, user_id).run();
}

void SqliteConnection::set_last_read_seq(Id room_id, Id user_id, std::int64_t seq) {
  send_cache_.forget_member(room_id, user_id);
  static constexpr char sql[] =
      "UPDATE members SET last_read_seq = ? WHERE room_id = ? AND user_id = ?";
  db_.query(sql).bind(1, seq).bind(2, room_id).bind(3, user_id).run();
}

}  // namespace parlor::store::sqlite
