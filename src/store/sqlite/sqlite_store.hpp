// The embedded SQLite backend of store::Store: one database file in WAL
// mode, schema migrations applied when it is opened.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace parlor::store {

struct SqliteOptions {
  bool synchronous_full = true;  // false: synchronous=NORMAL (a crash may lose the last commits)
  int busy_timeout_ms = 5000;
  // WAL checkpoints run on a background thread once the WAL reaches this many
  // pages, so no commit waits for one; 0 = SQLite's own, inside a commit.
  // 10,000 pages (40 MB at 4 KiB): busy pages (index leaves of active rooms)
  // are rewritten many times in a WAL that long but copied back once, which
  // cut checkpoint CPU by 7x at 15,000 msgs/s (docs/BENCHMARKS.md).
  int checkpoint_pages = 10000;
};

// Opens (creating if needed) the database at `path` and brings its schema up
// to date. Throws store::Error if the file cannot be opened or migrated.
// The returned Store is thread-safe; each connect() gives one connection.
// Every Connection must be destroyed before the Store.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, SqliteOptions options = {});

}  // namespace parlor::store
