// Signal-driven ordered shutdown.
#include "net/shutdown.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>
#include <future>
#include <thread>

namespace parlor::net {

int run_until_signal(IoPool& pool, Server& http, const std::function<void()>& begin_close,
                     const std::function<bool()>& drained, std::chrono::milliseconds grace) {
  boost::asio::signal_set signals(pool.context(0), SIGINT, SIGTERM);
  std::promise<int> got;
  signals.async_wait(
      [&got](const boost::system::error_code& ec, int signo) { got.set_value(ec ? 0 : signo); });
  if (!pool.running()) pool.start();
  int signo = got.get_future().get();
  spdlog::info("signal {}: shutting down (grace {} ms)", signo, grace.count());
  auto deadline = std::chrono::steady_clock::now() + grace;
  http.set_ready(false);
  http.stop_accepting();
  if (begin_close) begin_close();
  while (std::chrono::steady_clock::now() < deadline && drained && !drained())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Let the last close frames and responses reach the wire.
  using clock = std::chrono::steady_clock;
  clock::duration left = deadline - clock::now();
  clock::duration settle = std::chrono::milliseconds(100);
  if (left < settle) settle = left > clock::duration::zero() ? left : clock::duration::zero();
  std::this_thread::sleep_for(settle);
  pool.stop();
  return signo;
}

}  // namespace parlor::net
