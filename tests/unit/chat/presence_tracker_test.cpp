// Presence state machine: transitions only when what others see changes.
#include "chat/presence/tracker.hpp"

#include <gtest/gtest.h>

namespace parlor::chat::presence {
namespace {

TEST(PresenceTracker, FirstConnectionIsOnlineOthersChangeNothing) {
  Tracker t;
  auto v = t.connected("a", 7, Profile{"", "", 100});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, Status::online);
  EXPECT_EQ(v->last_seen, 100);
  EXPECT_FALSE(t.connected("b", 7, {}));
  EXPECT_FALSE(t.connected("c", 7, {}));
  EXPECT_EQ(t.connections(7), 3u);
  EXPECT_EQ(t.online_users(), 1u);
}

TEST(PresenceTracker, OnlyTheLastCloseGoesOfflineWithLastSeen) {
  Tracker t;
  t.connected("a", 7, {});
  t.connected("b", 7, {});
  t.connected("c", 7, {});
  EXPECT_FALSE(t.disconnected("a", 1000));
  EXPECT_FALSE(t.disconnected("b", 2000));
  EXPECT_TRUE(t.online(7));
  auto v = t.disconnected("c", 3000);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, Status::offline);
  EXPECT_EQ(v->last_seen, 3000);
  EXPECT_FALSE(t.online(7));
  EXPECT_EQ(t.online_users(), 0u);
  EXPECT_EQ(t.view(7).last_seen, 3000);
}

TEST(PresenceTracker, UnknownOrRepeatedEventsChangeNothing) {
  Tracker t;
  EXPECT_FALSE(t.disconnected("nobody", 5));
  EXPECT_FALSE(t.activity("nobody", true));
  t.connected("a", 1, {});
  EXPECT_FALSE(t.connected("a", 1, {}));
  EXPECT_EQ(t.connections(1), 1u);
  EXPECT_TRUE(t.disconnected("a", 5));
  EXPECT_FALSE(t.disconnected("a", 6));
  EXPECT_EQ(t.view(1).last_seen, 5);
}

TEST(PresenceTracker, AwayOnlyWhenEveryConnectionIsIdle) {
  Tracker t;
  t.connected("a", 1, {});
  t.connected("b", 1, {});
  EXPECT_FALSE(t.activity("a", true));
  auto away = t.activity("b", true);
  ASSERT_TRUE(away);
  EXPECT_EQ(away->status, Status::away);
  EXPECT_FALSE(t.activity("b", true));  // repeated report
  auto back = t.activity("a", false);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, Status::online);
}

TEST(PresenceTracker, NewActiveTabEndsAwayAndClosingTheActiveOneRestoresIt) {
  Tracker t;
  t.connected("a", 1, {});
  ASSERT_TRUE(t.activity("a", true));
  auto v = t.connected("b", 1, {});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, Status::online);
  auto w = t.disconnected("b", 10);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->status, Status::away);
}

TEST(PresenceTracker, BusyBeatsAwayAndOfflineBeatsBusy) {
  Tracker t;
  t.connected("a", 1, {});
  t.activity("a", true);
  auto busy = t.choice_changed(1, {}, Profile{"busy", "", 0});
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, Status::busy);
  EXPECT_FALSE(t.activity("a", false));  // still busy
  auto off = t.disconnected("a", 50);
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, Status::offline);
  auto again = t.connected("b", 1, {});  // the choice is remembered
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, Status::busy);
}

TEST(PresenceTracker, StoredBusyAndCustomStatusApplyOnFirstConnect) {
  Tracker t;
  auto v = t.connected("a", 3, Profile{"busy", "in a meeting", 42});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, Status::busy);
  EXPECT_EQ(v->custom_status, "in a meeting");
  EXPECT_EQ(v->last_seen, 42);
}

TEST(PresenceTracker, CustomStatusChangeIsATransitionSameChoiceIsNot) {
  Tracker t;
  t.connected("a", 1, {});
  auto v = t.choice_changed(1, {}, Profile{"", "lunch", 0});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, Status::online);
  EXPECT_EQ(v->custom_status, "lunch");
  EXPECT_FALSE(t.choice_changed(1, {}, Profile{"", "lunch", 0}));
  auto cleared = t.choice_changed(1, {}, Profile{"", "", 0});
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->custom_status, "");
}

TEST(PresenceTracker, OfflineUserChangingChoiceUsesWhatWasStored) {
  Tracker t;
  EXPECT_FALSE(t.choice_changed(9, Profile{"", "x", 7}, Profile{"busy", "x", 7}));
  EXPECT_EQ(t.view(9).status, Status::offline);
  EXPECT_EQ(t.view(9).last_seen, 7);
  auto v = t.choice_changed(9, Profile{"busy", "x", 7}, Profile{"busy", "y", 7});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, Status::offline);
  EXPECT_EQ(v->custom_status, "y");
}

TEST(PresenceTracker, UnknownUserIsOffline) {
  Tracker t;
  EXPECT_EQ(t.view(5).status, Status::offline);
  EXPECT_FALSE(t.known(5));
  EXPECT_FALSE(t.user_of("x"));
  EXPECT_EQ(to_string(Status::away), "away");
}

TEST(PresenceTracker, UsersAreIndependent) {
  Tracker t;
  t.connected("a", 1, {});
  ASSERT_TRUE(t.connected("b", 2, {}));
  EXPECT_EQ(*t.user_of("b"), 2);
  ASSERT_TRUE(t.disconnected("a", 1));
  EXPECT_TRUE(t.online(2));
  EXPECT_EQ(t.online_users(), 1u);
}

}  // namespace
}  // namespace parlor::chat::presence
