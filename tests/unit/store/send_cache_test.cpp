// The SQLite connection keeps what send_context read inside its write
// transactions (send_cache.hpp). Each test caches a room, membership and
// sender, changes one of them by another path, and expects send_context to
// see the change: a stale entry would let a removed member post.
#include <gtest/gtest.h>

#include <string>

#include "backends.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parlor::store::test {
namespace {

class SendCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_sqlite_store((dir_.path() / "parlor.db").string());
    c_ = store_->connect();
    UserRecord u;
    u.username = "ann";
    u.email = "ann@example.com";
    u.display_name = "Ann";
    user_ = c_->create_user(u);
    RoomRecord r;
    r.name = "general";
    room_ = c_->create_room(r);
    c_->add_member(MemberRecord{room_, user_, Role::member, 0, 0});
  }

  // Reads the context in a write transaction of its own, as a send does.
  SendContext context(Connection& c, const std::string& client_msg_id = "") {
    c.begin_write();
    auto s = c.send_context(room_, user_, client_msg_id);
    c.commit();
    return s;
  }

  // Appends a message from the user to the room at `rev`.
  void append(std::int64_t rev, const std::string& client_msg_id = "") {
    MessageRecord m;
    m.room_id = room_;
    m.sender_id = user_;
    m.content = "hi";
    m.client_msg_id = client_msg_id;
    c_->append_message(m, rev);
  }

  // Appends a message with the context's rev and commits.
  void send(const std::string& client_msg_id) {
    c_->begin_write();
    auto s = c_->send_context(room_, user_, client_msg_id);
    ASSERT_TRUE(s.room);
    append(s.room->rev, client_msg_id);
    c_->commit();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Connection> c_;
  Id user_ = 0;
  Id room_ = 0;
};

TEST_F(SendCacheTest, TheRoomsRevFollowsTheAppendsOfOneTransaction) {
  ASSERT_TRUE(context(*c_).member);  // cached
  c_->begin_write();
  for (int i = 0; i < 3; ++i) {
    auto s = c_->send_context(room_, user_, "m" + std::to_string(i));
    ASSERT_TRUE(s.room);
    EXPECT_EQ(s.room->rev, i);
    EXPECT_EQ(s.room->last_seq, i);
    append(s.room->rev, "m" + std::to_string(i));  // throws if the rev were stale
  }
  c_->commit();
  EXPECT_EQ(c_->room_by_id(room_)->rev, 3);
}

TEST_F(SendCacheTest, AResendIsFoundWhenEverythingElseIsCached) {
  send("once");
  auto s = context(*c_, "once");
  ASSERT_TRUE(s.duplicate_id);
  EXPECT_FALSE(context(*c_, "other").duplicate_id);
}

TEST_F(SendCacheTest, ARemovedMemberIsNoLongerOne) {
  ASSERT_TRUE(context(*c_).member);
  c_->begin_write();
  ASSERT_TRUE(c_->remove_member(room_, user_));
  c_->commit();
  EXPECT_FALSE(context(*c_).member);
}

TEST_F(SendCacheTest, ARoleChangeIsSeen) {
  ASSERT_EQ(context(*c_).member->role, Role::member);
  c_->begin_write();
  c_->set_role(room_, user_, Role::admin);
  c_->commit();
  EXPECT_EQ(context(*c_).member->role, Role::admin);
}

TEST_F(SendCacheTest, AReadMarkIsSeen) {
  send("a");
  ASSERT_EQ(context(*c_).member->last_read_seq, 0);
  c_->begin_write();
  c_->set_last_read_seq(room_, user_, 1);
  c_->commit();
  EXPECT_EQ(context(*c_).member->last_read_seq, 1);
}

TEST_F(SendCacheTest, AnArchivedRoomIsSeenArchived) {
  ASSERT_FALSE(context(*c_).room->archived);
  auto r = *c_->room_by_id(room_);
  r.archived = true;
  c_->begin_write();
  c_->update_room(r);
  c_->commit();
  EXPECT_TRUE(context(*c_).room->archived);
}

TEST_F(SendCacheTest, ANewMemberCountIsSeen) {
  ASSERT_EQ(context(*c_).room->member_count, 1);
  UserRecord u;
  u.username = "bob";
  u.email = "bob@example.com";
  Id bob = c_->create_user(u);
  c_->begin_write();
  c_->add_member(MemberRecord{room_, bob, Role::member, 0, 0});
  c_->commit();
  EXPECT_EQ(context(*c_).room->member_count, 2);
}

TEST_F(SendCacheTest, ASendersNewNameIsSeen) {
  ASSERT_EQ(context(*c_).sender->display_name, "Ann");
  auto u = *c_->user_by_id(user_);
  u.display_name = "Ann B.";
  c_->begin_write();
  c_->update_user_profile(u);
  c_->commit();
  EXPECT_EQ(context(*c_).sender->display_name, "Ann B.");
}

TEST_F(SendCacheTest, ARollbackForgetsWhatItUndid) {
  ASSERT_TRUE(context(*c_).room);
  c_->begin_write();
  auto s = c_->send_context(room_, user_, "");
  append(s.room->rev);
  c_->remove_member(room_, user_);
  c_->rollback();
  auto after = context(*c_);
  ASSERT_TRUE(after.room);
  EXPECT_EQ(after.room->rev, 0);
  EXPECT_TRUE(after.member);
}

TEST_F(SendCacheTest, ARollbackToASavepointForgetsWhatItUndid) {
  c_->begin_write();
  auto s = c_->send_context(room_, user_, "");
  c_->savepoint();
  append(s.room->rev);
  c_->rollback_to_savepoint();
  EXPECT_EQ(c_->send_context(room_, user_, "").room->rev, 0);
  c_->commit();
}

TEST_F(SendCacheTest, AnotherConnectionsCommitIsSeen) {
  ASSERT_TRUE(context(*c_).member);
  auto other = store_->connect();
  other->begin_write();
  ASSERT_TRUE(other->remove_member(room_, user_));
  other->commit();
  EXPECT_FALSE(context(*c_).member);
}

TEST_F(SendCacheTest, OutsideAWriteTransactionNothingIsCached) {
  // Autocommit reads, then a change by another connection: nothing kept
  // from before may answer for the room.
  ASSERT_TRUE(c_->send_context(room_, user_, "").member);
  auto other = store_->connect();
  other->begin_write();
  ASSERT_TRUE(other->remove_member(room_, user_));
  other->commit();
  EXPECT_FALSE(c_->send_context(room_, user_, "").member);
}

}  // namespace
}  // namespace parlor::store::test
