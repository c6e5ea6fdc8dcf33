// Service: rooms, DMs, membership events and subscriptions, roles.
#include <gtest/gtest.h>

#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

std::int64_t member_count(Harness& h, const std::string& room) {
  return h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(room)); })
      ->member_count;
}

TEST(Rooms, CreateGivesTheCreatorOwnerAndNotifiesMembers) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  ASSERT_FALSE(h.connect("b1", b.token));
  json::object body{{"name", "general"},
                    {"description", "all"},
                    {"type", "private"},
                    {"member_ids", json::array{b.id_s}}};
  auto r = h.rest("POST", "/api/rooms", a.token, body);
  ASSERT_EQ(r.status, 200u) << json::serialize(r.body);
  const auto& room = r.body.at("room").as_object();
  EXPECT_EQ(room.at("name"), "general");
  EXPECT_EQ(room.at("type"), "private");
  EXPECT_EQ(room.at("role"), "owner");
  EXPECT_EQ(room.at("member_count"), 2);
  EXPECT_EQ(room.at("rev"), 0);
  EXPECT_EQ(room.at("archived"), false);
  const std::string id(room.at("id").as_string());
  auto joined = h.outbox.received("b1", "room_joined");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].payload.at("room").at("role"), "member");
  EXPECT_TRUE(h.outbox.subscribed("b1", std::stoll(id)));

  EXPECT_EQ(code_of(h.rest("POST", "/api/rooms", a.token, json::object{{"name", ""}})), "invalid");
  EXPECT_EQ(
      code_of(h.rest("POST", "/api/rooms", a.token, json::object{{"name", "x"}, {"type", "dm"}})),
      "invalid");
  EXPECT_EQ(code_of(h.rest("POST", "/api/rooms", a.token,
                           json::object{{"name", "x"}, {"member_ids", json::array{"424242"}}})),
            "not_found");
}

TEST(Rooms, JoinPublicRoomReachesEveryTabAtOnce) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  auto room = h.create_room(a, "general");
  const auto rid = std::stoll(room);
  ASSERT_FALSE(h.connect("a1", a.token));
  ASSERT_FALSE(h.connect("b1", b.token));
  ASSERT_FALSE(h.connect("b2", b.token));

  auto ack = h.emit("b1", "join_room", json::object{{"room_id", room}});
  ASSERT_EQ(code_of(ack), "ok") << json::serialize(ack);
  EXPECT_EQ(ack.at("room").at("role"), "member");
  EXPECT_EQ(ack.at("room").at("member_count"), 2);
  EXPECT_TRUE(h.outbox.subscribed("b1", rid));
  EXPECT_TRUE(h.outbox.subscribed("b2", rid));
  EXPECT_EQ(h.outbox.received("b2", "room_joined").size(), 1u);
  auto mj = h.outbox.received("a1", "member_joined");
  ASSERT_EQ(mj.size(), 1u);
  EXPECT_EQ(mj[0].payload.at("room_id"), json::value(room));
  EXPECT_EQ(mj[0].payload.at("user").at("id"), json::value(b.id_s));

  // Joining again changes nothing and notifies nobody.
  h.outbox.clear();
  EXPECT_EQ(code_of(h.emit("b2", "join_room", json::object{{"room_id", room}})), "ok");
  EXPECT_TRUE(h.outbox.received("a1").empty());
  EXPECT_EQ(member_count(h, room), 2);

  // Leaving unsubscribes every tab; the room hears member_left.
  h.outbox.clear();
  ASSERT_EQ(code_of(h.emit("b1", "leave_room", json::object{{"room_id", room}})), "ok");
  EXPECT_FALSE(h.outbox.subscribed("b1", rid));
  EXPECT_FALSE(h.outbox.subscribed("b2", rid));
  EXPECT_EQ(h.outbox.received("b2", "room_left").size(), 1u);
  auto ml = h.outbox.received("a1", "member_left");
  ASSERT_EQ(ml.size(), 1u);
  EXPECT_EQ(ml[0].payload.at("user_id"), json::value(b.id_s));
  EXPECT_TRUE(h.outbox.received("b1", "member_left").empty());
  EXPECT_EQ(member_count(h, room), 1);
}

TEST(Rooms, PrivateRoomsNeedAnInvite) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  auto c = h.register_user("carol");
  auto room = h.create_room(a, "secret", "private", json::array{b.id_s});
  ASSERT_FALSE(h.connect("c1", c.token));
  EXPECT_EQ(code_of(h.emit("c1", "join_room", json::object{{"room_id", room}})), "forbidden");
  EXPECT_EQ(code_of(h.rest("GET", "/api/rooms/:id", c.token, nullptr, {{"id", room}})),
            "forbidden");
  // A plain member may not invite to a private room; the owner may.
  EXPECT_EQ(code_of(h.rest("POST", "/api/rooms/:id/members", b.token,
                           json::object{{"user_ids", json::array{c.id_s}}}, {{"id", room}})),
            "forbidden");
  EXPECT_EQ(member_count(h, room), 2);
  auto r = h.rest("POST", "/api/rooms/:id/members", a.token,
                  json::object{{"user_ids", json::array{c.id_s}}}, {{"id", room}});
  ASSERT_EQ(r.status, 200u) << json::serialize(r.body);
  EXPECT_EQ(r.body.at("room").at("member_count"), 3);
  EXPECT_TRUE(h.outbox.subscribed("c1", std::stoll(room)));
  EXPECT_EQ(h.outbox.received("c1", "room_joined").size(), 1u);
  EXPECT_EQ(code_of(h.emit("c1", "join_room", json::object{{"room_id", room}})), "ok");

  auto members = h.rest("GET", "/api/rooms/:id/members", c.token, nullptr, {{"id", room}});
  ASSERT_EQ(members.status, 200u);
  ASSERT_EQ(members.body.at("members").as_array().size(), 3u);
  int owners = 0;
  for (const auto& m : members.body.at("members").as_array())
    owners += m.at("role") == "owner" ? 1 : 0;
  EXPECT_EQ(owners, 1);
}

TEST(Rooms, KickRules) {
  Harness h;
  auto owner = h.register_user("owner");
  auto admin = h.register_user("admin");
  auto m1 = h.register_user("member1");
  auto m2 = h.register_user("member2");
  auto room = h.create_room(owner, "team", "public", json::array{admin.id_s, m1.id_s, m2.id_s});
  h.write_store(
      [&](store::Connection& c) { c.set_role(std::stoll(room), admin.id, store::Role::admin); });
  ASSERT_FALSE(h.connect("m2", m2.token));
  auto kick = [&](const TestUser& by, const TestUser& who) {
    return code_of(h.rest("DELETE", "/api/rooms/:id/members/:user_id", by.token, nullptr,
                          {{"id", room}, {"user_id", who.id_s}}));
  };
  EXPECT_EQ(kick(m1, m2), "forbidden");
  EXPECT_EQ(kick(admin, owner), "forbidden");
  EXPECT_EQ(member_count(h, room), 4);
  EXPECT_EQ(kick(admin, m2), "ok");
  EXPECT_EQ(h.outbox.received("m2", "room_left").size(), 1u);
  EXPECT_FALSE(h.outbox.subscribed("m2", std::stoll(room)));
  EXPECT_EQ(kick(admin, m2), "not_found");  // no longer a member
  EXPECT_EQ(kick(owner, admin), "ok");
  EXPECT_EQ(kick(m1, m1), "ok");  // leave
  EXPECT_EQ(member_count(h, room), 1);
}

TEST(Rooms, PatchByAdminsOnlyAndArchiveMakesReadOnly) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  auto room = h.create_room(a, "general", "public", json::array{b.id_s});
  ASSERT_FALSE(h.connect("a1", a.token));
  ASSERT_FALSE(h.connect("b1", b.token));
  auto denied =
      h.rest("PATCH", "/api/rooms/:id", b.token, json::object{{"name", "mine"}}, {{"id", room}});
  EXPECT_EQ(code_of(denied), "forbidden");
  EXPECT_EQ(
      h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(room)); })->name,
      "general");
  auto r = h.rest("PATCH", "/api/rooms/:id", a.token,
                  json::object{{"name", "renamed"}, {"description", "new"}}, {{"id", room}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.at("room").at("name"), "renamed");
  auto upd = h.outbox.received("b1", "room_updated");
  ASSERT_EQ(upd.size(), 1u);
  EXPECT_EQ(upd[0].payload.at("room").at("name"), "renamed");
  EXPECT_EQ(upd[0].payload.at("room").at("role"), "member");  // each member's own view
  EXPECT_EQ(h.outbox.received("a1", "room_updated")[0].payload.at("room").at("role"), "owner");
  EXPECT_EQ(code_of(h.rest("PATCH", "/api/rooms/:id", a.token, json::object{{"archived", "yes"}},
                           {{"id", room}})),
            "invalid");

  ASSERT_EQ(code_of(h.send("b1", room, "before archive", "m1")), "ok");
  ASSERT_EQ(
      h.rest("PATCH", "/api/rooms/:id", a.token, json::object{{"archived", true}}, {{"id", room}})
          .status,
      200u);
  EXPECT_EQ(code_of(h.send("b1", room, "after archive", "m2")), "forbidden");
  EXPECT_EQ(code_of(h.send("a1", room, "after archive", "m3")), "forbidden");
  EXPECT_EQ(h.read_store([&](store::Connection& c) { return c.room_by_id(std::stoll(room)); })->rev,
            1);
  // History stays readable; un-archiving works.
  auto hist = h.rest("GET", "/api/rooms/:id/messages", b.token, nullptr, {{"id", room}});
  EXPECT_EQ(hist.body.at("messages").as_array().size(), 1u);
  ASSERT_EQ(
      h.rest("PATCH", "/api/rooms/:id", a.token, json::object{{"archived", false}}, {{"id", room}})
          .status,
      200u);
  EXPECT_EQ(code_of(h.send("b1", room, "back", "m4")), "ok");
}

TEST(Rooms, ListFiltersByTypeAndShowsWhatTheCallerMaySee) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  h.create_room(a, "pub");
  h.create_room(a, "priv", "private");
  h.rest("POST", "/api/direct-messages", a.token,
         json::object{{"participant_ids", json::array{b.id_s}}});
  auto all = h.rest("GET", "/api/rooms", a.token);
  EXPECT_EQ(all.body.at("rooms").as_array().size(), 3u);
  auto dms = h.rest("GET", "/api/rooms", a.token, nullptr, {}, {{"type", "dm"}});
  ASSERT_EQ(dms.body.at("rooms").as_array().size(), 1u);
  EXPECT_EQ(dms.body.at("rooms").at(0).at("participants").as_array().size(), 2u);
  // bob sees the public room (not a member: role null) and the DM, not the private room.
  auto bobs = h.rest("GET", "/api/rooms", b.token);
  ASSERT_EQ(bobs.body.at("rooms").as_array().size(), 2u);
  auto pub = h.rest("GET", "/api/rooms", b.token, nullptr, {}, {{"type", "public"}});
  ASSERT_EQ(pub.body.at("rooms").as_array().size(), 1u);
  EXPECT_TRUE(pub.body.at("rooms").at(0).at("role").is_null());
  EXPECT_EQ(code_of(h.rest("GET", "/api/rooms", b.token, nullptr, {}, {{"type", "secret"}})),
            "invalid");
}

TEST(Rooms, DirectMessagesAreFoundAgainForTheSameParticipants) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  auto c = h.register_user("carol");
  ASSERT_FALSE(h.connect("b1", b.token));
  auto first = h.rest("POST", "/api/direct-messages", a.token,
                      json::object{{"participant_ids", json::array{b.id_s}}});
  ASSERT_EQ(first.status, 200u) << json::serialize(first.body);
  const auto& conv = first.body.at("conversation").as_object();
  EXPECT_EQ(conv.at("type"), "dm");
  EXPECT_TRUE(conv.at("last_message").is_null());
  const std::string dm(conv.at("id").as_string());
  EXPECT_EQ(h.outbox.received("b1", "room_joined").size(), 1u);
  EXPECT_TRUE(h.outbox.subscribed("b1", std::stoll(dm)));

  auto again = h.rest("POST", "/api/direct-messages", b.token,
                      json::object{{"participant_ids", json::array{a.id_s}}});
  EXPECT_EQ(again.body.at("conversation").at("id"), json::value(dm));
  auto group = h.rest("POST", "/api/direct-messages", a.token,
                      json::object{{"participant_ids", json::array{c.id_s, b.id_s}}});
  EXPECT_NE(group.body.at("conversation").at("id"), json::value(dm));

  // Sending with dm_id; the list shows last_message and unread_count.
  json::object p{{"dm_id", dm}, {"content", "hi bob"}, {"client_msg_id", "x1"}};
  ASSERT_EQ(code_of(h.emit("b1", "send_message", p)), "ok");
  auto list = h.rest("GET", "/api/direct-messages", a.token);
  ASSERT_EQ(list.status, 200u);
  const auto& convs = list.body.at("conversations").as_array();
  ASSERT_EQ(convs.size(), 2u);
  EXPECT_EQ(convs[0].at("id"), json::value(dm));  // most recent activity first
  EXPECT_EQ(convs[0].at("last_message").at("content"), "hi bob");
  EXPECT_EQ(convs[0].at("unread_count"), 1);
  EXPECT_EQ(convs[0].at("participants").as_array().size(), 2u);

  // Outsiders cannot read or write a DM; DM membership is fixed.
  ASSERT_FALSE(h.connect("c1", c.token));
  json::object pc{{"dm_id", dm}, {"content", "let me in"}, {"client_msg_id", "x2"}};
  EXPECT_EQ(code_of(h.emit("c1", "send_message", pc)), "forbidden");
  EXPECT_EQ(code_of(h.rest("POST", "/api/rooms/:id/members", a.token,
                           json::object{{"user_ids", json::array{c.id_s}}}, {{"id", dm}})),
            "invalid");
  EXPECT_EQ(code_of(h.rest("POST", "/api/direct-messages", a.token,
                           json::object{{"participant_ids", json::array{"999999"}}})),
            "not_found");
  EXPECT_EQ(code_of(h.rest("POST", "/api/direct-messages", a.token,
                           json::object{{"participant_ids", "bob"}})),
            "invalid");
}

}  // namespace
}  // namespace parlor::chat::testing
