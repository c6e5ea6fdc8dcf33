// The sqlite3 connection and statement wrapper (see db.hpp).
#include "store/sqlite/db.hpp"

#include <sqlite3.h>

#include "store/sqlite/wal_write_buffer.hpp"
#include "store/store.hpp"

namespace parlor::store::sqlite {

Query::Query(Db& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  return *this;
}

Query& Query::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT (SQLite copies the text): binding a temporary, such as
  // join_ids(...), must be safe.
  if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8) != SQLITE_OK) {
    db_.fail("bind");
  }
  return *this;
}

Query& Query::bind_unowned(int index, std::string_view value) {
  // The destructor resets the statement and clears its bindings, so SQLite
  // never reads the text after this Query ends.
  if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8) !=
      SQLITE_OK) {
    db_.fail("bind");
  }
  return *this;
}

Query& Query::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("bind");
  return *this;
}

Query& Query::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Query::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(sqlite3_sql(stmt_));
}

void Query::run() {
  while (step()) {
  }
}

std::int64_t Query::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Query::text(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Query::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

namespace {

// Process-wide settings, before SQLite initializes itself at the first open.
// Memory statistics would take a global mutex on every sqlite3_malloc, from
// every connection's thread; nothing here reads them.
void configure_library() {
  static const bool once = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)once;
}

}  // namespace

Db::Db(const std::string& path, const OpenOptions& options) {
  configure_library();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  // Gathering WAL writes until the commit's sync is safe only when every
  // commit syncs (wal_write_buffer.hpp).
  const char* vfs = options.synchronous_full ? wal_write_buffer_vfs() : nullptr;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, vfs) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error("sqlite: cannot open " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    exec("PRAGMA journal_mode = WAL");
    exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    exec("PRAGMA foreign_keys = ON");
    if (options.query_only) exec("PRAGMA query_only = ON");
    exec("PRAGMA cache_size = -8192");
    exec("PRAGMA temp_store = MEMORY");
    // After a burst the WAL file is cut back to this size once checkpointed.
    exec("PRAGMA journal_size_limit = 67108864");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Db::~Db() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Query Db::query(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      fail(std::string("prepare: ") + sql);
    }
    it = statements_.emplace(sql, stmt).first;
  } else if (sqlite3_stmt_busy(it->second)) {
    // Two live Query objects on one statement would corrupt each other.
    throw Error(std::string("sqlite: statement already in use: ") + sql);
  }
  return Query(*this, it->second);
}

void Db::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw Error("sqlite: " + text);
  }
}

std::int64_t Db::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Db::changes() const {
  return sqlite3_changes(db_);
}

std::uint64_t Db::total_changes() const {
  return static_cast<std::uint64_t>(sqlite3_total_changes64(db_));
}

bool Db::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

void Db::fail(std::string_view what) const {
  throw Error("sqlite: " + std::string(sqlite3_errmsg(db_)) + " (" + std::string(what) + ")");
}

}  // namespace parlor::store::sqlite
