// Presence fan-out: one presence_update per transition, to online users who
// share a room, in transition order, with an injected clock and lookup.
#include "chat/presence/hub.hpp"

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "presence_fake_outbox.hpp"

namespace parlor::chat::presence {
namespace {

using testing::RecordingOutbox;
using testing::Sent;

struct Lookups {
  std::map<store::Id, std::vector<store::Id>> audience;  // user -> who shares a room
  std::vector<std::pair<store::Id, Hub::Recipients>> waiting;
  bool deferred = false;

  Hub::AudienceLookup fn() {
    return [this](store::Id user, Hub::Recipients done) {
      if (deferred) {
        waiting.emplace_back(user, std::move(done));
      } else {
        done(audience[user]);
      }
    };
  }
  void finish_all() {
    auto w = std::move(waiting);
    waiting.clear();
    for (auto& [user, done] : w) done(audience[user]);
  }
};

struct Fixture {
  RecordingOutbox out;
  Lookups lookups;
  store::TimeMs now = 1'700'000'000'000;
  std::vector<std::pair<store::Id, store::TimeMs>> saved;
  Hub hub{out, lookups.fn(), [this](store::Id u, store::TimeMs t) { saved.emplace_back(u, t); },
          [this] { return now; }};

  std::vector<Sent> updates_to(store::Id user) const {
    std::vector<Sent> r;
    for (const Sent& s : out.of("presence_update")) {
      if (s.target == std::to_string(user)) r.push_back(s);
    }
    return r;
  }
};

std::string field(const Sent& s, const char* name) {
  const auto& v = s.payload.as_object().at(name);
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

TEST(PresenceHub, ThreeTabsCloseTwoNothingCloseLastOneOffline) {
  Fixture f;
  f.lookups.audience[1] = {1, 2};
  f.hub.connected("watcher", 2, {});
  f.out.sent.clear();

  f.hub.connected("t1", 1, {});
  f.hub.connected("t2", 1, {});
  f.hub.connected("t3", 1, {});
  ASSERT_EQ(f.updates_to(2).size(), 1u);
  EXPECT_EQ(field(f.updates_to(2)[0], "status"), "online");
  EXPECT_EQ(field(f.updates_to(2)[0], "user_id"), "1");

  f.now += 5000;
  f.hub.disconnected("t1");
  f.hub.disconnected("t2");
  EXPECT_EQ(f.updates_to(2).size(), 1u);
  EXPECT_TRUE(f.saved.empty());
  EXPECT_EQ(f.hub.status(1), "online");

  f.now += 1234;
  f.hub.disconnected("t3");
  auto ups = f.updates_to(2);
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_EQ(field(ups[1], "status"), "offline");
  EXPECT_EQ(field(ups[1], "last_seen"), "2023-11-14T22:13:26.234Z");
  ASSERT_EQ(f.saved.size(), 1u);
  EXPECT_EQ(f.saved[0], std::make_pair(store::Id{1}, f.now));
  EXPECT_EQ(f.hub.status(1), "offline");
}

TEST(PresenceHub, OnlyOnlineAudienceOnceEachTheUserIncluded) {
  Fixture f;
  f.lookups.audience[1] = {1, 2, 3, 2, 1};  // 3 is offline; duplicates from several rooms
  f.hub.connected("w", 2, {});
  f.out.sent.clear();
  f.hub.connected("a", 1, {});
  auto ups = f.out.of("presence_update");
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_EQ(ups[0].target, "1");
  EXPECT_EQ(ups[1].target, "2");
}

TEST(PresenceHub, UpdatesKeepTransitionOrderAcrossASlowLookup) {
  Fixture f;
  f.lookups.audience[1] = {1, 2};
  f.hub.connected("w", 2, {});
  f.out.sent.clear();
  f.lookups.deferred = true;

  f.hub.connected("a", 1, {});
  f.hub.activity("a", true);
  f.hub.disconnected("a");
  EXPECT_EQ(f.lookups.waiting.size(), 1u);  // one lookup in flight per user
  EXPECT_TRUE(f.out.sent.empty());
  f.lookups.finish_all();
  ASSERT_EQ(f.updates_to(2).size(), 1u);
  EXPECT_EQ(f.lookups.waiting.size(), 1u);  // the two queued behind it share the next
  f.lookups.audience[1] = {1};              // membership changed meanwhile: 2 left
  f.lookups.finish_all();
  EXPECT_EQ(f.updates_to(2).size(), 1u);
  EXPECT_TRUE(f.lookups.waiting.empty());
  f.lookups.audience[1] = {1, 2};
  f.hub.connected("a2", 1, {});
  f.lookups.finish_all();
  f.hub.activity("a2", true);
  f.lookups.finish_all();
  f.hub.disconnected("a2");
  f.lookups.finish_all();
  auto ups = f.updates_to(2);
  ASSERT_EQ(ups.size(), 4u);
  EXPECT_EQ(field(ups[0], "status"), "online");
  EXPECT_EQ(field(ups[1], "status"), "online");
  EXPECT_EQ(field(ups[2], "status"), "away");
  EXPECT_EQ(field(ups[3], "status"), "offline");

  f.hub.connected("b", 1, {});  // the chain is free again: a new lookup starts
  EXPECT_EQ(f.lookups.waiting.size(), 1u);
  f.lookups.finish_all();
  EXPECT_EQ(f.updates_to(2).size(), 5u);
}

TEST(PresenceHub, StatusForARecordTakesItsBusyChoice) {
  Fixture f;
  store::UserRecord u;
  u.id = 1;
  EXPECT_EQ(f.hub.status(u), "offline");
  f.hub.connected("a", 1, {});
  EXPECT_EQ(f.hub.status(u), "online");
  f.hub.activity("a", true);
  EXPECT_EQ(f.hub.status(u), "away");
  u.status = "busy";  // just stored, the hub not told yet
  EXPECT_EQ(f.hub.status(u), "busy");
  EXPECT_EQ(f.hub.status(1), "away");
}

TEST(PresenceHub, EmptyAudienceStillFreesTheChain) {
  Fixture f;
  f.hub.connected("a", 1, {});
  f.hub.disconnected("a");
  f.lookups.audience[1] = {1, 2};
  f.hub.connected("w", 2, {});
  f.out.sent.clear();
  f.hub.connected("b", 1, {});
  EXPECT_EQ(f.updates_to(2).size(), 1u);
}

TEST(PresenceHub, BusyAndCustomStatusGoOutAndShowInViews) {
  Fixture f;
  f.lookups.audience[1] = {1, 2};
  f.hub.connected("w", 2, {});
  f.hub.connected("a", 1, Profile{"", "", 0});
  f.out.sent.clear();
  f.hub.choice_changed(1, {}, Profile{"busy", "focus", 0});
  auto ups = f.updates_to(2);
  ASSERT_EQ(ups.size(), 1u);
  EXPECT_EQ(field(ups[0], "status"), "busy");
  EXPECT_EQ(field(ups[0], "custom_status"), "focus");
  EXPECT_EQ(field(ups[0], "last_seen"), "null");
  f.hub.activity("a", true);  // busy stays busy: no update
  EXPECT_EQ(f.updates_to(2).size(), 1u);

  store::UserRecord stored;
  stored.id = 1;
  stored.custom_status = "stale";
  EXPECT_EQ(f.hub.view(stored).custom_status, "focus");
  store::UserRecord never_seen;
  never_seen.id = 44;
  never_seen.last_seen = 99;
  never_seen.custom_status = "away on holiday";
  View v = f.hub.view(never_seen);
  EXPECT_EQ(v.status, Status::offline);
  EXPECT_EQ(v.last_seen, 99);
  EXPECT_EQ(v.custom_status, "away on holiday");
}

TEST(PresenceHub, UserOfConnection) {
  Fixture f;
  f.hub.connected("a", 5, {});
  EXPECT_EQ(f.hub.user_of("a"), store::Id{5});
  EXPECT_TRUE(f.hub.online(5));
  f.hub.disconnected("a");
  EXPECT_FALSE(f.hub.user_of("a"));
  EXPECT_FALSE(f.hub.online(5));
}

TEST(PresenceHub, UpdateJsonShape) {
  auto o = update_json(View{12, Status::away, 0, "brb"});
  EXPECT_EQ(o.at("user_id").as_string(), "12");
  EXPECT_EQ(o.at("status").as_string(), "away");
  EXPECT_TRUE(o.at("last_seen").is_null());
  EXPECT_EQ(o.at("custom_status").as_string(), "brb");
  EXPECT_EQ(update_json(View{1, Status::offline, 86'400'001, ""}).at("last_seen").as_string(),
            "1970-01-02T00:00:00.001Z");
}

}  // namespace
}  // namespace parlor::chat::presence
