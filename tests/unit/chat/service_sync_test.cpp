// Service: paging through `sync` after a random mix of changes yields every
// changed message once, in its final state, in rev order, and ends at the
// room's rev; every broadcast carried the next rev.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

TEST(SyncPaging, RandomChangesCatchUpExactly) {
  Harness h;
  auto a = h.register_user("alice");
  auto b = h.register_user("bob");
  auto room = h.create_room(a, "general", "public", json::array{b.id_s});
  ASSERT_FALSE(h.connect("a1", a.token));
  ASSERT_FALSE(h.connect("b1", b.token));

  std::mt19937 rng(12345);
  std::vector<std::string> ids;
  int cmid = 0;
  for (int step = 0; step < 150; ++step) {
    const char* conn = rng() % 2 ? "a1" : "b1";
    const int op = ids.empty() ? 0 : int(rng() % 6);
    const std::string target = ids.empty() ? "" : ids[rng() % ids.size()];
    json::object ack;
    switch (op) {
      case 0:
      case 1: {
        json::value parent = nullptr;
        if (op == 1) parent = json::value(target);
        ack = h.send(conn, room, "m" + std::to_string(step), "c" + std::to_string(++cmid), parent);
        if (ack.at("ok").as_bool())
          ids.push_back(std::string(ack.at("message").at("id").as_string()));
        break;
      }
      case 2:
        ack = h.emit(conn, "edit_message",
                     json::object{{"message_id", target}, {"content", "e" + std::to_string(step)}});
        break;
      case 3:
        ack = h.emit(conn, rng() % 2 ? "add_reaction" : "remove_reaction",
                     json::object{{"message_id", target}, {"emoji", rng() % 2 ? "a" : "b"}});
        break;
      case 4:
        ack = h.emit("a1", rng() % 2 ? "pin_message" : "unpin_message",
                     json::object{{"message_id", target}});
        break;
      case 5:
        if (rng() % 4 == 0)
          ack = h.emit(conn, "delete_message", json::object{{"message_id", target}});
        break;
    }
  }

  // Every broadcast bob saw carried exactly the next rev (replies: the same
  // rev also moved the root, which gets no event of its own).
  std::int64_t last = 0;
  for (const auto& r : h.outbox.received("b1")) {
    const auto& p = r.payload.as_object();
    std::int64_t rev = p.contains("message") ? p.at("message").at("rev").as_int64()
                       : p.contains("rev")   ? p.at("rev").as_int64()
                                             : -1;
    if (rev < 0) continue;
    EXPECT_EQ(rev, last + 1) << r.event;
    last = rev;
  }
  const auto final_room =
      h.read_store([&](store::Connection& c) { return *c.room_by_id(std::stoll(room)); });
  EXPECT_EQ(last, final_room.rev);

  // Catch up from several cursors with small pages.
  for (std::int64_t start : {std::int64_t(0), final_room.rev / 3, final_room.rev - 1}) {
    std::int64_t cursor = start;
    std::map<std::string, json::value> seen;
    std::int64_t prev_rev = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      json::object cursors;
      cursors[room] = cursor;
      auto ack = h.emit("b1", "sync", json::object{{"cursors", cursors}, {"limit_per_room", 3}});
      ASSERT_EQ(code_of(ack), "ok");
      const auto& page = ack.at("rooms").at(0).as_object();
      for (const auto& m : page.at("messages").as_array()) {
        auto rev = m.at("rev").as_int64();
        EXPECT_GT(rev, start);
        EXPECT_GE(rev, prev_rev);
        prev_rev = rev;
        auto id = std::string(m.at("id").as_string());
        EXPECT_FALSE(seen.contains(id)) << "message " << id << " sent twice";
        seen[id] = m;
      }
      cursor = page.at("cursor").as_int64();
      if (!page.at("has_more").as_bool()) break;
    }
    EXPECT_EQ(cursor, final_room.rev);
    // The set matches the store: every message changed after `start`, final state.
    auto expected = h.read_store([&](store::Connection& c) {
      return c.messages_changed_after(std::stoll(room), start, 100000);
    });
    EXPECT_EQ(seen.size(), expected.size());
    for (const auto& m : expected) {
      auto it = seen.find(std::to_string(m.id));
      ASSERT_NE(it, seen.end());
      EXPECT_EQ(it->second.at("rev").as_int64(), m.rev);
      EXPECT_EQ(it->second.at("content").as_string(), m.deleted ? "" : m.content);
    }
  }
}

}  // namespace
}  // namespace parlor::chat::testing
