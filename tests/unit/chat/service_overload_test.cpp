// Service: a full storage queue is answered rate_limited and changes nothing.
#include <gtest/gtest.h>

#include <thread>

#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

TEST(Overload, FullWriteQueueIsAnsweredRateLimited) {
  store::ExecutorOptions eo;
  eo.max_queue = 4;
  Harness h({}, eo);
  auto a = h.register_user("alice");
  auto room = h.create_room(a, "general");
  ASSERT_FALSE(h.connect("a1", a.token));

  // Hold the writer inside a job, then fill the queue.
  std::promise<void> started, release;
  auto released = release.get_future().share();
  auto blocker = [&started, released](store::Connection&) {
    started.set_value();
    released.wait();
  };
  while (!h.executor().submit_write(blocker, [](std::exception_ptr) {})) std::this_thread::yield();
  started.get_future().wait();
  std::atomic<int> fillers_done{0};
  int fillers = 0;
  while (h.executor().submit_write([](store::Connection&) {},
                                   [&fillers_done](std::exception_ptr) { ++fillers_done; }))
    ++fillers;

  auto ack = h.send("a1", room, "overloaded", "o1");
  EXPECT_EQ(code_of(ack), "rate_limited");
  EXPECT_EQ(ack.at("error").at("retry_after_ms"), 1000);
  release.set_value();
  while (fillers_done.load() < fillers) std::this_thread::yield();  // the queue has room again

  EXPECT_EQ(code_of(h.send("a1", room, "now it fits", "o2")), "ok");
  auto msgs = h.read_store(
      [&](store::Connection& c) { return c.messages_changed_after(std::stoll(room), 0, 10); });
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].client_msg_id, "o2");
}

}  // namespace
}  // namespace parlor::chat::testing
