// The storage test suite: every Connection method, written against the
// Store/Connection interface only and run once per backend (backends.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backends.hpp"

namespace parlor::store::test {
namespace {

std::vector<std::int64_t> seqs_of(const std::vector<MessageRecord>& list) {
  std::vector<std::int64_t> out;
  for (const auto& m : list) out.push_back(m.seq);
  return out;
}

std::vector<Id> ids_of(const std::vector<MessageRecord>& list) {
  std::vector<Id> out;
  for (const auto& m : list) out.push_back(m.id);
  return out;
}

std::vector<std::string> names_of(const std::vector<RoomRecord>& list) {
  std::vector<std::string> out;
  for (const auto& r : list) out.push_back(r.name);
  return out;
}

std::vector<std::string> usernames_of(const std::vector<UserRecord>& list) {
  std::vector<std::string> out;
  for (const auto& u : list) out.push_back(u.username);
  return out;
}

HistoryQuery newest_page_of(Id room) {
  HistoryQuery q;
  q.room_id = room;
  return q;
}

class StoreSuite : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = GetParam().make();
    store_ = db_->open();
    conn_ = store_->connect();
  }

  Connection& c() { return *conn_; }

  // Closes every handle and opens the database again.
  void reopen() {
    conn_.reset();
    store_.reset();
    store_ = db_->open();
    conn_ = store_->connect();
  }

  Id make_user(const std::string& username, const std::string& display_name = "") {
    UserRecord u;
    u.username = username;
    u.email = username + "@example.com";
    u.display_name = display_name.empty() ? username : display_name;
    u.password_hash = "hash-" + username;
    u.created_at = 1000;
    return c().create_user(u);
  }

  Id make_room(const std::string& name, RoomType type = RoomType::public_room,
               const std::string& dm_key = "") {
    RoomRecord r;
    r.name = name;
    r.description = "about " + name;
    r.type = type;
    r.created_by = 0;
    r.created_at = 2000;
    r.dm_key = dm_key;
    return c().create_room(r);
  }

  // Sends a message the way the domain does: a fresh rev for the message,
  // and for a reply one more for its thread root.
  MessageRecord post(Id room, Id sender, const std::string& content,
                     std::optional<Id> parent = std::nullopt, std::vector<Id> mentions = {}) {
    MessageRecord m;
    m.room_id = room;
    m.sender_id = sender;
    m.content = content;
    m.mentions = std::move(mentions);
    m.parent_id = parent;
    m.seq = m.rev = c().next_rev(room);
    m.created_at = 3000 + m.seq;
    m.client_msg_id = "c-" + std::to_string(room) + "-" + std::to_string(m.seq);
    m.id = c().insert_message(m);
    if (parent) c().add_reply(*parent, m.created_at, c().next_rev(room));
    return m;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Connection> conn_;
};

// ---- users

TEST_P(StoreSuite, CreatesAndFindsUsers) {
  UserRecord u;
  u.username = "Alice";
  u.email = "Alice@Example.com";
  u.display_name = "Alice A.";
  u.avatar_url = "/a.png";
  u.password_hash = "$argon2id$x";
  u.status = "busy";
  u.custom_status = "lunch";
  u.last_seen = 77;
  u.created_at = 1234;
  Id id = c().create_user(u);
  EXPECT_GT(id, 0);

  auto by_id = c().user_by_id(id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->id, id);
  EXPECT_EQ(by_id->username, "Alice");
  EXPECT_EQ(by_id->email, "Alice@Example.com");
  EXPECT_EQ(by_id->display_name, "Alice A.");
  EXPECT_EQ(by_id->avatar_url, "/a.png");
  EXPECT_EQ(by_id->password_hash, "$argon2id$x");
  EXPECT_EQ(by_id->status, "busy");
  EXPECT_EQ(by_id->custom_status, "lunch");
  EXPECT_EQ(by_id->last_seen, 77);
  EXPECT_EQ(by_id->created_at, 1234);

  ASSERT_TRUE(c().user_by_username("aLICE"));
  EXPECT_EQ(c().user_by_username("aLICE")->id, id);
  ASSERT_TRUE(c().user_by_email("alice@example.COM"));
  EXPECT_EQ(c().user_by_email("alice@example.COM")->id, id);
  EXPECT_FALSE(c().user_by_username("alic"));
  EXPECT_FALSE(c().user_by_email("bob@example.com"));
  EXPECT_FALSE(c().user_by_id(id + 100));
}

TEST_P(StoreSuite, UsernamesAndEmailsAreUniqueIgnoringCase) {
  make_user("alice");
  UserRecord same_name;
  same_name.username = "ALICE";
  same_name.email = "other@example.com";
  EXPECT_THROW(c().create_user(same_name), Error);

  UserRecord same_email;
  same_email.username = "bob";
  same_email.email = "ALICE@EXAMPLE.COM";
  EXPECT_THROW(c().create_user(same_email), Error);

  UserRecord fine;
  fine.username = "bob";
  fine.email = "bob@example.com";
  EXPECT_NO_THROW(c().create_user(fine));
  EXPECT_FALSE(c().user_by_email("other@example.com"));
}

TEST_P(StoreSuite, UsersByIdsOnceEachSkippingUnknownIds) {
  Id a = make_user("a");
  Id b = make_user("b");
  auto list = c().users_by_ids({b, 999999, a, b, a});
  EXPECT_EQ(usernames_of(list), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(c().users_by_ids({}).empty());
}

TEST_P(StoreSuite, SearchesUsersByPrefixIgnoringCase) {
  make_user("carol", "Zed Carol");
  make_user("Bobby", "Robert");
  make_user("bob", "Bob");
  make_user("alice", "Bobcat Fan");
  make_user("b_x", "under");

  EXPECT_EQ(usernames_of(c().search_users("BOB", 10)),
            (std::vector<std::string>{"alice", "bob", "Bobby"}));
  EXPECT_EQ(usernames_of(c().search_users("bob", 2)), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(usernames_of(c().search_users("zed", 10)), (std::vector<std::string>{"carol"}));
  // Not a substring match, and LIKE's wildcards are literal.
  EXPECT_TRUE(c().search_users("arol", 10).empty());
  EXPECT_EQ(usernames_of(c().search_users("b_", 10)), (std::vector<std::string>{"b_x"}));
  EXPECT_TRUE(c().search_users("%", 10).empty());
}

TEST_P(StoreSuite, UpdatesProfileButNotCredentials) {
  Id id = make_user("dora");
  UserRecord u = *c().user_by_id(id);
  u.username = "changed";
  u.email = "changed@example.com";
  u.password_hash = "changed";
  u.display_name = "Dora D";
  u.avatar_url = "/d.png";
  u.status = "busy";
  u.custom_status = "away for lunch";
  u.last_seen = 5555;
  c().update_user_profile(u);

  auto got = c().user_by_id(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->username, "dora");
  EXPECT_EQ(got->email, "dora@example.com");
  EXPECT_EQ(got->password_hash, "hash-dora");
  EXPECT_EQ(got->display_name, "Dora D");
  EXPECT_EQ(got->avatar_url, "/d.png");
  EXPECT_EQ(got->status, "busy");
  EXPECT_EQ(got->custom_status, "away for lunch");
  EXPECT_EQ(got->last_seen, 5555);

  c().set_last_seen(id, 9999);
  EXPECT_EQ(c().user_by_id(id)->last_seen, 9999);
  EXPECT_EQ(c().user_by_id(id)->display_name, "Dora D");
}

// ---- revoked tokens

TEST_P(StoreSuite, RevokedTokens) {
  EXPECT_FALSE(c().is_token_revoked("t1"));
  c().revoke_token("t1", 1000);
  c().revoke_token("t2", 3000);
  c().revoke_token("t1", 1000);  // twice is fine
  EXPECT_TRUE(c().is_token_revoked("t1"));
  EXPECT_TRUE(c().is_token_revoked("t2"));
  EXPECT_FALSE(c().is_token_revoked("t3"));
  using Revoked = std::vector<RevokedToken>;
  EXPECT_EQ(c().revoked_tokens_not_expired(500), (Revoked{{"t1", 1000}, {"t2", 3000}}));
  EXPECT_EQ(c().revoked_tokens_not_expired(1000), (Revoked{{"t2", 3000}}));
  EXPECT_TRUE(c().revoked_tokens_not_expired(3000).empty());
}

TEST_P(StoreSuite, ForgetsTheRevocationsOfExpiredTokensOnly) {
  c().revoke_token("t1", 1000);
  c().revoke_token("t2", 2000);
  c().revoke_token("t3", 3000);
  EXPECT_EQ(c().forget_expired_revocations(999), 0u);
  EXPECT_EQ(c().forget_expired_revocations(2000), 2u);
  EXPECT_FALSE(c().is_token_revoked("t1"));
  EXPECT_FALSE(c().is_token_revoked("t2"));
  EXPECT_TRUE(c().is_token_revoked("t3"));
  EXPECT_EQ(c().forget_expired_revocations(2000), 0u);
}

// ---- rooms

TEST_P(StoreSuite, CreatesRoomsWithZeroCounters) {
  RoomRecord r;
  r.name = "general";
  r.description = "talk";
  r.type = RoomType::private_room;
  r.created_by = 7;
  r.created_at = 42;
  r.rev = 99;  // ignored: counters start at 0
  r.last_seq = 99;
  r.member_count = 99;
  Id id = c().create_room(r);

  auto got = c().room_by_id(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->name, "general");
  EXPECT_EQ(got->description, "talk");
  EXPECT_EQ(got->type, RoomType::private_room);
  EXPECT_FALSE(got->archived);
  EXPECT_EQ(got->created_by, 7);
  EXPECT_EQ(got->created_at, 42);
  EXPECT_EQ(got->rev, 0);
  EXPECT_EQ(got->last_seq, 0);
  EXPECT_EQ(got->member_count, 0);
  EXPECT_EQ(got->dm_key, "");
  EXPECT_FALSE(c().room_by_id(id + 100));
}

TEST_P(StoreSuite, DirectMessagesByKey) {
  Id dm = make_room("", RoomType::dm, "1,2");
  auto got = c().dm_by_key("1,2");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, dm);
  EXPECT_EQ(got->type, RoomType::dm);
  EXPECT_EQ(got->dm_key, "1,2");
  EXPECT_FALSE(c().dm_by_key("1,3"));
  EXPECT_FALSE(c().dm_by_key(""));
  EXPECT_THROW(make_room("", RoomType::dm, "1,2"), Error);
  // Rooms without a key never collide.
  EXPECT_NO_THROW(make_room("x"));
  EXPECT_NO_THROW(make_room("y"));
}

TEST_P(StoreSuite, UpdatesRoomNameDescriptionArchived) {
  Id id = make_room("old");
  RoomRecord r = *c().room_by_id(id);
  r.name = "new";
  r.description = "newer";
  r.archived = true;
  r.type = RoomType::private_room;  // not written
  c().update_room(r);
  auto got = c().room_by_id(id);
  EXPECT_EQ(got->name, "new");
  EXPECT_EQ(got->description, "newer");
  EXPECT_TRUE(got->archived);
  EXPECT_EQ(got->type, RoomType::public_room);
}

TEST_P(StoreSuite, PublicRoomsNotArchivedFirstByName) {
  make_room("zeta");
  Id old = make_room("alpha-old");
  make_room("beta");
  make_room("secret", RoomType::private_room);
  make_room("", RoomType::dm, "1,2");
  make_room("alpha");
  RoomRecord r = *c().room_by_id(old);
  r.archived = true;
  c().update_room(r);
  EXPECT_EQ(names_of(c().public_rooms()),
            (std::vector<std::string>{"alpha", "beta", "zeta", "alpha-old"}));
}

TEST_P(StoreSuite, NextRevIsDensePerRoom) {
  Id a = make_room("a");
  Id b = make_room("b");
  EXPECT_EQ(c().next_rev(a), 1);
  EXPECT_EQ(c().next_rev(a), 2);
  EXPECT_EQ(c().next_rev(b), 1);
  EXPECT_EQ(c().next_rev(a), 3);
  EXPECT_EQ(c().room_by_id(a)->rev, 3);
  EXPECT_EQ(c().room_by_id(b)->rev, 1);
  EXPECT_THROW(c().next_rev(a + b + 100), Error);
}

// ---- membership

TEST_P(StoreSuite, MembershipKeepsMemberCount) {
  Id room = make_room("r");
  Id u1 = make_user("u1");
  Id u2 = make_user("u2");
  c().add_member(MemberRecord{room, u1, Role::owner, 10, 0});
  c().add_member(MemberRecord{room, u2, Role::member, 20, 0});
  c().add_member(MemberRecord{room, u2, Role::admin, 30, 5});  // already a member: no-op
  EXPECT_EQ(c().room_by_id(room)->member_count, 2);

  auto m2 = c().member(room, u2);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->room_id, room);
  EXPECT_EQ(m2->user_id, u2);
  EXPECT_EQ(m2->role, Role::member);
  EXPECT_EQ(m2->joined_at, 20);
  EXPECT_EQ(m2->last_read_seq, 0);

  auto all = c().members(room);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].user_id, u1);
  EXPECT_EQ(all[0].role, Role::owner);
  EXPECT_EQ(all[1].user_id, u2);

  EXPECT_TRUE(c().remove_member(room, u2));
  EXPECT_FALSE(c().remove_member(room, u2));
  EXPECT_FALSE(c().member(room, u2));
  EXPECT_EQ(c().room_by_id(room)->member_count, 1);
  EXPECT_EQ(c().members(room).size(), 1u);

  c().add_member(MemberRecord{room, u2, Role::member, 40, 0});
  EXPECT_EQ(c().room_by_id(room)->member_count, 2);
}

TEST_P(StoreSuite, RoomSharersAreEveryCoMemberOnceTheUserFirst) {
  Id a = make_room("a");
  Id b = make_room("b");
  Id lone = make_room("lone");
  Id me = make_user("me");
  Id u1 = make_user("u1");
  Id u2 = make_user("u2");
  Id u3 = make_user("u3");
  Id stranger = make_user("stranger");
  EXPECT_EQ(c().room_sharers(me), (std::vector<Id>{me}));  // in no room yet
  c().add_member(MemberRecord{a, u1, Role::owner, 1, 0});
  c().add_member(MemberRecord{a, me, Role::member, 1, 0});
  c().add_member(MemberRecord{a, u2, Role::member, 1, 0});
  c().add_member(MemberRecord{b, u2, Role::owner, 1, 0});
  c().add_member(MemberRecord{b, me, Role::member, 1, 0});
  c().add_member(MemberRecord{b, u3, Role::member, 1, 0});
  c().add_member(MemberRecord{lone, stranger, Role::owner, 1, 0});
  auto ids = c().room_sharers(me);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], me);
  std::sort(ids.begin() + 1, ids.end());
  EXPECT_EQ(ids, (std::vector<Id>{me, u1, u2, u3}));
  EXPECT_EQ(c().room_sharers(stranger), (std::vector<Id>{stranger}));
  c().remove_member(b, me);
  ids = c().room_sharers(me);
  std::sort(ids.begin() + 1, ids.end());
  EXPECT_EQ(ids, (std::vector<Id>{me, u1, u2}));
}

TEST_P(StoreSuite, RolesAndReadPositions) {
  Id room = make_room("r");
  Id u = make_user("u");
  c().add_member(MemberRecord{room, u, Role::member, 1, 0});
  c().set_role(room, u, Role::admin);
  EXPECT_EQ(c().member(room, u)->role, Role::admin);
  c().set_role(room, u, Role::owner);
  EXPECT_EQ(c().member(room, u)->role, Role::owner);
  c().set_last_read_seq(room, u, 17);
  EXPECT_EQ(c().member(room, u)->last_read_seq, 17);
}

TEST_P(StoreSuite, RoomsOfUser) {
  Id a = make_room("a");
  Id b = make_room("b", RoomType::private_room);
  Id d = make_room("", RoomType::dm, "1,2");
  make_room("not-mine");
  Id u = make_user("u");
  Id other = make_user("other");
  for (Id r : {a, b, d}) c().add_member(MemberRecord{r, u, Role::member, 1, 0});
  c().add_member(MemberRecord{a, other, Role::member, 1, 0});
  auto rooms = c().rooms_of_user(u);
  std::vector<Id> ids;
  for (const auto& r : rooms) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<Id>{a, b, d}));
  EXPECT_EQ(c().rooms_of_user(other).size(), 1u);
  EXPECT_TRUE(c().rooms_of_user(make_user("nobody")).empty());
}

// ---- messages

TEST_P(StoreSuite, InsertsAndReadsMessages) {
  Id room = make_room("r");
  Id alice = make_user("alice");
  Id bob = make_user("bob");
  MessageRecord root = post(room, alice, "root");

  MessageRecord m;
  m.room_id = room;
  m.sender_id = bob;
  m.content = "hello @alice";
  m.mentions = {alice};
  m.parent_id = root.id;
  m.seq = m.rev = c().next_rev(room);
  m.created_at = 123456;
  m.client_msg_id = "client-1";
  m.attachment_ids = {11, 12};
  Id id = c().insert_message(m);

  auto got = c().message_by_id(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->room_id, room);
  EXPECT_EQ(got->seq, m.seq);
  EXPECT_EQ(got->rev, m.rev);
  EXPECT_EQ(got->sender_id, bob);
  EXPECT_EQ(got->content, "hello @alice");
  EXPECT_EQ(got->mentions, (std::vector<Id>{alice}));
  ASSERT_TRUE(got->parent_id);
  EXPECT_EQ(*got->parent_id, root.id);
  EXPECT_EQ(got->reply_count, 0);
  EXPECT_EQ(got->edited_at, 0);
  EXPECT_FALSE(got->deleted);
  EXPECT_FALSE(got->pinned);
  EXPECT_EQ(got->created_at, 123456);
  EXPECT_EQ(got->client_msg_id, "client-1");
  EXPECT_EQ(got->attachment_ids, (std::vector<Id>{11, 12}));
  EXPECT_TRUE(got->reactions.empty());
  EXPECT_FALSE(c().message_by_id(id + 100));

  EXPECT_FALSE(c().message_by_id(root.id)->parent_id);
  EXPECT_EQ(c().room_by_id(room)->last_seq, m.seq);

  auto by_client = c().message_by_client_id(bob, "client-1");
  ASSERT_TRUE(by_client);
  EXPECT_EQ(by_client->id, id);
  EXPECT_FALSE(c().message_by_client_id(alice, "client-1"));
  EXPECT_FALSE(c().message_by_client_id(bob, "client-2"));
}

TEST_P(StoreSuite, ClientMessageIdIsUniquePerSender) {
  Id room = make_room("r");
  Id alice = make_user("alice");
  Id bob = make_user("bob");
  MessageRecord m;
  m.room_id = room;
  m.sender_id = alice;
  m.content = "one";
  m.client_msg_id = "same";
  m.seq = m.rev = c().next_rev(room);
  c().insert_message(m);

  m.seq = m.rev = c().next_rev(room);
  EXPECT_THROW(c().insert_message(m), Error);

  m.sender_id = bob;
  EXPECT_NO_THROW(c().insert_message(m));

  // Messages without a client id never collide.
  m.client_msg_id = "";
  m.seq = m.rev = c().next_rev(room);
  EXPECT_NO_THROW(c().insert_message(m));
  m.seq = m.rev = c().next_rev(room);
  EXPECT_NO_THROW(c().insert_message(m));
  EXPECT_FALSE(c().message_by_client_id(bob, ""));
}

TEST_P(StoreSuite, AppendMessageTakesTheNextRevAndMovesLastSeq) {
  Id room = make_room("r");
  Id other = make_room("other");
  Id alice = make_user("alice");
  Id bob = make_user("bob");
  post(room, alice, "first");  // rev 1
  ASSERT_EQ(c().room_by_id(room)->rev, 1);

  MessageRecord m;
  m.room_id = room;
  m.sender_id = bob;
  m.content = "hi @alice";
  m.mentions = {alice, bob};
  m.created_at = 777;
  m.client_msg_id = "append-1";
  Id id = c().append_message(m, 1);
  EXPECT_EQ(id, m.id);
  EXPECT_EQ(m.seq, 2);
  EXPECT_EQ(m.rev, 2);
  auto room_after = c().room_by_id(room);
  EXPECT_EQ(room_after->rev, 2);
  EXPECT_EQ(room_after->last_seq, 2);
  EXPECT_EQ(c().room_by_id(other)->rev, 0);

  auto got = c().message_by_id(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->room_id, room);
  EXPECT_EQ(got->seq, 2);
  EXPECT_EQ(got->rev, 2);
  EXPECT_EQ(got->sender_id, bob);
  EXPECT_EQ(got->content, "hi @alice");
  EXPECT_EQ(got->mentions, (std::vector<Id>{alice, bob}));
  EXPECT_EQ(got->created_at, 777);
  EXPECT_EQ(got->client_msg_id, "append-1");
  // The mention counts as insert_message's do: alice, not the sender.
  EXPECT_EQ(c().count_mentions(room, alice, 0), 1);
  EXPECT_EQ(c().count_mentions(room, bob, 0), 0);

  // A stale rev (the room moved since it was read) or an unknown room throws.
  MessageRecord stale;
  stale.room_id = room;
  stale.sender_id = bob;
  stale.client_msg_id = "append-2";
  EXPECT_THROW(c().append_message(stale, 1), Error);
  stale.room_id = room + other + 100;
  EXPECT_THROW(c().append_message(stale, 0), Error);
  EXPECT_EQ(c().room_by_id(room)->rev, 2);
  EXPECT_FALSE(c().message_by_client_id(bob, "append-2"));
}

TEST_P(StoreSuite, SendContextReadsEverythingASendChecks) {
  Id room = make_room("r");
  Id alice = make_user("alice", "Alice A");
  Id bob = make_user("bob");
  auto profile = *c().user_by_id(alice);
  profile.avatar_url = "/files/alice.png";
  c().update_user_profile(profile);
  MemberRecord am;
  am.room_id = room;
  am.user_id = alice;
  am.role = Role::admin;
  am.joined_at = 55;
  am.last_read_seq = 0;
  c().add_member(am);
  MessageRecord sent = post(room, alice, "first");
  c().set_last_read_seq(room, alice, 1);

  auto ctx = c().send_context(room, alice, "new-id");
  EXPECT_FALSE(ctx.duplicate_id);
  ASSERT_TRUE(ctx.room);
  auto room_rec = c().room_by_id(room);
  EXPECT_EQ(ctx.room->id, room);
  EXPECT_EQ(ctx.room->name, room_rec->name);
  EXPECT_EQ(ctx.room->description, room_rec->description);
  EXPECT_EQ(ctx.room->type, room_rec->type);
  EXPECT_EQ(ctx.room->rev, room_rec->rev);
  EXPECT_EQ(ctx.room->last_seq, room_rec->last_seq);
  EXPECT_EQ(ctx.room->member_count, 1);
  ASSERT_TRUE(ctx.member);
  EXPECT_EQ(ctx.member->room_id, room);
  EXPECT_EQ(ctx.member->user_id, alice);
  EXPECT_EQ(ctx.member->role, Role::admin);
  EXPECT_EQ(ctx.member->joined_at, 55);
  EXPECT_EQ(ctx.member->last_read_seq, 1);
  ASSERT_TRUE(ctx.sender);
  EXPECT_EQ(ctx.sender->id, alice);
  EXPECT_EQ(ctx.sender->username, "alice");
  EXPECT_EQ(ctx.sender->display_name, "Alice A");
  EXPECT_EQ(ctx.sender->avatar_url, "/files/alice.png");

  // The resend check: the same sender and client_msg_id, whatever the room.
  auto dup = c().send_context(room + 100, alice, sent.client_msg_id);
  ASSERT_TRUE(dup.duplicate_id);
  EXPECT_EQ(*dup.duplicate_id, sent.id);
  EXPECT_FALSE(dup.room);
  EXPECT_FALSE(dup.member);
  EXPECT_FALSE(c().send_context(room, bob, sent.client_msg_id).duplicate_id);

  // Not a member; an unknown sender.
  auto not_member = c().send_context(room, bob, "x");
  ASSERT_TRUE(not_member.room);
  EXPECT_FALSE(not_member.member);
  ASSERT_TRUE(not_member.sender);
  EXPECT_EQ(not_member.sender->username, "bob");
  auto nobody = c().send_context(room, alice + bob + 100, "x");
  EXPECT_TRUE(nobody.room);
  EXPECT_FALSE(nobody.member);
  EXPECT_FALSE(nobody.sender);
}

TEST_P(StoreSuite, EditKeepsHistoryOldestFirst) {
  Id room = make_room("r");
  Id alice = make_user("alice");
  Id bob = make_user("bob");
  Id carol = make_user("carol");
  MessageRecord m = post(room, alice, "first", std::nullopt, {bob});
  EXPECT_EQ(c().count_mentions(room, bob, 0), 1);

  std::int64_t rev1 = c().next_rev(room);
  c().edit_message(m.id, "second", {carol}, 5000, rev1);
  std::int64_t rev2 = c().next_rev(room);
  c().edit_message(m.id, "third", {}, 6000, rev2);

  auto got = c().message_by_id(m.id);
  EXPECT_EQ(got->content, "third");
  EXPECT_EQ(got->edited_at, 6000);
  EXPECT_EQ(got->rev, rev2);
  EXPECT_EQ(got->seq, m.seq);
  EXPECT_TRUE(got->mentions.empty());

  auto history = c().edits(m.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].content, "first");
  EXPECT_EQ(history[0].edited_at, 5000);
  EXPECT_EQ(history[1].content, "second");
  EXPECT_EQ(history[1].edited_at, 6000);
  EXPECT_TRUE(c().edits(m.id + 100).empty());
}

TEST_P(StoreSuite, EditReplacesMentions) {
  Id room = make_room("r");
  Id alice = make_user("alice");
  Id bob = make_user("bob");
  Id carol = make_user("carol");
  MessageRecord m = post(room, alice, "hi @bob", std::nullopt, {bob});
  c().edit_message(m.id, "hi @carol", {carol}, 5000, c().next_rev(room));
  EXPECT_EQ(c().message_by_id(m.id)->mentions, (std::vector<Id>{carol}));
  EXPECT_EQ(c().count_mentions(room, bob, 0), 0);
  EXPECT_EQ(c().count_mentions(room, carol, 0), 1);
}

TEST_P(StoreSuite, SoftDeleteClearsContentMentionsAndReactions) {
  Id room = make_room("r");
  Id alice = make_user("alice");
  Id bob = make_user("bob");
  MessageRecord root = post(room, alice, "root @bob", std::nullopt, {bob});
  MessageRecord reply = post(room, bob, "reply", root.id);
  c().add_reaction(root.id, bob, "👍");
  c().set_pinned(root.id, true, c().next_rev(room));
  EXPECT_EQ(c().count_mentions(room, bob, 0), 1);
  EXPECT_EQ(c().count_unread(room, bob, 0), 1);

  std::int64_t rev = c().next_rev(room);
  c().delete_message(root.id, rev);

  auto got = c().message_by_id(root.id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->deleted);
  EXPECT_EQ(got->content, "");
  EXPECT_TRUE(got->mentions.empty());
  EXPECT_TRUE(got->reactions.empty());
  EXPECT_EQ(got->rev, rev);
  EXPECT_EQ(got->seq, root.seq);
  // The thread keeps its shape.
  EXPECT_EQ(got->reply_count, 1);
  EXPECT_EQ(ids_of(c().thread_replies(root.id)), (std::vector<Id>{reply.id}));
  EXPECT_EQ(ids_of(c().history(newest_page_of(room)).messages), (std::vector<Id>{root.id}));
  EXPECT_EQ(c().count_mentions(room, bob, 0), 0);
  EXPECT_EQ(c().count_unread(room, bob, 0), 0);
  // A reaction removed by the delete is not there to remove again.
  EXPECT_FALSE(c().remove_reaction(root.id, bob, "👍"));
}

TEST_P(StoreSuite, ReactionsAreIdempotentAndAggregated) {
  Id room = make_room("r");
  Id a = make_user("a");
  Id b = make_user("b");
  Id d = make_user("d");
  MessageRecord m = post(room, a, "hi");
  EXPECT_TRUE(c().add_reaction(m.id, b, "👍"));
  EXPECT_FALSE(c().add_reaction(m.id, b, "👍"));
  EXPECT_TRUE(c().add_reaction(m.id, a, "🎉"));
  EXPECT_TRUE(c().add_reaction(m.id, d, "👍"));
  EXPECT_TRUE(c().add_reaction(m.id, b, "🎉"));

  auto got = c().message_by_id(m.id);
  ASSERT_EQ(got->reactions.size(), 2u);
  EXPECT_EQ(got->reactions[0].emoji, "👍");
  EXPECT_EQ(got->reactions[0].user_ids, (std::vector<Id>{b, d}));
  EXPECT_EQ(got->reactions[1].emoji, "🎉");
  EXPECT_EQ(got->reactions[1].user_ids, (std::vector<Id>{a, b}));

  EXPECT_TRUE(c().remove_reaction(m.id, b, "👍"));
  EXPECT_FALSE(c().remove_reaction(m.id, b, "👍"));
  EXPECT_FALSE(c().remove_reaction(m.id, a, "👍"));
  EXPECT_TRUE(c().remove_reaction(m.id, d, "👍"));
  got = c().message_by_id(m.id);
  ASSERT_EQ(got->reactions.size(), 1u);
  EXPECT_EQ(got->reactions[0].emoji, "🎉");
  // Reactions show in reads of pages too.
  auto page = c().history(newest_page_of(room));
  ASSERT_EQ(page.messages.size(), 1u);
  EXPECT_EQ(page.messages[0].reactions.size(), 1u);
}

TEST_P(StoreSuite, PinsNewestFirst) {
  Id room = make_room("r");
  Id other = make_room("other");
  Id a = make_user("a");
  MessageRecord m1 = post(room, a, "1");
  MessageRecord m2 = post(room, a, "2");
  MessageRecord m3 = post(room, a, "3");
  MessageRecord elsewhere = post(other, a, "x");
  EXPECT_EQ(c().pinned_count(room), 0);
  EXPECT_TRUE(c().pinned_messages(room).empty());

  c().set_pinned(m2.id, true, c().next_rev(room));
  c().set_pinned(m1.id, true, c().next_rev(room));
  c().set_pinned(m3.id, true, c().next_rev(room));
  c().set_pinned(elsewhere.id, true, c().next_rev(other));
  EXPECT_EQ(c().pinned_count(room), 3);
  EXPECT_EQ(ids_of(c().pinned_messages(room)), (std::vector<Id>{m3.id, m1.id, m2.id}));
  EXPECT_TRUE(c().message_by_id(m1.id)->pinned);

  std::int64_t rev = c().next_rev(room);
  c().set_pinned(m1.id, false, rev);
  EXPECT_FALSE(c().message_by_id(m1.id)->pinned);
  EXPECT_EQ(c().message_by_id(m1.id)->rev, rev);
  EXPECT_EQ(c().pinned_count(room), 2);
  EXPECT_EQ(ids_of(c().pinned_messages(room)), (std::vector<Id>{m3.id, m2.id}));
}

TEST_P(StoreSuite, SetRevMovesAMessageInTheChangeStream) {
  Id room = make_room("r");
  Id a = make_user("a");
  MessageRecord m1 = post(room, a, "1");
  MessageRecord m2 = post(room, a, "2");
  std::int64_t rev = c().next_rev(room);
  c().set_rev(m1.id, rev);
  EXPECT_EQ(c().message_by_id(m1.id)->rev, rev);
  EXPECT_EQ(ids_of(c().messages_changed_after(room, 0, 10)), (std::vector<Id>{m2.id, m1.id}));
}

TEST_P(StoreSuite, ThreadsCountReplies) {
  Id room = make_room("r");
  Id a = make_user("a");
  MessageRecord root = post(room, a, "root");
  MessageRecord other_root = post(room, a, "other");
  MessageRecord r1 = post(room, a, "r1", root.id);
  post(room, a, "x", other_root.id);
  MessageRecord r2 = post(room, a, "r2", root.id);

  auto got = c().message_by_id(root.id);
  EXPECT_EQ(got->reply_count, 2);
  EXPECT_EQ(got->last_reply_at, r2.created_at);
  EXPECT_EQ(got->rev, c().room_by_id(room)->rev);  // the last add_reply's rev
  EXPECT_EQ(ids_of(c().thread_replies(root.id)), (std::vector<Id>{r1.id, r2.id}));
  EXPECT_TRUE(c().thread_replies(r1.id).empty());

  // An older reply time never moves last_reply_at back.
  c().add_reply(root.id, 1, c().next_rev(room));
  EXPECT_EQ(c().message_by_id(root.id)->last_reply_at, r2.created_at);
  EXPECT_EQ(c().message_by_id(root.id)->reply_count, 3);
}

TEST_P(StoreSuite, LastMessageIsTheNewestTopLevelOne) {
  Id room = make_room("r");
  Id a = make_user("a");
  EXPECT_FALSE(c().last_message(room));
  post(room, a, "1");
  MessageRecord m2 = post(room, a, "2");
  post(room, a, "reply", m2.id);
  auto last = c().last_message(room);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->id, m2.id);
  EXPECT_EQ(last->reply_count, 1);
}

// ---- history pages

class HistoryTest : public StoreSuite {
 protected:
  void SetUp() override {
    StoreSuite::SetUp();
    room_ = make_room("r");
    Id other_room = make_room("other");
    Id a = make_user("a");
    // 10 top-level messages with replies in between: seqs are not dense
    // among the top-level ones.
    for (int i = 0; i < 10; ++i) {
      MessageRecord m = post(room_, a, "m" + std::to_string(i));
      top_.push_back(m.seq);
      if (i % 3 == 0) post(room_, a, "reply", m.id);
      post(other_room, a, "noise");
    }
  }

  HistoryPage page(int limit, std::optional<std::int64_t> before = std::nullopt,
                   std::optional<std::int64_t> after = std::nullopt,
                   std::optional<std::int64_t> around = std::nullopt) {
    return c().history(HistoryQuery{room_, limit, before, after, around});
  }

  std::vector<std::int64_t> top(std::size_t from, std::size_t to) {
    return {top_.begin() + static_cast<long>(from), top_.begin() + static_cast<long>(to)};
  }

  Id room_ = 0;
  std::vector<std::int64_t> top_;  // seqs of the top-level messages
};

TEST_P(HistoryTest, NewestPageFirst) {
  auto p = page(4);
  EXPECT_EQ(seqs_of(p.messages), top(6, 10));
  EXPECT_TRUE(p.has_more);
  EXPECT_TRUE(p.has_more_before);
  EXPECT_FALSE(p.has_more_after);
  for (const auto& m : p.messages) EXPECT_FALSE(m.parent_id);
}

TEST_P(HistoryTest, PagesBackToTheStart) {
  auto p = page(4, top_[6]);
  EXPECT_EQ(seqs_of(p.messages), top(2, 6));
  EXPECT_TRUE(p.has_more);
  EXPECT_TRUE(p.has_more_after);

  p = page(4, top_[2]);
  EXPECT_EQ(seqs_of(p.messages), top(0, 2));
  EXPECT_FALSE(p.has_more);
  EXPECT_FALSE(p.has_more_before);
  EXPECT_TRUE(p.has_more_after);

  // Exactly `limit` left: no more.
  p = page(2, top_[2]);
  EXPECT_EQ(seqs_of(p.messages), top(0, 2));
  EXPECT_FALSE(p.has_more);

  p = page(4, top_[0]);
  EXPECT_TRUE(p.messages.empty());
  EXPECT_FALSE(p.has_more);
}

TEST_P(HistoryTest, PagesForwardToTheEnd) {
  auto p = page(4, std::nullopt, top_[1]);
  EXPECT_EQ(seqs_of(p.messages), top(2, 6));
  EXPECT_TRUE(p.has_more);
  EXPECT_TRUE(p.has_more_after);
  EXPECT_TRUE(p.has_more_before);

  p = page(4, std::nullopt, top_[5]);
  EXPECT_EQ(seqs_of(p.messages), top(6, 10));
  EXPECT_FALSE(p.has_more);
  EXPECT_FALSE(p.has_more_after);
  EXPECT_TRUE(p.has_more_before);

  p = page(4, std::nullopt, top_[9]);
  EXPECT_TRUE(p.messages.empty());
  EXPECT_FALSE(p.has_more);
}

TEST_P(HistoryTest, AroundCentresOnAMessage) {
  auto p = page(4, std::nullopt, std::nullopt, top_[5]);
  EXPECT_EQ(seqs_of(p.messages), top(3, 7));
  EXPECT_TRUE(p.has_more_before);
  EXPECT_TRUE(p.has_more_after);
  EXPECT_TRUE(p.has_more);

  p = page(4, std::nullopt, std::nullopt, top_[0]);
  EXPECT_EQ(seqs_of(p.messages), top(0, 2));
  EXPECT_FALSE(p.has_more_before);
  EXPECT_TRUE(p.has_more_after);

  p = page(4, std::nullopt, std::nullopt, top_[9]);
  EXPECT_EQ(seqs_of(p.messages), top(7, 10));
  EXPECT_TRUE(p.has_more_before);
  EXPECT_FALSE(p.has_more_after);

  p = page(1, std::nullopt, std::nullopt, top_[4]);
  EXPECT_EQ(seqs_of(p.messages), top(4, 5));

  p = page(50, std::nullopt, std::nullopt, top_[4]);
  EXPECT_EQ(seqs_of(p.messages), top(0, 10));
  EXPECT_FALSE(p.has_more);
}

TEST_P(HistoryTest, WholeRoomInOnePage) {
  auto p = page(10);
  EXPECT_EQ(seqs_of(p.messages), top_);
  EXPECT_FALSE(p.has_more);
  EXPECT_FALSE(p.has_more_before);
  EXPECT_FALSE(p.has_more_after);
  EXPECT_TRUE(c().history(newest_page_of(room_ + 1000)).messages.empty());
}

// ---- the change stream

TEST_P(StoreSuite, MessagesChangedAfterInRevOrderWithOneExtra) {
  Id room = make_room("r");
  Id other = make_room("other");
  Id a = make_user("a");
  MessageRecord m1 = post(room, a, "1");
  MessageRecord m2 = post(room, a, "2");
  MessageRecord m3 = post(room, a, "3");
  post(other, a, "elsewhere");
  MessageRecord reply = post(room, a, "reply", m2.id);  // also moves m2's rev
  c().edit_message(m1.id, "1 edited", {}, 9, c().next_rev(room));

  auto all = c().messages_changed_after(room, 0, 100);
  EXPECT_EQ(ids_of(all), (std::vector<Id>{m3.id, reply.id, m2.id, m1.id}));
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].rev, all[i].rev);
  EXPECT_EQ(all.back().content, "1 edited");

  // limit + 1 rows, so the caller can tell there is more.
  EXPECT_EQ(ids_of(c().messages_changed_after(room, 0, 2)),
            (std::vector<Id>{m3.id, reply.id, m2.id}));
  EXPECT_EQ(ids_of(c().messages_changed_after(room, m3.rev, 1)),
            (std::vector<Id>{reply.id, m2.id}));
  EXPECT_TRUE(c().messages_changed_after(room, c().room_by_id(room)->rev, 10).empty());
}

// Unchanged messages (rev = seq) and changed ones interleave in rev order,
// and the limit cuts across both kinds.
TEST_P(StoreSuite, MessagesChangedAfterMergesChangedAndUnchanged) {
  Id room = make_room("r");
  Id a = make_user("a");
  std::vector<MessageRecord> m;
  for (int i = 1; i <= 5; ++i) m.push_back(post(room, a, std::to_string(i)));
  c().edit_message(m[1].id, "2 edited", {}, 9, c().next_rev(room));
  MessageRecord m6 = post(room, a, "6");
  c().edit_message(m[3].id, "4 edited", {}, 9, c().next_rev(room));

  EXPECT_EQ(ids_of(c().messages_changed_after(room, 0, 100)),
            (std::vector<Id>{m[0].id, m[2].id, m[4].id, m[1].id, m6.id, m[3].id}));
  EXPECT_EQ(ids_of(c().messages_changed_after(room, 0, 3)),
            (std::vector<Id>{m[0].id, m[2].id, m[4].id, m[1].id}));
  EXPECT_EQ(ids_of(c().messages_changed_after(room, m[2].rev, 2)),
            (std::vector<Id>{m[4].id, m[1].id, m6.id}));
  EXPECT_EQ(ids_of(c().messages_changed_after(room, m6.rev, 5)), (std::vector<Id>{m[3].id}));
  EXPECT_EQ(ids_of(c().messages_changed_after(room, 0, 0)), (std::vector<Id>{m[0].id}));
}

TEST_P(StoreSuite, MessagesSharingARevComeInSeqOrder) {
  Id room = make_room("r");
  Id a = make_user("a");
  MessageRecord root = post(room, a, "root");
  // The domain may give a reply and its root's reply count one rev.
  MessageRecord reply;
  reply.room_id = room;
  reply.sender_id = a;
  reply.parent_id = root.id;
  reply.seq = reply.rev = c().next_rev(room);
  reply.id = c().insert_message(reply);
  c().add_reply(root.id, 1, reply.rev);
  EXPECT_EQ(ids_of(c().messages_changed_after(room, 0, 10)), (std::vector<Id>{root.id, reply.id}));
  EXPECT_EQ(c().message_by_id(root.id)->rev, c().message_by_id(reply.id)->rev);
}

// ---- read state

TEST_P(StoreSuite, UnreadCountsTopLevelOthersNotDeleted) {
  Id room = make_room("r");
  Id me = make_user("me");
  Id you = make_user("you");
  MessageRecord y1 = post(room, you, "1");
  post(room, me, "mine");
  MessageRecord y2 = post(room, you, "2");
  post(room, you, "a reply", y1.id);
  MessageRecord y3 = post(room, you, "3");
  EXPECT_EQ(c().count_unread(room, me, 0), 3);
  EXPECT_EQ(c().count_unread(room, me, y1.seq), 2);
  EXPECT_EQ(c().count_unread(room, me, y3.seq), 0);
  EXPECT_EQ(c().count_unread(room, you, 0), 1);
  c().delete_message(y2.id, c().next_rev(room));
  EXPECT_EQ(c().count_unread(room, me, 0), 2);
  EXPECT_EQ(c().count_unread(make_room("empty"), me, 0), 0);
}

TEST_P(StoreSuite, MentionCountsIncludeRepliesNotDeletedOrOwn) {
  Id room = make_room("r");
  Id other_room = make_room("other");
  Id me = make_user("me");
  Id you = make_user("you");
  MessageRecord m1 = post(room, you, "@me", std::nullopt, {me});
  MessageRecord m2 = post(room, you, "@me @you", std::nullopt, {me, you});
  post(room, you, "in a thread @me", m1.id, {me});
  MessageRecord mine = post(room, me, "talking to myself @me", std::nullopt, {me});
  post(room, you, "no mention");
  post(other_room, you, "@me elsewhere", std::nullopt, {me});
  EXPECT_EQ(c().count_mentions(room, me, 0), 3);
  EXPECT_EQ(c().count_mentions(room, me, m1.seq), 2);
  EXPECT_EQ(c().count_mentions(room, you, 0), 0);  // own message
  EXPECT_EQ(c().count_mentions(other_room, me, 0), 1);
  c().delete_message(m2.id, c().next_rev(room));
  EXPECT_EQ(c().count_mentions(room, me, 0), 2);
  EXPECT_TRUE(c().message_by_id(m2.id)->mentions.empty());
  // The stored mention list is kept as given, self-mentions included.
  EXPECT_EQ(c().message_by_id(mine.id)->mentions, (std::vector<Id>{me}));
  EXPECT_EQ(c().last_message(room)->content, "no mention");
}

// ---- search

std::vector<Id> hit_ids(const SearchPage& page) {
  std::vector<Id> out;
  for (const auto& h : page.hits) out.push_back(h.message.id);
  return out;
}

SearchQuery words_in(Id room, std::vector<std::string> words) {
  SearchQuery q;
  q.room_id = room;
  q.words = std::move(words);
  return q;
}

TEST_P(StoreSuite, SearchFindsIndexedMessagesNewestFirst) {
  Id room = make_room("r");
  Id u = make_user("u");
  MessageRecord a = post(room, u, "The quick brown fox");
  post(room, u, "nothing to see");
  MessageRecord b = post(room, u, "a QUICK reply, with the fox again");
  // Not in the index until it catches up.
  EXPECT_TRUE(c().search_messages(words_in(room, {"fox"})).hits.empty());
  EXPECT_EQ(c().index_new_messages(2), 2u);
  EXPECT_EQ(c().index_new_messages(100), 1u);
  EXPECT_EQ(c().index_new_messages(100), 0u);

  auto page = c().search_messages(words_in(room, {"quick", "fox"}));
  EXPECT_EQ(hit_ids(page), (std::vector<Id>{b.id, a.id}));
  EXPECT_FALSE(page.has_more);
  EXPECT_EQ(page.hits[1].message.content, "The quick brown fox");
  EXPECT_EQ(page.hits[1].snippet, std::string("The ") + kMatchStart + "quick" + kMatchEnd +
                                      " brown " + kMatchStart + "fox" + kMatchEnd);
  // Every word must match; the last one also as a prefix, the others not.
  EXPECT_TRUE(c().search_messages(words_in(room, {"quick", "cat"})).hits.empty());
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"bro"}))), (std::vector<Id>{a.id}));
  EXPECT_TRUE(c().search_messages(words_in(room, {"bro", "fox"})).hits.empty());
  auto exact = words_in(room, {"bro"});
  exact.last_is_prefix = false;
  EXPECT_TRUE(c().search_messages(exact).hits.empty());
}

TEST_P(StoreSuite, SearchFoldsCaseAndAccentsAndTakesQuotesAsText) {
  Id room = make_room("r");
  Id u = make_user("u");
  MessageRecord m = post(room, u, "Crème brûlée at the café \"tonight\" OR NOT");
  c().index_new_messages(100);
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"CREME", "brulee"}))),
            (std::vector<Id>{m.id}));
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"\"tonight\""}))), (std::vector<Id>{m.id}));
  // Query syntax in a word is only text: no error, no OR.
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"café", "OR", "NOT"}))),
            (std::vector<Id>{m.id}));
  EXPECT_TRUE(c().search_messages(words_in(room, {"tonight\" OR \"x"})).hits.empty());
}

TEST_P(StoreSuite, SearchFollowsEditsAndDeletes) {
  Id room = make_room("r");
  Id u = make_user("u");
  MessageRecord indexed = post(room, u, "apple pie");
  c().index_new_messages(100);
  MessageRecord later = post(room, u, "apple tart");  // not indexed yet

  c().edit_message(indexed.id, "banana pie", {}, 5000, c().next_rev(room));
  c().edit_message(later.id, "banana tart", {}, 5001, c().next_rev(room));
  EXPECT_TRUE(c().search_messages(words_in(room, {"apple"})).hits.empty());
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"banana"}))),
            (std::vector<Id>{indexed.id}));
  c().index_new_messages(100);
  EXPECT_TRUE(c().search_messages(words_in(room, {"apple"})).hits.empty());
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"banana"}))),
            (std::vector<Id>{later.id, indexed.id}));

  c().delete_message(indexed.id, c().next_rev(room));
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"banana"}))), (std::vector<Id>{later.id}));
  // Edited again after the delete's row change: still exact.
  c().edit_message(later.id, "cherry tart", {}, 5002, c().next_rev(room));
  EXPECT_TRUE(c().search_messages(words_in(room, {"banana"})).hits.empty());
  EXPECT_EQ(hit_ids(c().search_messages(words_in(room, {"tart"}))), (std::vector<Id>{later.id}));
  EXPECT_EQ(c().search_messages(words_in(room, {"tart"})).hits[0].message.content, "cherry tart");
}

TEST_P(StoreSuite, SearchFiltersAndPages) {
  Id mine = make_room("mine");
  Id theirs = make_room("theirs");
  Id me = make_user("me");
  Id you = make_user("you");
  c().add_member(MemberRecord{mine, me, Role::member, 1, 0});
  c().add_member(MemberRecord{mine, you, Role::member, 1, 0});
  c().add_member(MemberRecord{theirs, you, Role::member, 1, 0});
  MessageRecord m1 = post(mine, me, "report one");
  MessageRecord m2 = post(mine, you, "report two");
  MessageRecord m3 = post(theirs, you, "report three");
  MessageRecord m4 = post(mine, you, "report four", m1.id);  // a thread reply
  MessageRecord with_file = m2;
  with_file.content = "report with a file";
  with_file.attachment_ids = {7};
  with_file.client_msg_id = "file";
  with_file.seq = with_file.rev = c().next_rev(mine);
  with_file.created_at = 9000;
  with_file.id = c().insert_message(with_file);
  c().index_new_messages(100);

  SearchQuery q;
  q.user_id = me;
  q.words = {"report"};
  EXPECT_EQ(hit_ids(c().search_messages(q)), (std::vector<Id>{with_file.id, m4.id, m2.id, m1.id}));
  q.user_id = you;
  EXPECT_EQ(c().search_messages(q).hits.size(), 5u);
  q.user_id = me;
  q.sender_id = you;
  EXPECT_EQ(hit_ids(c().search_messages(q)), (std::vector<Id>{with_file.id, m4.id, m2.id}));
  q.sender_id.reset();
  q.from = m2.created_at;
  q.to = m4.created_at;
  EXPECT_EQ(hit_ids(c().search_messages(q)), (std::vector<Id>{m4.id, m2.id}));
  q.from.reset();
  q.to.reset();
  q.has_file = true;
  EXPECT_EQ(hit_ids(c().search_messages(q)), (std::vector<Id>{with_file.id}));
  q.has_file = false;

  q.limit = 2;
  auto first = c().search_messages(q);
  EXPECT_EQ(hit_ids(first), (std::vector<Id>{with_file.id, m4.id}));
  EXPECT_TRUE(first.has_more);
  q.before_id = m4.id;
  auto second = c().search_messages(q);
  EXPECT_EQ(hit_ids(second), (std::vector<Id>{m2.id, m1.id}));
  EXPECT_FALSE(second.has_more);

  // No words: the filters alone, no snippet; deleted messages never.
  SearchQuery filters;
  filters.room_id = theirs;
  EXPECT_EQ(hit_ids(c().search_messages(filters)), (std::vector<Id>{m3.id}));
  EXPECT_EQ(c().search_messages(filters).hits[0].snippet, "");
  c().delete_message(m3.id, c().next_rev(theirs));
  EXPECT_TRUE(c().search_messages(filters).hits.empty());
}

// ---- files

FileRecord file_of(Id uploader, const std::string& key, const std::string& name) {
  FileRecord f;
  f.storage_key = key;
  f.uploader_id = uploader;
  f.file_name = name;
  f.file_size = 1234;
  f.content_type = "image/png";
  f.width = 640;
  f.height = 480;
  f.has_thumbnail = true;
  f.created_at = 4000;
  return f;
}

TEST_P(StoreSuite, FilesAreFoundByIdAndKeyAndComeWithTheirMessages) {
  Id room = make_room("r");
  Id u = make_user("u");
  FileRecord a = file_of(u, std::string(32, 'a'), "a.png");
  FileRecord b = file_of(u, std::string(32, 'b'), "b.txt");
  b.content_type = "text/plain";
  b.width.reset();
  b.height.reset();
  b.has_thumbnail = false;
  a.id = c().insert_file(a);
  b.id = c().insert_file(b);
  EXPECT_EQ(c().files_by_ids({b.id, 999, a.id, b.id}), (std::vector<FileRecord>{b, a}));
  EXPECT_EQ(c().file_by_key(std::string(32, 'b')), b);
  EXPECT_FALSE(c().file_by_key(std::string(32, 'c')));
  EXPECT_THROW(c().insert_file(a), Error);  // the key is unique

  MessageRecord m;
  m.room_id = room;
  m.sender_id = u;
  m.attachment_ids = {b.id, a.id};
  m.seq = m.rev = c().next_rev(room);
  m.client_msg_id = "with-files";
  m.id = c().insert_message(m);
  EXPECT_EQ(c().message_by_id(m.id)->attachments, (std::vector<FileRecord>{b, a}));
  EXPECT_EQ(c().history(newest_page_of(room)).messages.at(0).attachments.size(), 2u);
  c().delete_message(m.id, c().next_rev(room));
  EXPECT_TRUE(c().message_by_id(m.id)->attachments.empty());
  EXPECT_TRUE(c().file_by_key(std::string(32, 'a')));  // the file stays
}

TEST_P(StoreSuite, OnlyOldUnclaimedFilesAreRemovedOldestFirst) {
  Id room = make_room("r");
  Id u = make_user("u");
  auto add = [&](char k, TimeMs at) {
    FileRecord f = file_of(u, std::string(32, k), std::string(1, k) + ".png");
    f.created_at = at;
    f.id = c().insert_file(f);
    return f;
  };
  FileRecord old1 = add('a', 1000), old2 = add('b', 2000), sent = add('c', 1500),
             deleted = add('d', 1200), young = add('e', 9000);
  // Attached by a message: claimed, also once the message is deleted, until
  // the delete releases it (release_files).
  for (Id f : {sent.id, deleted.id}) {
    MessageRecord m;
    m.room_id = room;
    m.sender_id = u;
    m.attachment_ids = {f};
    m.seq = m.rev = c().next_rev(room);
    m.id = c().insert_message(m);
    if (f == deleted.id) c().delete_message(m.id, c().next_rev(room));
  }
  EXPECT_EQ(c().remove_unclaimed_files(5000, 1), (std::vector<FileRecord>{old1}));
  EXPECT_EQ(c().remove_unclaimed_files(5000, 10), (std::vector<FileRecord>{old2}));
  EXPECT_TRUE(c().remove_unclaimed_files(5000, 10).empty());
  EXPECT_FALSE(c().file_by_key(old1.storage_key));
  EXPECT_FALSE(c().file_by_key(old2.storage_key));
  for (const auto& kept : {sent, deleted, young}) EXPECT_TRUE(c().file_by_key(kept.storage_key));
  EXPECT_EQ(c().remove_unclaimed_files(10000, 10), (std::vector<FileRecord>{young}));
}

TEST_P(StoreSuite, StoredBytesAreCountedPerUploader) {
  Id u = make_user("u");
  Id v = make_user("v");
  EXPECT_EQ(c().stored_bytes_of(u), 0);
  for (auto [who, key, size] :
       {std::tuple{u, 'a', 100}, std::tuple{u, 'b', 50}, std::tuple{v, 'c', 7}}) {
    FileRecord f = file_of(who, std::string(32, key), "f");
    f.file_size = size;
    c().insert_file(f);
  }
  EXPECT_EQ(c().stored_bytes_of(u), 150);
  EXPECT_EQ(c().stored_bytes_of(v), 7);
  c().remove_files({std::string(32, 'a')});
  EXPECT_EQ(c().stored_bytes_of(u), 50);
}

TEST_P(StoreSuite, AFileGoesWithItsLastClaim) {
  Id room = make_room("r");
  Id u = make_user("u");
  FileRecord shared = file_of(u, std::string(32, 'a'), "a.png");
  FileRecord once = file_of(u, std::string(32, 'b'), "b.png");
  shared.id = c().insert_file(shared);
  once.id = c().insert_file(once);
  for (auto ids : {std::vector<Id>{shared.id, once.id}, std::vector<Id>{shared.id}}) {
    MessageRecord m;
    m.room_id = room;
    m.sender_id = u;
    m.attachment_ids = ids;
    m.seq = m.rev = c().next_rev(room);
    c().insert_message(m);
  }
  EXPECT_EQ(c().release_files({shared.id, once.id}), (std::vector<std::string>{once.storage_key}));
  EXPECT_FALSE(c().file_by_key(once.storage_key));
  EXPECT_TRUE(c().file_by_key(shared.storage_key));  // another message still attaches it
  EXPECT_EQ(c().release_files({shared.id}), (std::vector<std::string>{shared.storage_key}));
  EXPECT_FALSE(c().file_by_key(shared.storage_key));
  // Unknown or already released files: nothing.
  EXPECT_TRUE(c().release_files({shared.id, 987654}).empty());
  // An unclaimed upload is not released (the sweep removes it in its time).
  FileRecord loose = file_of(u, std::string(32, 'c'), "c.png");
  loose.id = c().insert_file(loose);
  EXPECT_TRUE(c().release_files({loose.id}).empty());
  EXPECT_TRUE(c().file_by_key(loose.storage_key));
}

// ---- transactions

TEST_P(StoreSuite, RollbackDiscardsAndCommitKeeps) {
  c().begin_write();
  make_user("kept");
  c().commit();
  c().begin_write();
  make_user("dropped");
  c().rollback();
  EXPECT_TRUE(c().user_by_username("kept"));
  EXPECT_FALSE(c().user_by_username("dropped"));
}

TEST_P(StoreSuite, SavepointRollbackUndoesOnlyItself) {
  c().begin_write();
  c().savepoint();
  make_user("a");
  c().release_savepoint();
  c().savepoint();
  make_user("b");
  c().rollback_to_savepoint();
  c().savepoint();
  make_user("d");
  c().release_savepoint();
  c().commit();
  EXPECT_TRUE(c().user_by_username("a"));
  EXPECT_FALSE(c().user_by_username("b"));
  EXPECT_TRUE(c().user_by_username("d"));
}

TEST_P(StoreSuite, ReadTransactionSeesASnapshot) {
  make_user("before");
  auto writer = store_->connect();
  c().begin_read();
  EXPECT_TRUE(c().user_by_username("before"));
  UserRecord u;
  u.username = "during";
  u.email = "during@example.com";
  writer->create_user(u);
  EXPECT_FALSE(c().user_by_username("during"));
  c().commit();
  EXPECT_TRUE(c().user_by_username("during"));
}

// ---- durability across restarts

TEST_P(StoreSuite, DataSurvivesReopening) {
  Id room = make_room("r");
  Id a = make_user("alice");
  c().add_member(MemberRecord{room, a, Role::owner, 1, 0});
  MessageRecord m = post(room, a, "kept", std::nullopt, {a});
  c().add_reaction(m.id, a, "👍");
  c().revoke_token("jti", 100);

  reopen();  // start-up runs the migrations again on the existing data

  EXPECT_EQ(c().user_by_username("ALICE")->id, a);
  EXPECT_EQ(c().room_by_id(room)->rev, m.rev);
  EXPECT_EQ(c().room_by_id(room)->member_count, 1);
  auto got = c().message_by_id(m.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->content, "kept");
  EXPECT_EQ(got->reactions.size(), 1u);
  EXPECT_TRUE(c().is_token_revoked("jti"));
  EXPECT_EQ(c().next_rev(room), m.rev + 1);

  UserRecord dup;
  dup.username = "Alice";
  dup.email = "x@example.com";
  EXPECT_THROW(c().create_user(dup), Error);  // constraints still there

  reopen();
  EXPECT_EQ(c().room_by_id(room)->rev, m.rev + 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Backends, HistoryTest, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace parlor::store::test
