// The WAL write-gathering VFS: what a commit wrote is in the file when the
// commit returns, and transactions larger than its buffer, spilled or rolled
// back, leave a correct database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "backends.hpp"
#include "raw_sqlite.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/wal_write_buffer.hpp"

namespace parlor::store::test {
namespace {

using sqlite::Db;
using sqlite::OpenOptions;

class WalWriteBufferTest : public ::testing::Test {
 protected:
  std::string path() const { return (dir_.path() / "wal.db").string(); }

  // A writer through the buffering VFS that never checkpoints by itself, so
  // every committed frame stays in the WAL file.
  std::unique_ptr<Db> writer() {
    auto db = std::make_unique<Db>(path(), OpenOptions{.synchronous_full = true});
    db->exec("PRAGMA wal_autocheckpoint = 0");
    db->exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    return db;
  }

  static void insert(Db& db, int rows, int bytes) {
    static constexpr char sql[] = "INSERT INTO t (body) VALUES (?)";
    const std::string body(static_cast<std::size_t>(bytes), 'x');
    for (int i = 0; i < rows; ++i) db.query(sql).bind(1, body).run();
  }

  // One write transaction of `rows` rows.
  static void commit_rows(Db& db, int rows, int bytes) {
    db.exec("BEGIN IMMEDIATE");
    insert(db, rows, bytes);
    db.exec("COMMIT");
  }

  // The database at `file`, opened afresh, is intact and holds `rows` rows.
  static void expect_intact(const std::string& file, int rows) {
    Raw reader(file);
    EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(reader.text("SELECT count(*) FROM t"), std::to_string(rows));
  }

  TempDir dir_;
};

TEST_F(WalWriteBufferTest, IsRegistered) {
  ASSERT_NE(sqlite::wal_write_buffer_vfs(), nullptr);
  EXPECT_NE(sqlite3_vfs_find(sqlite::wal_write_buffer_vfs()), nullptr);
}

TEST_F(WalWriteBufferTest, ACommitIsInTheWalFileWhenItReturns) {
  auto db = writer();
  const std::string wal = path() + "-wal";
  for (int commit = 1; commit <= 5; ++commit) {
    commit_rows(*db, 20, 1000);
    // 20 rows of 1 KB fill at least 4 pages of 4 KiB per commit, each a
    // 24-byte frame header and the page.
    EXPECT_GE(std::filesystem::file_size(wal), 32u + commit * 4u * (24 + 4096));
    Raw reader(path());
    EXPECT_EQ(reader.text("SELECT count(*) FROM t"), std::to_string(commit * 20));
  }
}

TEST_F(WalWriteBufferTest, ATransactionLargerThanTheBufferCommitsWhole) {
  auto db = writer();
  // A small page cache makes SQLite spill pages to the WAL in mid-transaction
  // and read them back; 3 MB is three times the buffer.
  db->exec("PRAGMA cache_size = 50");
  db->exec("BEGIN IMMEDIATE");
  insert(*db, 3000, 1000);
  db->exec("UPDATE t SET body = body || 'y' WHERE id % 7 = 0");
  db->exec("COMMIT");
  Raw reader(path());
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(reader.text("SELECT count(*) FROM t"), "3000");
  EXPECT_EQ(reader.text("SELECT sum(length(body)) FROM t"), std::to_string(3000 * 1000 + 428));
}

TEST_F(WalWriteBufferTest, ALargeRollbackLeavesTheLastCommit) {
  auto db = writer();
  db->exec("PRAGMA cache_size = 50");
  commit_rows(*db, 100, 1000);
  db->exec("BEGIN IMMEDIATE");
  insert(*db, 3000, 1000);
  db->exec("ROLLBACK");
  commit_rows(*db, 10, 1000);
  expect_intact(path(), 110);
}

TEST_F(WalWriteBufferTest, TheWalRestartsFromItsStartAfterACheckpoint) {
  auto db = writer();
  for (int round = 0; round < 3; ++round) {
    commit_rows(*db, 200, 1000);
    // The next transaction writes from the first frame again.
    db->exec("PRAGMA wal_checkpoint(RESTART)");
  }
  commit_rows(*db, 5, 1000);
  expect_intact(path(), 605);
}

TEST_F(WalWriteBufferTest, ACopyOfTheFilesTakenAfterACommitHoldsIt) {
  // What a crash right after the commit would leave: the database and WAL
  // files as they are on disk, without the writer's memory.
  auto db = writer();
  for (int i = 0; i < 10; ++i) commit_rows(*db, 30, 500);
  const auto copy = dir_.path() / "copy.db";
  std::filesystem::copy_file(path(), copy);
  std::filesystem::copy_file(path() + "-wal", copy.string() + "-wal");
  expect_intact(copy.string(), 300);
}

}  // namespace
}  // namespace parlor::store::test
