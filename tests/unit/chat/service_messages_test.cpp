// Service: messages, threads, reactions, pins, history pages, the room
// change stream and sync, idempotent resends, limits.
#include <gtest/gtest.h>

#include <set>

#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

struct Room2 {
  Harness h;
  TestUser a, b, c;
  std::string room;
  explicit Room2(core::Config config = {}) : h(std::move(config)) {
    a = h.register_user("alice");
    b = h.register_user("bob");
    c = h.register_user("carol");  // not a member
    room = h.create_room(a, "general", "public", json::array{b.id_s});
    if (h.connect("a1", a.token) || h.connect("b1", b.token) || h.connect("c1", c.token))
      throw std::runtime_error("connect failed");
  }
  std::string id_of(const json::object& ack) {
    return std::string(ack.at("message").at("id").as_string());
  }
};

TEST(Messages, SendIsAckedAndBroadcastToMembersOnly) {
  Room2 t;
  auto ack = t.h.send("a1", t.room, "hello @bob and @nobody", "c-1");
  ASSERT_EQ(code_of(ack), "ok") << json::serialize(ack);
  const auto& m = ack.at("message").as_object();
  EXPECT_EQ(m.at("seq"), 1);
  EXPECT_EQ(m.at("rev"), 1);
  EXPECT_EQ(m.at("room_id"), json::value(t.room));
  EXPECT_EQ(m.at("sender_id"), json::value(t.a.id_s));
  EXPECT_EQ(m.at("sender").at("username"), "alice");
  EXPECT_EQ(m.at("client_msg_id"), "c-1");
  EXPECT_EQ(m.at("mentions"), (json::array{t.b.id_s}));
  for (const char* conn : {"a1", "b1"}) {
    auto got = t.h.outbox.received(conn, "new_message");
    ASSERT_EQ(got.size(), 1u) << conn;
    EXPECT_EQ(got[0].payload.at("message"), ack.at("message"));
  }
  EXPECT_TRUE(t.h.outbox.received("c1", "new_message").empty());
  // Mentions by id join the text's: existing users, once each.
  json::object p{{"room_id", t.room},
                 {"content", "plain @" + t.b.username},
                 {"client_msg_id", "c-2"},
                 {"mentions", json::array{t.c.id_s, t.b.id_s, "987654"}}};
  auto ack2 = t.h.emit("a1", "send_message", p);
  EXPECT_EQ(ack2.at("message").at("mentions"), (json::array{t.b.id_s, t.c.id_s}));
}

TEST(Messages, TheAckAndBroadcastShowTheMessageAsStored) {
  // The send path renders the record it inserted (no reload): it must be the
  // message every later read returns.
  Room2 t;
  json::object profile{{"display_name", "Bob B"}, {"avatar_url", "https://example.com/b.png"}};
  ASSERT_EQ(code_of(t.h.rest("PATCH", "/api/users/me", t.b.token, profile)), "ok");
  auto root = t.h.send("a1", t.room, "root for @bob", "s1");
  ASSERT_EQ(code_of(root), "ok");
  const auto root_id = t.id_of(root);
  t.h.advance(1234);
  auto reply = t.h.send("b1", t.room, "ping @alice @carol @ghost", "s2", json::value(root_id));
  ASSERT_EQ(code_of(reply), "ok") << json::serialize(reply);
  const auto& m = reply.at("message").as_object();
  EXPECT_EQ(m.at("sender").at("display_name"), "Bob B");
  EXPECT_EQ(m.at("sender").at("avatar_url"), "https://example.com/b.png");
  EXPECT_EQ(m.at("mentions"), (json::array{t.a.id_s, t.c.id_s}));
  EXPECT_EQ(m.at("seq"), 2);
  EXPECT_EQ(m.at("rev"), 2);
  auto thread = t.h.rest("GET", "/api/messages/:id/thread", t.a.token, nullptr, {{"id", root_id}});
  ASSERT_EQ(thread.body.at("replies").as_array().size(), 1u);
  EXPECT_EQ(thread.body.at("replies").at(0), reply.at("message"));
  auto hist = t.h.rest("GET", "/api/rooms/:id/messages", t.a.token, nullptr, {{"id", t.room}});
  ASSERT_EQ(hist.body.at("messages").as_array().size(), 1u);
  auto root_now = hist.body.at("messages").at(0).as_object();
  root_now.erase("reply_count");
  root_now.erase("last_reply_at");
  root_now.erase("rev");
  auto root_acked = root.at("message").as_object();
  root_acked.erase("reply_count");
  root_acked.erase("last_reply_at");
  root_acked.erase("rev");
  EXPECT_EQ(root_now, root_acked);
  auto got = t.h.outbox.received("a1", "new_message");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].payload.at("message"), reply.at("message"));
  // alice is mentioned and a member; carol is not a member: only alice is told.
  auto mentions = t.h.outbox.received("a1", "mention");
  ASSERT_EQ(mentions.size(), 1u);
  EXPECT_EQ(mentions[0].payload.at("message"), reply.at("message"));
  EXPECT_TRUE(t.h.outbox.received("c1", "mention").empty());
  auto room =
      t.h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(t.room)); });
  EXPECT_EQ(room->rev, 2);
  EXPECT_EQ(room->last_seq, 2);
}

TEST(Messages, ResendWithTheSameClientIdCreatesNothing) {
  Room2 t;
  auto first = t.h.send("a1", t.room, "once", "same");
  auto again = t.h.send("a1", t.room, "once", "same");
  ASSERT_EQ(code_of(again), "ok");
  EXPECT_EQ(first.at("message"), again.at("message"));
  EXPECT_EQ(t.h.outbox.received("b1", "new_message").size(), 1u);
  auto room =
      t.h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(t.room)); });
  EXPECT_EQ(room->rev, 1);
  EXPECT_EQ(room->last_seq, 1);
  // Another user may use the same client_msg_id.
  auto bobs = t.h.send("b1", t.room, "mine", "same");
  EXPECT_NE(t.id_of(bobs), t.id_of(first));
}

TEST(Messages, EditKeepsHistoryAndOnlyTheSenderMayEdit) {
  Room2 t;
  auto id = t.id_of(t.h.send("a1", t.room, "first", "e1"));
  json::object by_bob{{"message_id", id}, {"content", "hijack"}};
  EXPECT_EQ(code_of(t.h.emit("b1", "edit_message", by_bob)), "forbidden");
  json::object edit{{"message_id", id}, {"content", "second @bob"}};
  auto ack = t.h.emit("a1", "edit_message", edit);
  ASSERT_EQ(code_of(ack), "ok") << json::serialize(ack);
  EXPECT_EQ(ack.at("message").at("content"), "second @bob");
  EXPECT_EQ(ack.at("message").at("edited"), true);
  EXPECT_EQ(ack.at("message").at("rev"), 2);
  EXPECT_EQ(ack.at("message").at("seq"), 1);
  EXPECT_EQ(ack.at("message").at("mentions"), (json::array{t.b.id_s}));
  auto ev = t.h.outbox.received("b1", "message_edited");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload.at("message").at("rev"), 2);
  auto hist = t.h.rest("GET", "/api/messages/:id/history", t.b.token, nullptr, {{"id", id}});
  ASSERT_EQ(hist.status, 200u);
  ASSERT_EQ(hist.body.at("edits").as_array().size(), 1u);
  EXPECT_EQ(hist.body.at("edits").at(0).at("content"), "first");
  EXPECT_EQ(
      code_of(t.h.rest("GET", "/api/messages/:id/history", t.c.token, nullptr, {{"id", "999999"}})),
      "not_found");
}

TEST(Messages, DeleteLeavesATombstoneAndKeepsTheThread) {
  Room2 t;
  auto root = t.id_of(t.h.send("a1", t.room, "root", "d1"));
  auto reply = t.h.send("b1", t.room, "reply", "d2", json::value(root));
  ASSERT_EQ(code_of(reply), "ok");
  EXPECT_EQ(code_of(t.h.emit("b1", "delete_message", json::object{{"message_id", root}})),
            "forbidden");
  auto ack = t.h.emit("a1", "delete_message", json::object{{"message_id", root}});
  ASSERT_EQ(code_of(ack), "ok");
  auto ev = t.h.outbox.received("b1", "message_deleted");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].payload.at("message_id"), json::value(root));
  EXPECT_EQ(ev[0].payload.at("room_id"), json::value(t.room));
  EXPECT_EQ(ev[0].payload.at("rev"), 3);
  EXPECT_TRUE(ev[0].payload.at("parent_id").is_null());
  auto thread = t.h.rest("GET", "/api/messages/:id/thread", t.b.token, nullptr, {{"id", root}});
  ASSERT_EQ(thread.status, 200u);
  EXPECT_EQ(thread.body.at("parent_message").at("deleted"), true);
  EXPECT_EQ(thread.body.at("parent_message").at("content"), "");
  EXPECT_EQ(thread.body.at("replies").as_array().size(), 1u);
  // Deleting again is a no-op success with no new rev.
  EXPECT_EQ(code_of(t.h.emit("a1", "delete_message", json::object{{"message_id", root}})), "ok");
  EXPECT_EQ(t.h.outbox.received("b1", "message_deleted").size(), 1u);
  // An admin may delete someone else's message.
  auto bobs = t.id_of(t.h.send("b1", t.room, "bob's", "d3"));
  EXPECT_EQ(code_of(t.h.emit("a1", "delete_message", json::object{{"message_id", bobs}})), "ok");
  EXPECT_EQ(code_of(t.h.emit("a1", "edit_message",
                             json::object{{"message_id", root}, {"content", "revive"}})),
            "invalid");
}

TEST(Messages, ThreadRepliesMoveTheRootRevAndAttachToTheRoot) {
  Room2 t;
  auto root = t.id_of(t.h.send("a1", t.room, "root", "t1"));
  auto r1 = t.h.send("b1", t.room, "reply 1", "t2", json::value(root));
  ASSERT_EQ(code_of(r1), "ok");
  EXPECT_EQ(r1.at("message").at("parent_id"), json::value(root));
  const auto r1_id = t.id_of(r1);
  // A reply to a reply joins the root's thread.
  auto r2 = t.h.send("a1", t.room, "reply 2", "t3", json::value(r1_id));
  ASSERT_EQ(code_of(r2), "ok");
  EXPECT_EQ(r2.at("message").at("parent_id"), json::value(root));
  auto root_now =
      t.h.read_store([&](store::Connection& c) { return c.message_by_id(std::stoll(root)); });
  EXPECT_EQ(root_now->reply_count, 2);
  EXPECT_EQ(root_now->rev, r2.at("message").at("rev").as_int64());
  auto thread = t.h.rest("GET", "/api/messages/:id/thread", t.a.token, nullptr, {{"id", r1_id}});
  EXPECT_EQ(thread.body.at("parent_message").at("id"), json::value(root));
  EXPECT_EQ(thread.body.at("parent_message").at("reply_count"), 2);
  EXPECT_EQ(thread.body.at("replies").as_array().size(), 2u);
  // History holds top-level messages only.
  auto hist = t.h.rest("GET", "/api/rooms/:id/messages", t.a.token, nullptr, {{"id", t.room}});
  EXPECT_EQ(hist.body.at("messages").as_array().size(), 1u);
  // A parent from another room, or unknown, is invalid.
  auto other = t.h.create_room(t.a, "other");
  t.h.flush();
  auto elsewhere = t.h.send("a1", other, "x", "t4", json::value(root));
  EXPECT_EQ(code_of(elsewhere), "invalid");
  EXPECT_EQ(code_of(t.h.send("a1", t.room, "x", "t5", json::value("999999"))), "invalid");
}

TEST(Messages, ReactionsAreOnePerUserPerEmojiAndIdempotent) {
  Room2 t;
  auto id = t.id_of(t.h.send("a1", t.room, "react to me", "r1"));
  json::object thumbs{{"message_id", id}, {"emoji", "\xF0\x9F\x91\x8D"}};
  auto ack = t.h.emit("a1", "add_reaction", thumbs);
  ASSERT_EQ(code_of(ack), "ok") << json::serialize(ack);
  EXPECT_EQ(ack.at("message").at("rev"), 2);
  auto again = t.h.emit("a1", "add_reaction", thumbs);
  EXPECT_EQ(again.at("message").at("rev"), 2);  // nothing changed
  ASSERT_EQ(code_of(t.h.emit("b1", "add_reaction", thumbs)), "ok");
  auto rest = t.h.rest("POST", "/api/messages/:id/reactions", t.b.token,
                       json::object{{"emoji", "\xF0\x9F\x91\x8D"}}, {{"id", id}});
  ASSERT_EQ(rest.status, 200u);
  EXPECT_EQ(rest.body.at("success"), true);
  const auto& reactions = rest.body.at("message").at("reactions").as_array();
  ASSERT_EQ(reactions.size(), 1u);
  EXPECT_EQ(reactions[0].at("count"), 2);
  EXPECT_EQ(reactions[0].at("user_ids"), (json::array{t.a.id_s, t.b.id_s}));
  auto added = t.h.outbox.received("a1", "reaction_added");
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[1].payload.at("user_id"), json::value(t.b.id_s));
  EXPECT_EQ(added[1].payload.at("rev"), 3);
  EXPECT_EQ(added[1].payload.at("emoji"), "\xF0\x9F\x91\x8D");
  auto removed = t.h.emit("a1", "remove_reaction", thumbs);
  ASSERT_EQ(code_of(removed), "ok");
  EXPECT_EQ(removed.at("message").at("reactions").at(0).at("count"), 1);
  EXPECT_EQ(t.h.outbox.received("b1", "reaction_removed").at(0).payload.at("rev"), 4);
  EXPECT_EQ(code_of(t.h.emit("c1", "add_reaction", thumbs)), "forbidden");
  EXPECT_EQ(
      code_of(t.h.emit("a1", "add_reaction", json::object{{"message_id", id}, {"emoji", ""}})),
      "invalid");
}

TEST(Messages, AnyMemberPinsAndPinsStopAtTen) {
  Room2 t;
  std::vector<std::string> ids;
  for (int i = 0; i < 11; ++i)
    ids.push_back(
        t.id_of(t.h.send("b1", t.room, "m" + std::to_string(i), "p" + std::to_string(i))));
  // Any member may pin, not only the room's owner and admins.
  EXPECT_EQ(code_of(t.h.emit("b1", "pin_message", json::object{{"message_id", ids[0]}})), "ok");
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(code_of(t.h.emit("a1", "pin_message", json::object{{"message_id", ids[i]}})), "ok");
  EXPECT_EQ(code_of(t.h.emit("a1", "pin_message", json::object{{"message_id", ids[10]}})),
            "conflict");
  EXPECT_EQ(code_of(t.h.emit("a1", "pin_message", json::object{{"message_id", ids[0]}})), "ok");
  auto pinned = t.h.rest("GET", "/api/rooms/:id/pinned", t.b.token, nullptr, {{"id", t.room}});
  EXPECT_EQ(pinned.body.at("messages").as_array().size(), 10u);
  auto ev = t.h.outbox.received("b1", "message_pinned");
  ASSERT_EQ(ev.size(), 10u);
  EXPECT_EQ(ev[0].payload.at("rev"), 12);
  EXPECT_EQ(ev[0].payload.at("user_id"), json::value(t.b.id_s));
  ASSERT_EQ(code_of(t.h.emit("a1", "unpin_message", json::object{{"message_id", ids[0]}})), "ok");
  EXPECT_EQ(t.h.outbox.received("b1", "message_unpinned").size(), 1u);
  auto room = t.h.rest("GET", "/api/rooms/:id", t.b.token, nullptr, {{"id", t.room}});
  EXPECT_EQ(room.body.at("room").at("pinned_message_ids").as_array().size(), 9u);
}

TEST(Messages, HistoryPages) {
  Room2 t;
  std::vector<std::string> ids;
  for (int i = 0; i < 120; ++i)
    ids.push_back(
        t.id_of(t.h.send("a1", t.room, "n" + std::to_string(i), "h" + std::to_string(i))));
  auto get = [&](std::map<std::string, std::string> q) {
    return t.h.rest("GET", "/api/rooms/:id/messages", t.b.token, nullptr, {{"id", t.room}}, q);
  };
  auto latest = get({});
  ASSERT_EQ(latest.status, 200u);
  const auto& ms = latest.body.at("messages").as_array();
  ASSERT_EQ(ms.size(), 50u);
  EXPECT_EQ(ms.front().at("id"), json::value(ids[70]));
  EXPECT_EQ(ms.back().at("id"), json::value(ids[119]));
  EXPECT_EQ(latest.body.at("has_more"), true);
  auto older = get({{"before", ids[70]}, {"limit", "100"}});
  EXPECT_EQ(older.body.at("messages").as_array().size(), 70u);
  EXPECT_EQ(older.body.at("has_more"), false);
  auto newer = get({{"after", ids[100]}, {"limit", "10"}});
  EXPECT_EQ(newer.body.at("messages").at(0).at("id"), json::value(ids[101]));
  EXPECT_EQ(newer.body.at("has_more"), true);
  auto around = get({{"around", ids[60]}, {"limit", "11"}});
  bool found = false;
  for (const auto& m : around.body.at("messages").as_array())
    found |= m.at("id") == json::value(ids[60]);
  EXPECT_TRUE(found);
  EXPECT_EQ(code_of(get({{"limit", "0"}})), "invalid");
  EXPECT_EQ(code_of(get({{"limit", "101"}})), "invalid");
  EXPECT_EQ(code_of(get({{"limit", "ten"}})), "invalid");
  EXPECT_EQ(code_of(get({{"before", "999999"}})), "not_found");
  EXPECT_EQ(code_of(get({{"before", ids[1]}, {"after", ids[2]}})), "invalid");
  // Public history is readable by non-members; unknown rooms are not_found.
  EXPECT_EQ(t.h.rest("GET", "/api/rooms/:id/messages", t.c.token, nullptr, {{"id", t.room}}).status,
            200u);
  EXPECT_EQ(
      code_of(t.h.rest("GET", "/api/rooms/:id/messages", t.c.token, nullptr, {{"id", "999999"}})),
      "not_found");
}

TEST(Messages, LimitsAndBadInput) {
  core::Config config;
  config.max_message_chars = 100;
  Room2 t(config);
  std::string exact;
  for (int i = 0; i < 100; ++i) exact += "\xC3\xA9";  // 100 characters, 200 bytes
  EXPECT_EQ(code_of(t.h.send("a1", t.room, exact, "l1")), "ok");
  EXPECT_EQ(code_of(t.h.send("a1", t.room, exact + "x", "l2")), "too_large");
  EXPECT_EQ(code_of(t.h.send("a1", t.room, std::string(1'000'000, 'x'), "l3")), "too_large");
  EXPECT_EQ(code_of(t.h.send("a1", t.room, "bad \xFF utf8", "l4")), "invalid");
  EXPECT_EQ(code_of(t.h.send("a1", "999999", "no room", "l5")), "not_found");
  EXPECT_EQ(code_of(t.h.send("a1", t.room, "  ", "l6")), "invalid");
  EXPECT_EQ(code_of(t.h.send("a1", t.room, "no id", "")), "invalid");
  auto bad = [&](json::object p) { return code_of(t.h.emit("a1", "send_message", p)); };
  EXPECT_EQ(bad({{"room_id", t.room}, {"content", 5}, {"client_msg_id", "x"}}), "invalid");
  EXPECT_EQ(bad({{"content", "x"}, {"client_msg_id", "x"}}), "invalid");
  EXPECT_EQ(bad({{"room_id", true}, {"content", "x"}, {"client_msg_id", "x"}}), "invalid");
  EXPECT_EQ(bad({{"room_id", t.room}, {"content", "x"}, {"client_msg_id", 7}}), "invalid");
  EXPECT_EQ(bad({{"room_id", t.room},
                 {"content", "x"},
                 {"client_msg_id", "x"},
                 {"attachment_ids", json::array{"1"}}}),
            "invalid");
  EXPECT_EQ(bad({{"room_id", t.room},
                 {"content", "x"},
                 {"client_msg_id", "x"},
                 {"parent_id", json::object{}}}),
            "invalid");
  EXPECT_EQ(
      bad({{"room_id", t.room}, {"dm_id", "999999"}, {"content", "x"}, {"client_msg_id", "x"}}),
      "invalid");
  EXPECT_EQ(code_of(t.h.emit("a1", "send_message",
                             json::object{{"room_id", t.room},
                                          {"content", "x"},
                                          {"client_msg_id", "ok"},
                                          {"attachment_ids", json::array{}}})),
            "ok");
  auto room =
      t.h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(t.room)); });
  EXPECT_EQ(room->rev, 2);  // only the two good sends changed anything
}

TEST(Messages, SendsAreRateLimitedPerUser) {
  core::Config config;
  config.send_burst = 3;
  config.send_rate_per_s = 1;
  Room2 t(config);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(code_of(t.h.send("a1", t.room, "m", "rl" + std::to_string(i))), "ok");
  auto limited = t.h.send("a1", t.room, "m", "rl3");
  ASSERT_EQ(code_of(limited), "rate_limited");
  EXPECT_GT(limited.at("error").at("retry_after_ms").as_int64(), 0);
  EXPECT_EQ(code_of(t.h.send("b1", t.room, "m", "rl4")), "ok");  // per user
  // A resend of a stored message gets it back even now, and creates nothing.
  auto resent = t.h.send("a1", t.room, "m", "rl1");
  ASSERT_EQ(code_of(resent), "ok");
  EXPECT_EQ(resent.at("message").at("client_msg_id"), "rl1");
  EXPECT_EQ(resent.at("message").at("seq"), 2);
  t.h.advance(1000);
  EXPECT_EQ(code_of(t.h.send("a1", t.room, "m", "rl5")), "ok");
  auto room =
      t.h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(t.room)); });
  EXPECT_EQ(room->last_seq, 5);
}

TEST(ChangeStream, RevsAreDenseAndEveryEventCarriesTheNewRev) {
  Room2 t;
  auto m1 = t.id_of(t.h.send("a1", t.room, "one", "s1"));
  auto m2 = t.id_of(t.h.send("b1", t.room, "two", "s2"));
  t.h.send("b1", t.room, "reply", "s3", json::value(m1));
  t.h.emit("a1", "edit_message", json::object{{"message_id", m1}, {"content", "one!"}});
  t.h.emit("b1", "add_reaction", json::object{{"message_id", m2}, {"emoji", "x"}});
  t.h.emit("b1", "remove_reaction", json::object{{"message_id", m2}, {"emoji", "x"}});
  t.h.emit("a1", "pin_message", json::object{{"message_id", m2}});
  t.h.emit("a1", "unpin_message", json::object{{"message_id", m2}});
  t.h.emit("a1", "delete_message", json::object{{"message_id", m2}});
  std::vector<std::int64_t> revs;
  for (const auto& r : t.h.outbox.received("b1")) {
    const auto& p = r.payload.as_object();
    if (p.contains("message"))
      revs.push_back(p.at("message").at("rev").as_int64());
    else if (p.contains("rev"))
      revs.push_back(p.at("rev").as_int64());
  }
  std::vector<std::int64_t> expected;
  for (int i = 1; i <= 9; ++i) expected.push_back(i);
  EXPECT_EQ(revs, expected);
}

TEST(ChangeStream, SyncReturnsChangesAfterTheCursorInPages) {
  Room2 t;
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(
        t.id_of(t.h.send("a1", t.room, "m" + std::to_string(i), "y" + std::to_string(i))));
  t.h.emit("a1", "edit_message", json::object{{"message_id", ids[0]}, {"content", "m0 edited"}});
  // revs 1..7 sends, 8 = edit of ids[0]. From cursor 5: ids[5], ids[6], ids[0].
  auto sync = [&](std::int64_t cursor, int limit) {
    json::object cursors;
    cursors[t.room] = cursor;
    return t.h.emit("b1", "sync", json::object{{"cursors", cursors}, {"limit_per_room", limit}});
  };
  auto page1 = sync(5, 2);
  ASSERT_EQ(code_of(page1), "ok") << json::serialize(page1);
  const auto& r1 = page1.at("rooms").at(0).as_object();
  EXPECT_EQ(r1.at("room_id"), json::value(t.room));
  ASSERT_EQ(r1.at("messages").as_array().size(), 2u);
  EXPECT_EQ(r1.at("messages").at(0).at("id"), json::value(ids[5]));
  EXPECT_EQ(r1.at("has_more"), true);
  EXPECT_EQ(r1.at("cursor"), 7);
  for (const char* k : {"unread_count", "mention_count", "last_read_seq"})
    EXPECT_TRUE(r1.contains(k)) << k;
  EXPECT_TRUE(page1.at("removed_room_ids").as_array().empty());
  EXPECT_TRUE(page1.at("presence").is_array());
  EXPECT_TRUE(page1.at("server_time").is_string());
  auto page2 = sync(7, 2);
  const auto& r2 = page2.at("rooms").at(0).as_object();
  ASSERT_EQ(r2.at("messages").as_array().size(), 1u);
  EXPECT_EQ(r2.at("messages").at(0).at("id"), json::value(ids[0]));
  EXPECT_EQ(r2.at("messages").at(0).at("content"), "m0 edited");
  EXPECT_EQ(r2.at("has_more"), false);
  EXPECT_EQ(r2.at("cursor"), 8);
  auto none = sync(8, 2);
  EXPECT_TRUE(none.at("rooms").at(0).at("messages").as_array().empty());
  EXPECT_EQ(none.at("rooms").at(0).at("cursor"), 8);
}

TEST(ChangeStream, APageNeverSplitsAReplyFromItsRoot) {
  Room2 t;
  auto root = t.id_of(t.h.send("a1", t.room, "root", "z1"));
  t.h.send("b1", t.room, "reply", "z2", json::value(root));  // rev 2 for both
  json::object cursors;
  cursors[t.room] = 0;
  auto r = t.h.emit("b1", "sync", json::object{{"cursors", cursors}, {"limit_per_room", 1}});
  const auto& page = r.at("rooms").at(0).as_object();
  // rev order: root (now rev 2) and the reply (rev 2) come together.
  ASSERT_EQ(page.at("messages").as_array().size(), 2u);
  EXPECT_EQ(page.at("has_more"), false);
  EXPECT_EQ(page.at("cursor"), 2);
  std::set<std::string> got;
  for (const auto& m : page.at("messages").as_array())
    got.insert(std::string(m.at("id").as_string()));
  EXPECT_TRUE(got.contains(root));
}

TEST(ChangeStream, SyncReportsRoomsTheUserLeftAndSubscribesFirst) {
  Room2 t;
  auto other = t.h.create_room(t.a, "other");
  t.h.flush();
  json::object cursors;
  cursors[t.room] = 0;
  cursors[other] = 0;
  cursors["999999"] = 0;
  auto r = t.h.emit("b1", "sync", json::object{{"cursors", cursors}});
  ASSERT_EQ(code_of(r), "ok");
  EXPECT_EQ(r.at("rooms").as_array().size(), 1u);
  EXPECT_EQ(r.at("removed_room_ids").as_array().size(), 2u);
  EXPECT_TRUE(t.h.outbox.subscribed("b1", std::stoll(t.room)));
  EXPECT_EQ(code_of(t.h.emit("b1", "sync", json::object{{"cursors", json::array{}}})), "invalid");
  EXPECT_EQ(code_of(t.h.emit("b1", "sync", json::object{{"cursors", json::object{{"x", 1}}}})),
            "invalid");
  EXPECT_EQ(code_of(t.h.emit("b1", "sync", json::object{{"cursors", json::object{{t.room, -1}}}})),
            "invalid");
  EXPECT_EQ(code_of(t.h.emit("b1", "sync", json::object{{"limit_per_room", 501}})), "invalid");
  EXPECT_EQ(code_of(t.h.emit("b1", "sync", nullptr)), "ok");
}

TEST(ChangeStream, ManyConcurrentSendersGetDenseRevsAndOneMessageEach) {
  Room2 t;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        const auto conn = w % 2 ? "a1" : "b1";
        auto cmid = "w" + std::to_string(w) + "-" + std::to_string(i);
        if (code_of(t.h.send(conn, t.room, "x", cmid)) == "ok") ++ok;
        if (i % 5 == 0 && code_of(t.h.send(conn, t.room, "x", cmid)) == "ok") {
          // resends succeed and must not create anything
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 100);
  auto msgs = t.h.read_store(
      [&](store::Connection& c) { return c.messages_changed_after(std::stoll(t.room), 0, 1000); });
  ASSERT_EQ(msgs.size(), 100u);
  for (std::size_t i = 0; i < msgs.size(); ++i) EXPECT_EQ(msgs[i].rev, std::int64_t(i + 1));
  // Broadcasts reached bob in rev order.
  std::int64_t last = 0;
  for (const auto& r : t.h.outbox.received("b1", "new_message")) {
    auto rev = r.payload.at("message").at("rev").as_int64();
    EXPECT_EQ(rev, last + 1);
    last = rev;
  }
  EXPECT_EQ(last, 100);
}

}  // namespace
}  // namespace parlor::chat::testing
