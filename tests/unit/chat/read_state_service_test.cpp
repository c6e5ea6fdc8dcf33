// Read state through the real chat::Service and SQLite store: mark_read,
// unread_update to every tab, read receipts, mention events, and fresh
// counts after edits and deletes; typing start/stop/send/disconnect.
#include <gtest/gtest.h>

#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

struct ReadFixture : ::testing::Test {
  Harness h;
  TestUser alice = h.register_user("alice");
  TestUser bob = h.register_user("bob");
  TestUser mallory = h.register_user("mallory");
  std::string room;
  int cmid = 0;
  void SetUp() override {
    json::array members;
    members.emplace_back(alice.id_s);
    room = h.create_room(bob, "general", "private", members);
    ASSERT_FALSE(h.connect("t1", alice.token));
    ASSERT_FALSE(h.connect("t2", alice.token));
    ASSERT_FALSE(h.connect("bob", bob.token));
    ASSERT_FALSE(h.connect("mallory", mallory.token));
  }
  json::object send(const std::string& content) {
    auto ack = h.send("bob", room, content, "c" + std::to_string(++cmid));
    EXPECT_EQ(code_of(ack), "ok");
    return ack.at("message").as_object();
  }
  json::object mark(const ConnId& conn, const json::value& message_id) {
    return h.emit(conn, "mark_read", json::object{{"room_id", room}, {"message_id", message_id}});
  }
  std::vector<std::int64_t> last_update(const ConnId& conn) {
    auto ups = h.outbox.received(conn, "unread_update");
    if (ups.empty()) return {};
    const auto& u = ups.back().payload;
    return {u.at("unread_count").as_int64(), u.at("mention_count").as_int64(),
            u.at("last_read_seq").as_int64()};
  }
};

TEST_F(ReadFixture, MarkReadForwardOnlyWithUpdatesToEveryTabAndReceipts) {
  auto m1 = send("one");
  auto m2 = send("hi @alice");
  auto m3 = send("three");
  h.flush();
  ASSERT_EQ(h.outbox.received("t1", "mention").size(), 1u);
  ASSERT_EQ(h.outbox.received("t2", "mention").size(), 1u);
  EXPECT_TRUE(h.outbox.received("bob", "mention").empty());

  auto a = mark("t1", m2.at("id"));
  ASSERT_EQ(code_of(a), "ok");
  EXPECT_EQ(a.at("unread_count").as_int64(), 1);
  EXPECT_EQ(a.at("mention_count").as_int64(), 0);
  h.flush();
  const std::int64_t seq2 = m2.at("seq").as_int64();
  EXPECT_EQ(last_update("t1"), (std::vector<std::int64_t>{1, 0, seq2}));
  EXPECT_EQ(last_update("t2"), (std::vector<std::int64_t>{1, 0, seq2}));
  auto receipts = h.outbox.received("bob", "read_receipt");
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].payload.at("user_id").as_string(), alice.id_s);
  EXPECT_EQ(receipts[0].payload.at("last_read_seq").as_int64(), seq2);

  auto back = mark("t2", m1.at("id"));
  EXPECT_EQ(back.at("unread_count").as_int64(), 1);
  h.flush();
  EXPECT_EQ(h.outbox.received("t2", "unread_update").size(), 1u);  // nothing moved, nothing sent
  auto dm_style =
      h.emit("t2", "mark_read", json::object{{"dm_id", room}, {"message_id", m3.at("id")}});
  EXPECT_EQ(dm_style.at("unread_count").as_int64(), 0);

  auto room_obj = h.rest("GET", "/api/rooms/:id", alice.token, nullptr, {{"id", room}});
  EXPECT_EQ(room_obj.body.at("room").at("unread_count").as_int64(), 0);
  EXPECT_EQ(room_obj.body.at("room").at("last_read_seq").as_int64(), m3.at("seq").as_int64());
}

TEST_F(ReadFixture, RefusalsChangeNothing) {
  auto m1 = send("one");
  EXPECT_EQ(code_of(mark("mallory", m1.at("id"))), "forbidden");
  EXPECT_EQ(code_of(mark("t1", json::value("424242"))), "not_found");
  EXPECT_EQ(code_of(h.emit("t1", "mark_read", json::object{{"room_id", room}})), "invalid");
  EXPECT_EQ(code_of(h.emit("t1", "mark_read", json::object{{"message_id", m1.at("id")}})),
            "invalid");
  h.flush();
  EXPECT_TRUE(h.outbox.received("t1", "unread_update").empty());
}

TEST_F(ReadFixture, EditsAndDeletesSendFreshCounts) {
  auto m1 = send("plain");
  h.flush();
  auto e1 = h.emit("bob", "edit_message",
                   json::object{{"message_id", m1.at("id")}, {"content", "now @alice"}});
  ASSERT_EQ(code_of(e1), "ok");
  h.flush();
  EXPECT_EQ(last_update("t1"), (std::vector<std::int64_t>{1, 1, 0}));
  EXPECT_EQ(last_update("t2"), (std::vector<std::int64_t>{1, 1, 0}));
  auto mention = h.outbox.received("t1", "mention");
  ASSERT_EQ(mention.size(), 1u);
  EXPECT_TRUE(mention[0].payload.at("message").at("edited").as_bool());

  h.emit("bob", "edit_message", json::object{{"message_id", m1.at("id")}, {"content", "gone"}});
  h.flush();
  EXPECT_EQ(last_update("t2"), (std::vector<std::int64_t>{1, 0, 0}));

  auto m2 = send("second @alice");
  ASSERT_EQ(code_of(h.emit("bob", "delete_message", json::object{{"message_id", m2.at("id")}})),
            "ok");
  h.flush();
  EXPECT_EQ(last_update("t1"), (std::vector<std::int64_t>{1, 0, 0}));
  EXPECT_TRUE(h.outbox.received("bob", "unread_update").empty());  // the sender's badge never moved
}

TEST_F(ReadFixture, TypingStartsOnceEndsOnSendStopAndDisconnect) {
  auto typing = [&](const ConnId& conn) {
    std::vector<bool> out;
    for (const auto& r : h.outbox.received(conn, "user_typing"))
      out.push_back(r.payload.at("typing").as_bool());
    return out;
  };
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(code_of(h.emit("t1", "typing_start", json::object{{"room_id", room}})), "ok");
  }
  h.flush();
  EXPECT_EQ(typing("bob"), (std::vector<bool>{true}));
  auto on = h.outbox.received("bob", "user_typing")[0].payload;
  EXPECT_EQ(on.at("username").as_string(), "alice");
  EXPECT_EQ(on.at("user_id").as_string(), alice.id_s);

  ASSERT_EQ(code_of(h.send("t1", room, "typed it", "typing-1")), "ok");
  h.flush();
  EXPECT_EQ(typing("bob"), (std::vector<bool>{true, false}));
  EXPECT_EQ(code_of(h.emit("t1", "typing_stop", json::object{{"room_id", room}})), "ok");
  h.flush();
  EXPECT_EQ(typing("bob").size(), 2u);

  EXPECT_EQ(code_of(h.emit("t2", "typing_start", json::object{{"dm_id", room}})), "ok");
  h.flush();
  h.disconnect("t2");
  EXPECT_EQ(typing("bob"), (std::vector<bool>{true, false, true, false}));

  EXPECT_EQ(code_of(h.emit("mallory", "typing_start", json::object{{"room_id", room}})),
            "forbidden");
  EXPECT_EQ(code_of(h.emit("mallory", "typing_stop", json::object{{"room_id", room}})),
            "forbidden");
  EXPECT_EQ(code_of(h.emit("bob", "typing_start", json::object{})), "invalid");
}

}  // namespace
}  // namespace parlor::chat::testing
