// open_sqlite_store: opens the file, migrates it, then hands out connections.
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"

namespace parlor::store {
namespace {

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, const sqlite::OpenOptions& options)
      : path_(std::move(path)), options_(options) {
    sqlite::Db db(path_, options_);
    sqlite::apply_migrations(db);
  }

  std::unique_ptr<Connection> connect() override {
    return std::make_unique<sqlite::SqliteConnection>(path_, options_);
  }

 private:
  std::string path_;
  sqlite::OpenOptions options_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, SqliteOptions options) {
  return std::make_unique<SqliteStore>(
      path, sqlite::OpenOptions{options.synchronous_full, options.busy_timeout_ms});
}

}  // namespace parlor::store
