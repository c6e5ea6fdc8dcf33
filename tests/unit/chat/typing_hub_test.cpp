// Typing announcements: payload, recipients (the typist's own connections
// excluded), and wake-ups driven by an injected clock.
#include "chat/typing/hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "chat/alarm_thread.hpp"
#include "presence_fake_outbox.hpp"

namespace parlor::chat::typing {
namespace {

using testing::RecordingOutbox;
using testing::Sent;

struct Fixture {
  RecordingOutbox out;
  store::TimeMs now = 1000;
  std::vector<store::TimeMs> wakes;
  Hub hub{out, [this] { return now; }, [this](store::TimeMs at) { wakes.push_back(at); }, 5000};

  std::vector<bool> flags() const {
    std::vector<bool> r;
    for (const auto& s : out.of("user_typing")) r.push_back(s.payload.at("typing").as_bool());
    return r;
  }
};

TEST(TypingHub, AnnouncesToTheRoomButTheTypist) {
  Fixture f;
  f.hub.start("a", 10, 1, "alice");
  ASSERT_EQ(f.out.sent.size(), 1u);
  const Sent& s = f.out.sent[0];
  EXPECT_EQ(s.how, "room_except_user");
  EXPECT_EQ(s.target, "10");
  EXPECT_EQ(s.except, "1");
  EXPECT_EQ(s.payload.at("room_id").as_string(), "10");
  EXPECT_EQ(s.payload.at("user_id").as_string(), "1");
  EXPECT_EQ(s.payload.at("username").as_string(), "alice");
  EXPECT_TRUE(s.payload.at("typing").as_bool());
}

TEST(TypingHub, AtMostOneOnAndOneOffPerEpisode) {
  Fixture f;
  f.hub.start("a", 10, 1, "alice");
  f.now += 1000;
  f.hub.start("a", 10, 1, "alice");
  f.hub.start("b", 10, 1, "alice");
  f.hub.stop("a", 10, 1);
  f.hub.stop("b", 10, 1);
  f.hub.stop("b", 10, 1);
  EXPECT_EQ(f.flags(), (std::vector<bool>{true, false}));
  EXPECT_EQ(f.out.of("user_typing")[1].payload.at("username").as_string(), "alice");
}

TEST(TypingHub, TimesOutWhenTheWakeUpComes) {
  Fixture f;
  f.hub.start("a", 10, 1, "alice");
  ASSERT_EQ(f.wakes, (std::vector<store::TimeMs>{6000}));
  f.now = 4000;
  f.hub.start("a", 10, 1, "alice");  // later deadline: the pending wake-up stays
  EXPECT_EQ(f.wakes.size(), 1u);
  f.now = 6000;
  f.hub.expire();
  EXPECT_EQ(f.flags(), (std::vector<bool>{true}));
  EXPECT_EQ(f.wakes.back(), 9000);
  f.now = 9000;
  f.hub.expire();
  EXPECT_EQ(f.flags(), (std::vector<bool>{true, false}));
  EXPECT_FALSE(f.hub.typing(10, 1));
}

TEST(TypingHub, RefreshOnlyWhileAlreadyTyping) {
  Fixture f;
  EXPECT_FALSE(f.hub.refresh("a", 10, 1));
  EXPECT_TRUE(f.out.sent.empty());
  f.hub.start("a", 10, 1, "alice");
  f.now = 5000;
  EXPECT_TRUE(f.hub.refresh("b", 10, 1));  // another tab joins the same episode
  f.now = 6000;
  f.hub.expire();  // tab a timed out, tab b types until 10000
  EXPECT_TRUE(f.hub.typing(10, 1));
  f.now = 10000;
  f.hub.expire();
  EXPECT_EQ(f.flags(), (std::vector<bool>{true, false}));
}

TEST(TypingHub, SendAndDisconnectEndTyping) {
  Fixture f;
  f.hub.start("a", 10, 1, "alice");
  f.hub.start("b", 11, 2, "bob");
  f.hub.clear(10, 1);
  f.hub.clear(10, 1);
  f.hub.disconnected("b");
  f.hub.disconnected("b");
  EXPECT_EQ(f.flags(), (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(f.out.sent[3].payload.at("username").as_string(), "bob");
}

TEST(TypingHub, EarlierDeadlineRearms) {
  RecordingOutbox out;
  store::TimeMs now = 0;
  std::vector<store::TimeMs> wakes;
  Hub hub{out, [&] { return now; }, [&](store::TimeMs at) { wakes.push_back(at); }, 5000};
  hub.start("a", 10, 1, "alice");
  now = 100;
  hub.expire();  // an early ring ends nothing and asks again
  EXPECT_EQ(wakes, (std::vector<store::TimeMs>{5000, 5000}));
  EXPECT_TRUE(hub.typing(10, 1));
}

// The production wake-up: rings after the armed time, on its own thread.
TEST(TypingAlarmThread, RingsOnceArmedTimeHasPassed) {
  std::atomic<store::TimeMs> now{0};
  std::atomic<int> rings{0};
  AlarmThread alarm([&] { return now.load(); }, [&] { ++rings; });
  alarm.arm(0);
  while (rings.load() == 0) std::this_thread::yield();
  alarm.stop();
  EXPECT_EQ(rings.load(), 1);
}

}  // namespace
}  // namespace parlor::chat::typing
