// SQLite-specific checks: the pragmas, the migration bookkeeping, and that
// the hot queries use their indexes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>

#include "backends.hpp"
#include "raw_sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parlor::store::test {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string path() const { return (dir_.path() / "parlor.db").string(); }
  TempDir dir_;
};

TEST_F(SqliteStoreTest, OpensInWalModeWithForeignKeys) {
  auto store = open_sqlite_store(path());
  auto c = store->connect();
  Raw raw(path());
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  // foreign_keys is per connection: check it through the store's own.
  RoomRecord r;
  r.name = "r";
  Id room = c->create_room(r);
  MemberRecord m{room, 424242, Role::member, 0, 0};
  EXPECT_THROW(c->add_member(m), Error);  // no such user
}

TEST_F(SqliteStoreTest, MigrationsAreRecordedOnceAndRerunHarmlessly) {
  {
    auto store = open_sqlite_store(path());
    UserRecord u;
    u.username = "kept";
    u.email = "kept@example.com";
    store->connect()->create_user(u);
  }
  auto before = Raw(path()).text("SELECT version, name FROM schema_migrations ORDER BY version");
  EXPECT_EQ(before.substr(0, 14), "1|0001_initial");
  {
    auto store = open_sqlite_store(path(), SqliteOptions{.synchronous_full = true});
    EXPECT_TRUE(store->connect()->user_by_username("kept"));
  }
  EXPECT_EQ(Raw(path()).text("SELECT version, name FROM schema_migrations ORDER BY version"),
            before);
}

TEST_F(SqliteStoreTest, ErrorsCarrySqlitesMessage) {
  auto store = open_sqlite_store(path());
  auto c = store->connect();
  UserRecord u;
  u.username = "x";
  u.email = "x@example.com";
  c->create_user(u);
  try {
    c->create_user(u);
    FAIL() << "a duplicate user was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed"), std::string::npos)
        << e.what();
  }
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  {
    std::ofstream out(path());
    out << std::string(4096, 'x');
  }
  EXPECT_THROW(open_sqlite_store(path()), Error);
}

TEST_F(SqliteStoreTest, HotQueriesUseIndexes) {
  open_sqlite_store(path());
  Raw raw(path());
  auto plan = [&](const std::string& sql) { return raw.text("EXPLAIN QUERY PLAN " + sql); };
  EXPECT_NE(plan("SELECT * FROM messages WHERE room_id = 1 AND parent_id IS NULL AND seq < 5"
                 " ORDER BY seq DESC LIMIT 51")
                .find("messages_by_room_seq"),
            std::string::npos);
  // The change stream's two scans (reads.cpp): both ordered by their index,
  // no sort.
  auto changed = plan(
      "SELECT * FROM messages WHERE room_id = 1 AND rev > 5 AND rev != seq"
      " ORDER BY rev, seq LIMIT 51");
  EXPECT_NE(changed.find("messages_changed_by_room_rev"), std::string::npos) << changed;
  EXPECT_EQ(changed.find("TEMP B-TREE"), std::string::npos) << changed;
  auto unchanged = plan(
      "SELECT * FROM messages WHERE room_id = 1 AND seq > 5 AND rev = seq ORDER BY seq LIMIT 51");
  EXPECT_NE(unchanged.find("messages_by_room_seq"), std::string::npos) << unchanged;
  EXPECT_EQ(unchanged.find("TEMP B-TREE"), std::string::npos) << unchanged;
  EXPECT_NE(plan("SELECT * FROM messages WHERE sender_id = 1 AND client_msg_id = 'x'")
                .find("messages_by_client_id"),
            std::string::npos);
  EXPECT_NE(
      plan("SELECT * FROM messages WHERE parent_id = 3 ORDER BY seq").find("messages_by_parent"),
      std::string::npos);
  EXPECT_NE(plan("SELECT count(*) FROM mentions WHERE user_id = 1 AND room_id = 2 AND seq > 3")
                .find("mentions_by_user"),
            std::string::npos);
  EXPECT_NE(plan("SELECT * FROM users WHERE username = 'A'").find("INDEX"), std::string::npos);
  EXPECT_NE(plan("SELECT * FROM users WHERE email = 'A'").find("INDEX"), std::string::npos);
  EXPECT_NE(plan("SELECT * FROM rooms WHERE dm_key = '1,2'").find("rooms_by_dm_key"),
            std::string::npos);
}

MessageRecord message_in(Id room, Id sender, const std::string& content, std::int64_t seq) {
  MessageRecord m;
  m.room_id = room;
  m.sender_id = sender;
  m.content = content;
  m.seq = m.rev = seq;
  m.client_msg_id = "c" + std::to_string(seq);
  return m;
}

// A user and a room to post in: {user, room}.
std::pair<Id, Id> user_and_room(Connection& c) {
  UserRecord u;
  u.username = "u";
  u.email = "u@example.com";
  RoomRecord r;
  r.name = "r";
  return {c.create_user(u), c.create_room(r)};
}

TEST_F(SqliteStoreTest, TheWritersCommitsBringTheSearchIndexAlong) {
  auto store = open_sqlite_store(path());
  auto c = store->connect();
  auto [user, room] = user_and_room(*c);
  SearchQuery q;
  q.room_id = room;
  q.words = {"hello"};
  // The first write transaction indexes what it adds, at its commit.
  c->begin_write();
  c->insert_message(message_in(room, user, "hello one", 1));
  c->commit();
  EXPECT_EQ(c->search_messages(q).hits.size(), 1u);
  // Within the interval, a few more wait for the next catch-up...
  c->begin_write();
  c->insert_message(message_in(room, user, "hello two", 2));
  c->commit();
  EXPECT_EQ(c->search_messages(q).hits.size(), 1u);
  EXPECT_EQ(c->index_new_messages(100), 1u);
  EXPECT_EQ(c->search_messages(q).hits.size(), 2u);
  // ...unless a whole batch is waiting.
  c->begin_write();
  for (int i = 0; i < 1024; ++i) c->insert_message(message_in(room, user, "hello", 3 + i));
  c->commit();
  EXPECT_EQ(c->index_new_messages(100), 0u);
  q.limit = 100;
  EXPECT_TRUE(c->search_messages(q).has_more);
}

TEST_F(SqliteStoreTest, TheSearchMigrationIndexesExistingMessages) {
  {
    auto store = open_sqlite_store(path());
    auto c = store->connect();
    auto [user, room] = user_and_room(*c);
    c->insert_message(message_in(room, user, "from before the index", 1));
  }
  {
    // As if the database predated migration 0003.
    Raw raw(path());
    raw.text("DROP TABLE messages_fts");
    raw.text("DROP TABLE search_state");
    raw.text("DROP TABLE files");
    raw.text("ALTER TABLE messages DROP COLUMN link_previews");
    raw.text("DELETE FROM schema_migrations WHERE version >= 3");
  }
  auto store = open_sqlite_store(path());
  auto c = store->connect();
  SearchQuery q;
  q.room_id = 1;
  q.words = {"before"};
  EXPECT_EQ(c->search_messages(q).hits.size(), 1u);
  EXPECT_EQ(c->index_new_messages(100), 0u);
}

// Files keyed "aaa…", "bbb…" and "ccc…", uploaded by `user`.
std::vector<Id> three_files(Connection& c, Id user) {
  std::vector<Id> ids;
  for (char k : {'a', 'b', 'c'}) {
    FileRecord f;
    f.storage_key = std::string(32, k);
    f.uploader_id = user;
    f.file_name = "f";
    f.content_type = "text/plain";
    f.created_at = 1;
    ids.push_back(c.insert_file(f));
  }
  return ids;
}

TEST_F(SqliteStoreTest, TheClaimsMigrationClaimsFilesMessagesAttach) {
  {
    auto store = open_sqlite_store(path());
    auto c = store->connect();
    auto [user, room] = user_and_room(*c);
    auto ids = three_files(*c, user);
    auto m = message_in(room, user, "two files", 1);
    m.attachment_ids = {ids[2], ids[0]};
    c->insert_message(m);
  }
  {
    // As if the database predated migration 0006.
    Raw raw(path());
    raw.text("DROP INDEX files_unclaimed");
    raw.text("ALTER TABLE files DROP COLUMN claimed");
    raw.text("DELETE FROM schema_migrations WHERE version >= 6");
  }
  auto store = open_sqlite_store(path());
  auto c = store->connect();
  auto removed = c->remove_unclaimed_files(100, 10);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].storage_key, std::string(32, 'b'));
}

// Migration 0007 turns the claim flag into a count of attaching messages;
// a file of a message deleted before it keeps its claim.
TEST_F(SqliteStoreTest, Migration7CountsEachFilesAttachingMessages) {
  std::vector<Id> ids;
  {
    auto store = open_sqlite_store(path());
    auto c = store->connect();
    auto [user, room] = user_and_room(*c);
    ids = three_files(*c, user);
    auto m = message_in(room, user, "two files", 1);
    m.attachment_ids = {ids[0], ids[1]};
    c->insert_message(m);
    auto again = message_in(room, user, "one again", 2);
    again.attachment_ids = {ids[0]};
    c->insert_message(again);
    auto gone = message_in(room, user, "deleted", 3);
    gone.attachment_ids = {ids[2]};
    c->delete_message(c->insert_message(gone), 4);
  }
  {
    // As if the database predated migration 0007: claims were 0 or 1.
    Raw raw(path());
    raw.text("UPDATE files SET claimed = 1 WHERE claimed > 0");
    raw.text("DELETE FROM schema_migrations WHERE version >= 7");
  }
  auto store = open_sqlite_store(path());
  auto c = store->connect();
  EXPECT_TRUE(c->release_files({ids[0]}).empty());  // two messages attached it
  EXPECT_EQ(c->release_files({ids[0], ids[1]}),
            (std::vector<std::string>{std::string(32, 'a'), std::string(32, 'b')}));
  EXPECT_EQ(c->release_files({ids[2]}), (std::vector<std::string>{std::string(32, 'c')}));
}

// A user whose row fills most of a page (a few WAL pages per commit, with
// its index entries).
UserRecord page_sized_user(int i, std::size_t name_bytes) {
  UserRecord u;
  u.username = "user" + std::to_string(i);
  u.email = u.username + "@example.com";
  u.display_name = std::string(name_bytes, 'x');
  return u;
}

TEST_F(SqliteStoreTest, CheckpointsTheWalInTheBackground) {
  auto store = open_sqlite_store(path(), SqliteOptions{.checkpoint_pages = 16});
  auto c = store->connect();
  const auto empty_size = std::filesystem::file_size(path());
  // About 100 pages, one commit each. The hook replaces SQLite's own
  // automatic checkpoint (which would only start at 1000 pages anyway); a
  // commit here only finishes a checkpoint the background thread started,
  // so only the checkpointer can start growing the file.
  for (int i = 0; i < 100; ++i) c->create_user(page_sized_user(i, 4000));
  // Waits for the checkpointer; the bound only turns a hang into a failure.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::filesystem::file_size(path()) < empty_size + 50 * 4096) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the WAL was never checkpointed";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(c->user_by_username("user99"));
}

TEST_F(SqliteStoreTest, TheWalRestartsUnderContinuousWrites) {
  // A writer that never pauses begins each transaction while the background
  // checkpoint is still behind; without the writer's catch-up between
  // batches the WAL would hold every frame ever written (here about 3,000
  // pages, 12 MB).
  auto store = open_sqlite_store(path(), SqliteOptions{.checkpoint_pages = 64});
  auto c = store->connect();
  const std::string wal = path() + "-wal";
  std::uintmax_t largest = 0;
  for (int i = 0; i < 1000; ++i) {
    c->create_user(page_sized_user(i, 3000));  // one batch (autocommit)
    c->between_batches();                      // as the Executor's writer does
    largest = std::max(largest, std::filesystem::file_size(wal));
  }
  EXPECT_LT(largest, 4u * 1024 * 1024) << "the WAL kept growing";
  EXPECT_TRUE(c->user_by_username("user999"));
}

}  // namespace
}  // namespace parlor::store::test
