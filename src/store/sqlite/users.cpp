// Users and revoked login tokens.
#include <unordered_set>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/rows.hpp"

namespace parlor::store::sqlite {

UserRecord read_user(const Query& q, int at) {
  UserRecord u;
  u.id = q.int64(at + 0);
  u.username = q.text(at + 1);
  u.email = q.text(at + 2);
  u.display_name = q.text(at + 3);
  u.avatar_url = q.text(at + 4);
  u.password_hash = q.text(at + 5);
  u.status = q.text(at + 6);
  u.custom_status = q.text(at + 7);
  u.last_seen = q.int64(at + 8);
  u.created_at = q.int64(at + 9);
  return u;
}

namespace {

// LIKE pattern for "starts with `prefix`", with LIKE's wildcards escaped.
std::string prefix_pattern(const std::string& prefix) {
  std::string out;
  out.reserve(prefix.size() + 1);
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace

Id SqliteConnection::create_user(const UserRecord& u) {
  static constexpr char sql[] =
      "INSERT INTO users (username, email, display_name, avatar_url, password_hash, status, "
      "custom_status, last_seen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  db_.query(sql)
      .bind(1, u.username)
      .bind(2, u.email)
      .bind(3, u.display_name)
      .bind(4, u.avatar_url)
      .bind(5, u.password_hash)
      .bind(6, u.status)
      .bind(7, u.custom_status)
      .bind(8, u.last_seen)
      .bind(9, u.created_at)
      .run();
  return db_.last_insert_rowid();
}

std::optional<UserRecord> SqliteConnection::user_by_id(Id id) {
  static constexpr char sql[] = "SELECT " PARLOR_USER_COLUMNS " FROM users u WHERE id = ?";
  auto q = db_.query(sql);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::optional<UserRecord> SqliteConnection::user_by_username(const std::string& username) {
  static constexpr char sql[] = "SELECT " PARLOR_USER_COLUMNS " FROM users u WHERE username = ?";
  auto q = db_.query(sql);
  q.bind(1, username);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::optional<UserRecord> SqliteConnection::user_by_email(const std::string& email) {
  static constexpr char sql[] = "SELECT " PARLOR_USER_COLUMNS " FROM users u WHERE email = ?";
  auto q = db_.query(sql);
  q.bind(1, email);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::vector<UserRecord> SqliteConnection::users_by_ids(const std::vector<Id>& ids) {
  // Callers pass one id per message of a page: look each user up once.
  std::unordered_set<Id> seen;
  std::vector<UserRecord> out;
  for (Id id : ids) {
    if (!seen.insert(id).second) continue;
    if (auto u = user_by_id(id)) out.push_back(std::move(*u));
  }
  return out;
}

std::vector<UserRecord> SqliteConnection::search_users(const std::string& query, int limit) {
  // LIKE is case-insensitive for ASCII. A scan: the display-name half cannot
  // use an index (fine at our user counts; the search issue revisits it).
  static constexpr char sql[] = "SELECT " PARLOR_USER_COLUMNS
                                " FROM users u WHERE username LIKE ?1 ESCAPE '\\'"
                                " OR display_name LIKE ?1 ESCAPE '\\'"
                                " ORDER BY username LIMIT ?2";
  std::string pattern = prefix_pattern(query);
  auto q = db_.query(sql);
  q.bind(1, pattern).bind(2, limit);
  std::vector<UserRecord> out;
  while (q.step()) out.push_back(read_user(q));
  return out;
}

void SqliteConnection::update_user_profile(const UserRecord& u) {
  static constexpr char sql[] =
      "UPDATE users SET display_name = ?, avatar_url = ?, status = ?, custom_status = ?,"
      " last_seen = ? WHERE id = ?";
  db_.query(sql)
      .bind(1, u.display_name)
      .bind(2, u.avatar_url)
      .bind(3, u.status)
      .bind(4, u.custom_status)
      .bind(5, u.last_seen)
      .bind(6, u.id)
      .run();
}

void SqliteConnection::set_last_seen(Id user_id, TimeMs when) {
  static constexpr char sql[] = "UPDATE users SET last_seen = ? WHERE id = ?";
  db_.query(sql).bind(1, when).bind(2, user_id).run();
}

void SqliteConnection::revoke_token(const std::string& jti, TimeMs expires_at) {
  static constexpr char sql[] =
      "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?)"
      " ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)";
  db_.query(sql).bind(1, jti).bind(2, expires_at).run();
}

bool SqliteConnection::is_token_revoked(const std::string& jti) {
  static constexpr char sql[] = "SELECT 1 FROM revoked_tokens WHERE jti = ?";
  auto q = db_.query(sql);
  q.bind(1, jti);
  return q.step();
}

std::vector<RevokedToken> SqliteConnection::revoked_tokens_not_expired(TimeMs now) {
  static constexpr char sql[] =
      "SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > ? ORDER BY expires_at, jti";
  auto q = db_.query(sql);
  q.bind(1, now);
  std::vector<RevokedToken> out;
  while (q.step()) out.push_back({q.text(0), q.int64(1)});
  return out;
}

std::size_t SqliteConnection::forget_expired_revocations(TimeMs now) {
  static constexpr char sql[] = "DELETE FROM revoked_tokens WHERE expires_at <= ?";
  db_.query(sql).bind(1, now).run();
  return static_cast<std::size_t>(db_.changes());
}

}  // namespace parlor::store::sqlite
