// IoPool: N single-threaded io_contexts.
#include "net/io_pool.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <string>

namespace parlor::net {

IoPool::IoPool(unsigned threads) {
  // The chat domain and the storage writer have threads of their own; leaving
  // them a core took the 2-core bench machine from 72,000 to 120,000
  // sustained deliveries/s (docs/BENCHMARKS.md).
  if (threads == 0) {
    const unsigned cores = std::thread::hardware_concurrency();  // 0 when unknown
    threads = cores > 1 ? cores - 1 : 1;
  }
  for (unsigned i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
}

IoPool::~IoPool() {
  stop();
}

boost::asio::io_context& IoPool::next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

std::size_t IoPool::index_of(const boost::asio::any_io_executor& ex) const {
  for (std::size_t i = 0; i < contexts_.size(); ++i)
    if (ex == boost::asio::any_io_executor(contexts_[i]->get_executor())) return i;
  return contexts_.size();
}

void IoPool::start() {
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get(), n = threads_.size()] {
      std::string name = "parlor-io-" + std::to_string(n);
      pthread_setname_np(pthread_self(), name.c_str());
      for (;;) {
        try {
          c->run();
          return;
        } catch (const std::exception& e) {
          // A handler must not throw; log and keep the loop alive.
          spdlog::error("uncaught exception on an I/O thread: {}", e.what());
        }
      }
    });
  }
}

void IoPool::stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace parlor::net
