// IoPool: threads run posted work and executors map back to their index.
#include "net/io_pool.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <future>

namespace parlor::net {
namespace {

TEST(IoPool, IndexOfFindsEachContext) {
  IoPool pool(3);
  ASSERT_EQ(pool.size(), 3u);
  for (std::size_t i = 0; i < pool.size(); ++i) {
    boost::asio::ip::tcp::socket s(pool.context(i));
    EXPECT_EQ(pool.index_of(s.get_executor()), i);
  }
  boost::asio::io_context other;
  EXPECT_EQ(pool.index_of(other.get_executor()), pool.size());
}

TEST(IoPool, RunsPostedWorkOnItsThreads) {
  IoPool pool(2);
  pool.start();
  std::promise<std::thread::id> p0, p1;
  boost::asio::post(pool.context(0), [&] { p0.set_value(std::this_thread::get_id()); });
  boost::asio::post(pool.context(1), [&] { p1.set_value(std::this_thread::get_id()); });
  auto t0 = p0.get_future().get();
  auto t1 = p1.get_future().get();
  EXPECT_NE(t0, t1);
  EXPECT_NE(t0, std::this_thread::get_id());
  pool.stop();
}

}  // namespace
}  // namespace parlor::net
