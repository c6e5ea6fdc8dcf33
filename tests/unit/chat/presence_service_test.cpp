// Presence through the real chat::Service and SQLite store: connect and
// disconnect hooks, activity, set_status, PATCH /api/users/me, sync's
// snapshot and user objects' status.
#include <gtest/gtest.h>

#include <thread>

#include "chat/json.hpp"
#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

// Presence updates go out from a storage thread after their audience
// lookup: wait for them (a hang guard, not a timing assertion).
template <class Pred>
void eventually(Pred pred) {
  for (int i = 0; i < 60000 && !pred(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(pred());
}

std::vector<std::string> statuses(const Harness& h, const ConnId& conn, const TestUser& about) {
  std::vector<std::string> out;
  for (const auto& r : h.outbox.received(conn, "presence_update")) {
    if (r.payload.at("user_id").as_string() == about.id_s)
      out.emplace_back(r.payload.at("status").as_string());
  }
  return out;
}

struct PresenceFixture : ::testing::Test {
  Harness h;
  TestUser alice = h.register_user("alice");
  TestUser bob = h.register_user("bob");
  TestUser dave = h.register_user("dave");
  std::string room;
  void SetUp() override {
    json::array members;
    members.emplace_back(bob.id_s);
    room = h.create_room(alice, "general", "public", members);
    ASSERT_FALSE(h.connect("bob", bob.token));
    ASSERT_FALSE(h.connect("dave", dave.token));
  }
};

TEST_F(PresenceFixture, TabsOpeningAndClosingGiveOneOnlineAndOneOffline) {
  ASSERT_FALSE(h.connect("a1", alice.token));
  ASSERT_FALSE(h.connect("a2", alice.token));
  ASSERT_FALSE(h.connect("a3", alice.token));
  eventually([&] { return statuses(h, "bob", alice).size() == 1; });
  h.disconnect("a1");
  h.disconnect("a2");
  h.advance(5000);
  h.disconnect("a3");
  eventually([&] { return statuses(h, "bob", alice).size() == 2; });
  h.flush();
  EXPECT_EQ(statuses(h, "bob", alice), (std::vector<std::string>{"online", "offline"}));
  EXPECT_TRUE(statuses(h, "dave", alice).empty());  // shares no room with alice
  auto off = h.outbox.received("bob", "presence_update").back().payload;
  EXPECT_EQ(off.at("last_seen").as_string(), iso_time(h.now()));
  // Stored: REST shows it once the update is out.
  auto r = h.rest("GET", "/api/users/:id", bob.token, nullptr, {{"id", alice.id_s}});
  EXPECT_EQ(r.body.at("user").at("status").as_string(), "offline");
  EXPECT_EQ(r.body.at("user").at("last_seen").as_string(), iso_time(h.now()));
}

TEST_F(PresenceFixture, ActivityAndSetStatus) {
  ASSERT_FALSE(h.connect("a1", alice.token));
  ASSERT_FALSE(h.connect("a2", alice.token));
  eventually([&] { return statuses(h, "bob", alice).size() == 1; });
  EXPECT_EQ(code_of(h.emit("a1", "activity", json::object{{"idle", true}})), "ok");
  EXPECT_EQ(code_of(h.emit("a2", "activity", json::object{{"idle", true}})), "ok");
  eventually([&] { return statuses(h, "bob", alice).size() == 2; });
  EXPECT_EQ(statuses(h, "bob", alice).back(), "away");
  EXPECT_EQ(code_of(h.emit("a1", "activity", json::object{{"idle", "yes"}})), "invalid");
  EXPECT_EQ(code_of(h.emit("a1", "activity", json::object{})), "invalid");

  auto ack =
      h.emit("a1", "set_status", json::object{{"status", "busy"}, {"custom_status", "focus"}});
  ASSERT_EQ(code_of(ack), "ok");
  EXPECT_EQ(ack.at("user").at("status").as_string(), "busy");
  EXPECT_EQ(ack.at("user").at("custom_status").as_string(), "focus");
  eventually([&] { return statuses(h, "bob", alice).size() == 3; });
  EXPECT_EQ(h.outbox.received("bob", "presence_update").back().payload.at("custom_status"),
            "focus");
  EXPECT_EQ(code_of(h.emit("a1", "set_status", json::object{{"status", "away"}})), "invalid");

  auto patch = h.rest("PATCH", "/api/users/me", alice.token,
                      json::object{{"status", "online"}, {"custom_status", ""}});
  ASSERT_EQ(patch.status, 200u);
  EXPECT_EQ(patch.body.at("user").at("status").as_string(), "away");  // both tabs idle
  eventually([&] { return statuses(h, "bob", alice).size() == 4; });
  EXPECT_EQ(statuses(h, "bob", alice).back(), "away");
}

TEST_F(PresenceFixture, SyncSnapshotListsRoomMatesWithStatus) {
  ASSERT_FALSE(h.connect("a1", alice.token));
  auto ack = h.emit("bob", "sync", json::object{{"cursors", json::object{}}});
  ASSERT_EQ(code_of(ack), "ok");
  const auto& presence = ack.at("presence").as_array();
  ASSERT_EQ(presence.size(), 1u);  // alice; not bob himself, not dave
  EXPECT_EQ(presence[0].at("id").as_string(), alice.id_s);
  EXPECT_EQ(presence[0].at("status").as_string(), "online");
  h.disconnect("a1");
  auto again = h.emit("bob", "sync", json::object{{"cursors", json::object{}}});
  EXPECT_EQ(again.at("presence").at(0).at("status").as_string(), "offline");
}

}  // namespace
}  // namespace parlor::chat::testing
