// SqliteConnection's construction and transaction control.
#include <charconv>

#include "store/sqlite/connection.hpp"

#include "store/sqlite/checkpointer.hpp"

namespace parlor::store::sqlite {

SqliteConnection::SqliteConnection(const std::string& path, const OpenOptions& options)
    : db_(path, options) {}

void SqliteConnection::begin_read() {
  static constexpr char sql[] = "BEGIN";
  db_.query(sql).run();
}

void SqliteConnection::begin_write() {
  static constexpr char sql[] = "BEGIN IMMEDIATE";
  db_.query(sql).run();
}

void SqliteConnection::commit() {
  static constexpr char sql[] = "COMMIT";
  db_.query(sql).run();
}

void SqliteConnection::rollback() {
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
