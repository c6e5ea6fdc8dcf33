// SqliteConnection's construction and transaction control.
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cstring>

#include "store/sqlite/connection.hpp"

#include "store/sqlite/checkpointer.hpp"

namespace parlor::store::sqlite {

SqliteConnection::SqliteConnection(const std::string& path, const OpenOptions& options)
    : db_(path, options) {
  sqlite3_update_hook(db_.handle(), &SqliteConnection::on_row_change, this);
}

void SqliteConnection::on_row_change(void* self, int, const char*, const char* table,
                                     long long rowid) {
  auto& cache = static_cast<SqliteConnection*>(self)->send_cache_;
  if (std::strcmp(table, "rooms") == 0) {
    cache.forget_room(rowid);
  } else if (std::strcmp(table, "users") == 0) {
    cache.forget_user(rowid);
  }
}

void SqliteConnection::notice_other_commits() {
  static constexpr char sql[] = "PRAGMA data_version";
  auto q = db_.query(sql);
  if (!q.step()) return;
  const long long version = q.int64(0);
  if (version != data_version_) send_cache_.clear();
  data_version_ = version;
}

void SqliteConnection::begin_read() {
  static constexpr char sql[] = "BEGIN";
  writing_ = false;
  db_.query(sql).run();
}

void SqliteConnection::begin_write() {
  static constexpr char sql[] = "BEGIN IMMEDIATE";
  writing_ = false;
  db_.query(sql).run();
  // Only now: with the write lock held, no other connection can commit
  // until this transaction ends.
  notice_other_commits();
  writing_ = true;
}

void SqliteConnection::commit() {
  static constexpr char sql[] = "COMMIT";
  if (writing_) {
    using namespace std::chrono;
    index_in_passing(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
  }
  db_.query(sql).run();
  writing_ = false;
}

void SqliteConnection::rollback() {
  send_cache_.clear();
  writing_ = false;
  // Some errors (disk full, I/O) end the transaction by themselves.
  if (!db_.in_transaction()) return;
  static constexpr char sql[] = "ROLLBACK";
  db_.query(sql).run();
}

void SqliteConnection::savepoint() {
  static constexpr char sql[] = "SAVEPOINT job";
  db_.query(sql).run();
}

void SqliteConnection::release_savepoint() {
  static constexpr char sql[] = "RELEASE job";
  db_.query(sql).run();
}

std::uint64_t SqliteConnection::rows_changed() {
  return db_.total_changes();
}

bool SqliteConnection::in_transaction() {
  return db_.in_transaction();
}

void SqliteConnection::report_to(Checkpointer& c) {
  checkpointer_ = &c;
  c.watch(db_);
}

void SqliteConnection::between_batches() {
  if (checkpointer_) checkpointer_->catch_up(db_);
}

void SqliteConnection::rollback_to_savepoint() {
  // ROLLBACK TO keeps the savepoint open; release it too so that a job's
  // savepoint always ends here and batches do not nest ever deeper.
  static constexpr char undo[] = "ROLLBACK TO job";
  static constexpr char release[] = "RELEASE job";
  send_cache_.clear();
  db_.query(undo).run();
  db_.query(release).run();
}

std::string join_ids(const std::vector<Id>& ids) {
  std::string out;
  for (Id id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

std::vector<Id> split_ids(const std::string& text) {
  std::vector<Id> out;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    Id id = 0;
    auto [next, ec] = std::from_chars(p, end, id);
    if (ec != std::errc()) break;
    out.push_back(id);
    p = next < end ? next + 1 : next;
  }
  return out;
}

}  // namespace parlor::store::sqlite
