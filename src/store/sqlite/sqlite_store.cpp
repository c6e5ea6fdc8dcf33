// open_sqlite_store: opens the file, migrates it, then hands out connections.
#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <mutex>

#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"

namespace parlor::store {
namespace {

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, const sqlite::OpenOptions& options, int checkpoint_pages)
      : path_(std::move(path)), options_(options) {
    {
      sqlite::Db db(path_, options_);
      sqlite::apply_migrations(db);
    }
    if (checkpoint_pages > 0) {
      checkpointer_ = std::make_unique<sqlite::Checkpointer>(path_, options_, checkpoint_pages);
    }
  }

  std::unique_ptr<Connection> connect() override {
    auto conn = std::make_unique<sqlite::SqliteConnection>(path_, options_);
    if (checkpointer_) conn->report_to(*checkpointer_);
    return conn;
  }

  std::unique_ptr<Connection> connect_reader() override {
    sqlite::OpenOptions options = options_;
    options.query_only = true;
    return std::make_unique<sqlite::SqliteConnection>(path_, options);
  }

 private:
  std::string path_;
  sqlite::OpenOptions options_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, SqliteOptions options) {
  // Memory statistics take a process-wide mutex on every allocation; nothing
  // reads them. Only possible before SQLite initialises (else a harmless no-op).
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  return std::make_unique<SqliteStore>(
      path, sqlite::OpenOptions{options.synchronous_full, options.busy_timeout_ms, false},
      options.checkpoint_pages);
}

}  // namespace parlor::store
