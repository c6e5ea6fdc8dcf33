// Typing state machine: one on and one off per episode, every way it ends.
#include "chat/typing/tracker.hpp"

#include <gtest/gtest.h>

namespace parlor::chat::typing {
namespace {

TEST(TypingTracker, StartOnceRefreshSilentStopOnce) {
  Tracker t(5000);
  EXPECT_EQ(t.start(10, 1, "a", 0), (Change{10, 1, true}));
  EXPECT_FALSE(t.start(10, 1, "a", 1000));
  EXPECT_FALSE(t.start(10, 1, "a", 2000));
  EXPECT_TRUE(t.typing(10, 1));
  EXPECT_EQ(t.stop(10, 1, "a"), (Change{10, 1, false}));
  EXPECT_FALSE(t.stop(10, 1, "a"));
  EXPECT_FALSE(t.typing(10, 1));
  EXPECT_FALSE(t.next_deadline());
}

TEST(TypingTracker, EndsFiveSecondsAfterTheLastStart) {
  Tracker t(5000);
  t.start(10, 1, "a", 0);
  t.start(10, 1, "a", 3000);
  EXPECT_EQ(t.next_deadline(), store::TimeMs{8000});
  EXPECT_TRUE(t.expire(7999).empty());
  auto ended = t.expire(8000);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], (Change{10, 1, false}));
  EXPECT_TRUE(t.expire(100000).empty());
  EXPECT_EQ(t.typists(), 0u);
}

TEST(TypingTracker, TwoTabsTypingEndsWhenBothStop) {
  Tracker t(5000);
  EXPECT_TRUE(t.start(10, 1, "a", 0));
  EXPECT_FALSE(t.start(10, 1, "b", 100));
  EXPECT_FALSE(t.stop(10, 1, "a"));
  EXPECT_TRUE(t.typing(10, 1));
  EXPECT_EQ(t.stop(10, 1, "b"), (Change{10, 1, false}));
}

TEST(TypingTracker, DisconnectEndsOnlyWhatThatConnectionStarted) {
  Tracker t(5000);
  t.start(10, 1, "a", 0);
  t.start(11, 1, "a", 0);
  t.start(11, 1, "b", 0);
  t.start(10, 2, "c", 0);
  auto ended = t.disconnected("a");
  ASSERT_EQ(ended.size(), 1u);  // room 11 goes on in tab b
  EXPECT_EQ(ended[0], (Change{10, 1, false}));
  EXPECT_TRUE(t.typing(11, 1));
  EXPECT_TRUE(t.typing(10, 2));
  EXPECT_TRUE(t.disconnected("a").empty());
  EXPECT_TRUE(t.disconnected("never").empty());
}

TEST(TypingTracker, ClearEndsEveryTabAtOnce) {
  Tracker t(5000);
  t.start(10, 1, "a", 0);
  t.start(10, 1, "b", 0);
  EXPECT_EQ(t.clear(10, 1), (Change{10, 1, false}));
  EXPECT_FALSE(t.clear(10, 1));
  EXPECT_TRUE(t.disconnected("a").empty());
  EXPECT_TRUE(t.expire(1'000'000).empty());
}

TEST(TypingTracker, ExpiryIsPerConnection) {
  Tracker t(5000);
  t.start(10, 1, "a", 0);
  t.start(10, 1, "b", 4000);
  EXPECT_TRUE(t.expire(5000).empty());  // tab a timed out, tab b still types
  EXPECT_TRUE(t.typing(10, 1));
  EXPECT_EQ(t.next_deadline(), store::TimeMs{9000});
  EXPECT_EQ(t.expire(9000).size(), 1u);
}

TEST(TypingTracker, ManyTypistsExpireTogether) {
  Tracker t(5000);
  for (store::Id u = 1; u <= 20; ++u) t.start(10, u, "c" + std::to_string(u), 0);
  EXPECT_FALSE(t.start(10, 3, "c3", 10));
  EXPECT_EQ(t.expire(5000).size(), 19u);
  EXPECT_EQ(t.expire(5010).size(), 1u);
}

}  // namespace
}  // namespace parlor::chat::typing
