// A pool of I/O threads, one io_context each. A connection is bound to one
// context for its whole life; other threads talk to it by posting.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace parlor::net {

class IoPool {
 public:
  // threads == 0 means one per core but one (at least one).
  explicit IoPool(unsigned threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t i) { return *contexts_[i]; }
  // Round-robin choice for a new connection; thread-safe.
  boost::asio::io_context& next();
  // The index of the context behind `ex`, or size() if it is not one of ours.
  std::size_t index_of(const boost::asio::any_io_executor& ex) const;

  void start();  // spawns the threads
  void stop();   // stops every context (pending handlers are dropped) and joins
  bool running() const { return !threads_.empty(); }

 private:
  using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace parlor::net
