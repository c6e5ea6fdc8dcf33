// Uploaded files' records (the bytes live outside the database).
#include <unordered_set>

#include "store/sqlite/connection.hpp"

namespace parlor::store::sqlite {
namespace {

#define PARLOR_FILE_COLUMNS                                                           \
  "id, storage_key, uploader_id, file_name, file_size, content_type, width, height, " \
  "has_thumbnail, created_at"

FileRecord read_file(const Query& q) {
  FileRecord f;
  f.id = q.int64(0);
  f.storage_key = q.text(1);
  f.uploader_id = q.int64(2);
  f.file_name = q.text(3);
  f.file_size = q.int64(4);
  f.content_type = q.text(5);
  if (!q.is_null(6)) f.width = static_cast<int>(q.int64(6));
  if (!q.is_null(7)) f.height = static_cast<int>(q.int64(7));
  f.has_thumbnail = q.boolean(8);
  f.created_at = q.int64(9);
  return f;
}

std::optional<std::int64_t> opt64(std::optional<int> v) {
  if (!v) return std::nullopt;
  return *v;
}

}  // namespace

Id SqliteConnection::insert_file(const FileRecord& f) {
  static constexpr char sql[] =
      "INSERT INTO files (storage_key, uploader_id, file_name, file_size, content_type, width,"
      " height, has_thumbnail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  db_.query(sql)
      .bind(1, f.storage_key)
      .bind(2, f.uploader_id)
      .bind(3, f.file_name)
      .bind(4, f.file_size)
      .bind(5, f.content_type)
      .bind(6, opt64(f.width))
      .bind(7, opt64(f.height))
      .bind(8, f.has_thumbnail)
      .bind(9, f.created_at)
      .run();
  return db_.last_insert_rowid();
}

std::vector<FileRecord> SqliteConnection::files_by_ids(const std::vector<Id>& ids) {
  static constexpr char sql[] = "SELECT " PARLOR_FILE_COLUMNS " FROM files WHERE id = ?";
  std::unordered_set<Id> seen;
  std::vector<FileRecord> out;
  for (Id id : ids) {
    if (!seen.insert(id).second) continue;
    auto q = db_.query(sql);
    q.bind(1, id);
    if (q.step()) out.push_back(read_file(q));
  }
  return out;
}

std::optional<FileRecord> SqliteConnection::file_by_key(const std::string& storage_key) {
  static constexpr char sql[] = "SELECT " PARLOR_FILE_COLUMNS " FROM files WHERE storage_key = ?";
  auto q = db_.query(sql);
  q.bind(1, storage_key);
  if (!q.step()) return std::nullopt;
  return read_file(q);
}

std::vector<FileRecord> SqliteConnection::remove_unclaimed_files(TimeMs before, std::size_t limit) {
  static constexpr char select[] = "SELECT " PARLOR_FILE_COLUMNS
                                   " FROM files WHERE claimed = 0 AND created_at < ?"
                                   " ORDER BY created_at, id LIMIT ?";
  static constexpr char remove[] = "DELETE FROM files WHERE id = ?";
  std::vector<FileRecord> out;
  {
    auto q = db_.query(select);
    q.bind(1, before).bind(2, static_cast<std::int64_t>(limit));
    while (q.step()) out.push_back(read_file(q));
  }
  for (const auto& f : out) db_.query(remove).bind(1, f.id).run();
  return out;
}

void SqliteConnection::remove_files(const std::vector<std::string>& storage_keys) {
  static constexpr char sql[] = "DELETE FROM files WHERE storage_key = ?";
  for (const auto& key : storage_keys) db_.query(sql).bind(1, key).run();
}

std::int64_t SqliteConnection::stored_bytes_of(Id uploader_id) {
  static constexpr char sql[] =
      "SELECT coalesce(sum(file_size), 0) FROM files WHERE uploader_id = ?";
  auto q = db_.query(sql);
  q.bind(1, uploader_id);
  return q.step() ? q.int64(0) : 0;
}

void SqliteConnection::claim_files(const std::vector<Id>& ids) {
  static constexpr char sql[] = "UPDATE files SET claimed = claimed + 1 WHERE id = ?";
  for (Id id : ids) db_.query(sql).bind(1, id).run();
}

std::vector<std::string> SqliteConnection::release_files(const std::vector<Id>& ids) {
  static constexpr char release[] =
      "UPDATE files SET claimed = claimed - 1 WHERE id = ? AND claimed > 0"
      " RETURNING claimed, storage_key";
  static constexpr char remove[] = "DELETE FROM files WHERE id = ?";
  std::vector<std::string> keys;
  for (Id id : ids) {
    bool unclaimed = false;
    {
      auto q = db_.query(release);
      q.bind(1, id);
      if (q.step() && q.int64(0) == 0) {
        unclaimed = true;
        keys.push_back(q.text(1));
      }
    }
    if (unclaimed) db_.query(remove).bind(1, id).run();
  }
  return keys;
}

}  // namespace parlor::store::sqlite
