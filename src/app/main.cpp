// parlor: load the configuration, build the server, run until a signal.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include "app/chat_app.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "eio/server.hpp"
#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/metrics.hpp"
#include "net/shutdown.hpp"
#include "sio/server.hpp"

namespace {

// Many sockets need many descriptors: take whatever the hard limit allows.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  rlim_t before = lim.rlim_cur;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) lim.rlim_cur = before;
  }
  // Everything but the sockets: database, WAL and its index per connection,
  // listeners, epoll and eventfds per I/O thread, logs. 64 covers them.
  constexpr rlim_t reserved = 64;
  spdlog::info("open file limit: {} (was {}, hard limit {}): room for about {} sockets",
               lim.rlim_cur, before, lim.rlim_max,
               lim.rlim_cur > reserved ? lim.rlim_cur - reserved : 0);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace parlor;
  int exit_code = 0;
  auto config = core::parse_config(argc, argv, exit_code);
  if (!config) return exit_code;
  core::init_logging(config->log_format, config->log_level);
  if (auto note = core::fit_payload_to_limits(*config)) spdlog::warn("{}", *note);
  spdlog::info("parlor {} starting on {}:{}", PARLOR_VERSION, config->listen_host,
               config->listen_port);
  raise_fd_limit();

  // Declared first: connections still decrement gauges while the pool is
  // destroyed.
  net::Metrics metrics;
  net::IoPool pool(config->io_threads);

  net::ServerOptions http_opts;
  http_opts.host = config->listen_host;
  http_opts.port = config->listen_port;
  http_opts.max_header_bytes = config->max_header_bytes;
  http_opts.max_body_bytes = config->max_body_bytes;
  http_opts.read_timeout_ms = config->http_read_timeout_ms;
  http_opts.cors_origin = config->cors_origin;
  http_opts.web_root = config->web_root;
  net::Server http(pool, metrics, http_opts);

  eio::Options eio_opts;
  eio_opts.ping_interval = std::chrono::milliseconds(config->ping_interval_ms);
  eio_opts.ping_timeout = std::chrono::milliseconds(config->ping_timeout_ms);
  eio_opts.max_payload = config->max_payload;
  eio_opts.max_send_queue_bytes = config->max_send_queue_bytes;
  eio::Server engine(pool, metrics, eio_opts);
  sio::Server io(engine, pool, metrics);
  io.of("/");  // accepts every CONNECT until the chat domain installs its handlers
  http.mount(engine.mount("/socket.io/"));

  std::unique_ptr<app::ChatApp> chat;
  try {
    chat = std::make_unique<app::ChatApp>(*config, io.of("/"), http, metrics);
  } catch (const std::exception& e) {
    spdlog::error("cannot start: {}", e.what());
    return 1;
  }

  if (auto ec = http.listen()) {
    spdlog::error("cannot listen on {}:{}: {}", config->listen_host, config->listen_port,
                  ec.message());
    return 1;
  }
  spdlog::info("listening on http://{}:{} with {} I/O threads", config->listen_host, http.port(),
               pool.size());
  net::run_until_signal(
      pool, http, [&] { engine.close_all(); }, [&] { return engine.session_count() == 0; },
      std::chrono::milliseconds(config->shutdown_grace_ms));
  chat->stop();
  spdlog::info("stopped");
  return 0;
}
