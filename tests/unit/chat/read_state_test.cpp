// Read state: mark_read only moves forward, counts follow the store's rules,
// and edits / deletes name exactly the members whose badges moved.
#include "chat/read_state/read_state.hpp"

#include <gtest/gtest.h>

#include "presence_fake_outbox.hpp"
#include "read_state_fake_connection.hpp"

namespace parlor::chat::read_state {
namespace {

using testing::FakeReadConnection;
using testing::RecordingOutbox;

const IsOnline everyone = [](store::Id) { return true; };

struct Room {
  FakeReadConnection c;
  Room() {
    c.add_room(10);
    c.join(10, 1);
    c.join(10, 2);
    c.join(10, 3);
    c.post(100, 10, 1);            // seq 1
    c.post(101, 10, 2, {1});       // seq 2, mentions 1
    c.post(102, 10, 3, {1, 2});    // seq 3
    c.post(103, 10, 2, {1}, 101);  // seq 4, a reply mentioning 1
  }
};

TEST(ReadState, CountsFromTheMembersLastRead) {
  Room r;
  EXPECT_EQ(counts(r.c, 10, 1), (Counts{2, 3, 0}));
  EXPECT_EQ(counts(r.c, 10, 2), (Counts{2, 1, 0}));
  EXPECT_FALSE(counts(r.c, 10, 99));
}

TEST(ReadState, MarkReadMovesForwardOnly) {
  Room r;
  auto a = mark_read(r.c, 1, 10, 102);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->moved);
  EXPECT_EQ(a->counts, (Counts{0, 1, 3}));
  auto back = mark_read(r.c, 1, 10, 100);
  ASSERT_TRUE(back.has_value());
  EXPECT_FALSE(back->moved);
  EXPECT_EQ(back->counts, (Counts{0, 1, 3}));
  EXPECT_EQ(r.c.member(10, 1)->last_read_seq, 3);
  EXPECT_EQ(r.c.last_read_writes, 1);
  auto same = mark_read(r.c, 1, 10, 102);
  EXPECT_FALSE(same->moved);
}

TEST(ReadState, MarkReadRefusesWithoutChanging) {
  Room r;
  r.c.add_room(11);
  r.c.join(11, 1);
  r.c.post(200, 11, 1);
  auto not_member = mark_read(r.c, 99, 10, 100);
  ASSERT_TRUE(not_member.has_error());
  EXPECT_EQ(not_member.error().code, Code::forbidden);
  auto other_room = mark_read(r.c, 1, 10, 200);
  ASSERT_TRUE(other_room.has_error());
  EXPECT_EQ(other_room.error().code, Code::not_found);
  EXPECT_EQ(mark_read(r.c, 1, 10, 999).error().code, Code::not_found);
  EXPECT_EQ(mark_read(r.c, 1, 77, 100).error().code, Code::not_found);
  EXPECT_EQ(r.c.last_read_writes, 0);
}

TEST(ReadState, ReceiptsForDmsAndRoomsUpToTheLimit) {
  FakeReadConnection c;
  c.add_room(1, store::RoomType::dm);
  c.add_room(2);
  c.add_room(3);
  for (store::Id u = 1; u <= 101; ++u) {
    c.join(1, u);
    c.join(3, u);
  }
  for (store::Id u = 1; u <= 100; ++u) c.join(2, u);
  c.post(10, 1, 2);
  c.post(20, 2, 2);
  c.post(30, 3, 2);
  EXPECT_TRUE(mark_read(c, 1, 1, 10)->receipts);
  EXPECT_TRUE(mark_read(c, 1, 2, 20)->receipts);
  EXPECT_FALSE(mark_read(c, 1, 3, 30)->receipts);
}

TEST(ReadState, MarkReadEventsGoToTheReaderAndTheRoom) {
  Room r;
  RecordingOutbox out;
  send_mark_read(out, *mark_read(r.c, 2, 10, 101));
  ASSERT_EQ(out.sent.size(), 2u);
  EXPECT_EQ(out.sent[0].how, "user");
  EXPECT_EQ(out.sent[0].target, "2");
  EXPECT_EQ(out.sent[0].event, "unread_update");
  EXPECT_EQ(out.sent[0].payload.at("room_id").as_string(), "10");
  EXPECT_EQ(out.sent[0].payload.at("unread_count").as_int64(), 1);
  EXPECT_EQ(out.sent[0].payload.at("mention_count").as_int64(), 1);
  EXPECT_EQ(out.sent[0].payload.at("last_read_seq").as_int64(), 2);
  EXPECT_EQ(out.sent[1].how, "room");
  EXPECT_EQ(out.sent[1].event, "read_receipt");
  EXPECT_EQ(out.sent[1].payload.at("user_id").as_string(), "2");
  EXPECT_EQ(out.sent[1].payload.at("last_read_seq").as_int64(), 2);

  out.sent.clear();
  send_mark_read(out, *mark_read(r.c, 2, 10, 100));  // not a move: nothing to say
  EXPECT_TRUE(out.sent.empty());
  auto ack = ack_fields(Counts{4, 1, 9});
  EXPECT_EQ(ack.at("unread_count").as_int64(), 4);
  EXPECT_EQ(ack.at("mention_count").as_int64(), 1);
}

TEST(ReadState, MentionedMembersSkipSenderDuplicatesAndOutsiders) {
  Room r;
  auto& m = r.c.post(104, 10, 1, {1, 2, 2, 55, 3});
  EXPECT_EQ(mentioned_members(r.c, m), (std::vector<store::Id>{2, 3}));
  RecordingOutbox out;
  send_mentions(out, {2, 3}, boost::json::object{{"id", "104"}});
  ASSERT_EQ(out.of("mention").size(), 2u);
  EXPECT_EQ(out.sent[1].target, "3");
  EXPECT_EQ(out.sent[1].payload.at("message").at("id").as_string(), "104");
}

TEST(ReadState, EditAddingAndRemovingMentionsRefreshesThoseMembers) {
  Room r;
  store::MessageRecord before = r.c.messages.at(102);  // mentions 1, 2
  r.c.messages.at(102).mentions = {2, 3};              // the edit: -1, +3
  auto ups = after_edit(r.c, before, {2, 3}, everyone);
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_EQ(ups[0].user_id, 3);
  EXPECT_EQ(ups[0].counts.mention_count, 1);
  EXPECT_EQ(ups[1].user_id, 1);
  EXPECT_EQ(ups[1].counts.mention_count, 2);
  EXPECT_TRUE(newly_mentioned(r.c, before, {2, 3}).empty());  // 3 wrote it
  EXPECT_EQ(newly_mentioned(r.c, r.c.messages.at(101), {1, 3, 3, 42}), (std::vector<store::Id>{3}));
}

TEST(ReadState, EditOfAMessageAlreadyReadOrByOfflineUsersSendsNothing) {
  Room r;
  mark_read(r.c, 3, 10, 103);
  store::MessageRecord before = r.c.messages.at(102);
  EXPECT_TRUE(after_edit(r.c, before, {1, 2, 3}, everyone).empty());  // 3 read past it
  auto nobody = [](store::Id) { return false; };
  EXPECT_TRUE(after_edit(r.c, before, {}, nobody).empty());
}

TEST(ReadState, DeleteRefreshesMembersWhoHadItUnread) {
  Room r;
  mark_read(r.c, 3, 10, 103);                          // 3 has read everything
  store::MessageRecord before = r.c.messages.at(101);  // by 2, mentions 1, top level
  r.c.messages.at(101).deleted = true;
  r.c.messages.at(101).mentions.clear();
  auto ups = after_delete(r.c, before, everyone);
  ASSERT_EQ(ups.size(), 1u);  // not the sender (2), not 3
  EXPECT_EQ(ups[0].user_id, 1);
  EXPECT_EQ(ups[0].counts, (Counts{1, 2, 0}));

  RecordingOutbox out;
  send_updates(out, 10, ups);
  ASSERT_EQ(out.of("unread_update").size(), 1u);
  EXPECT_EQ(out.sent[0].target, "1");
  EXPECT_EQ(out.sent[0].payload.at("unread_count").as_int64(), 1);
}

TEST(ReadState, DeletingAReplyOnlyMovesMentions) {
  Room r;
  store::MessageRecord before = r.c.messages.at(103);  // reply by 2 mentioning 1
  r.c.messages.at(103).deleted = true;
  auto ups = after_delete(r.c, before, everyone);
  ASSERT_EQ(ups.size(), 1u);
  EXPECT_EQ(ups[0].user_id, 1);
  EXPECT_EQ(ups[0].counts.mention_count, 2);
  before.deleted = true;  // deleting a tombstone again moves nothing
  EXPECT_TRUE(after_delete(r.c, before, everyone).empty());
}

}  // namespace
}  // namespace parlor::chat::read_state
