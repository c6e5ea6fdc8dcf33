// A thin owner of one sqlite3 connection: opening with the pragmas Parlor
// needs, running plain SQL, and a per-connection cache of prepared
// statements. Every SQLite failure becomes store::Error carrying SQLite's
// message. One thread at a time, like the connection itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace parlor::store::sqlite {

struct OpenOptions {
  bool synchronous_full = true;
  int busy_timeout_ms = 5000;
  bool query_only = false;  // writes fail with SQLITE_READONLY
};

class Db;

// One use of a cached statement: bind, step, read columns. The destructor
// resets the statement (ending its read of the database) so the next user
// finds it clean. Parameters and columns count like SQLite's: binds from 1,
// columns from 0.
class Query {
 public:
  Query(Db& db, sqlite3_stmt* stmt);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int index, std::int64_t value);
  Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, std::string_view value);
  Query& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Query& bind_null(int index);
  Query& bind(int index, const std::optional<std::int64_t>& value);
  // Binds without copying: `value` must stay unchanged until this Query ends.
  // For large texts that outlive the statement, such as a message's content.
  Query& bind_unowned(int index, std::string_view value);

  // true while there is a row to read.
  bool step();
  // Runs a statement that returns no rows (or whose rows do not matter).
  void run();

  std::int64_t int64(int column) const;
  bool boolean(int column) const { return int64(column) != 0; }
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  Db& db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens (creating if needed) the database file, in WAL mode.
  Db(const std::string& path, const OpenOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // `sql` must have static storage duration (a string literal or a constant):
  // the cache is keyed by its address, so lookups cost no hashing of text.
  Query query(const char* sql);
  // Runs one or more statements without caching them (DDL, pragmas).
  void exec(const std::string& sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;
  std::uint64_t total_changes() const;  // rows inserted, updated or deleted since open
  sqlite3* handle() const { return db_; }

  // Throws store::Error with `what` and SQLite's current message.
  [[noreturn]] void fail(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace parlor::store::sqlite
