// parlor-conformance: the protocol layer configured the way the official
// Engine.IO / Socket.IO test suites expect (../shared/conformance/README.md):
// a raw Engine.IO echo at /engine.io/, Socket.IO at /socket.io/ with the
// namespaces "/" and "/custom", pingInterval 300, pingTimeout 200,
// maxPayload 1e6, connectTimeout 1000, CORS "*". A few extra events (used
// by tests/node/protocol, silent unless called) exercise rooms, server acks
// and the send-queue bound.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/json/value_to.hpp>
#include <iostream>

#include "core/log.hpp"
#include "eio/server.hpp"
#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/metrics.hpp"
#include "net/shutdown.hpp"
#include "sio/server.hpp"

namespace json = boost::json;
using namespace parlor;

namespace {

void greet(sio::SocketHandle s, json::value auth, sio::ConnectReply reply) {
  reply.accept();
  s.emit("auth", json::array{std::move(auth)});
}

void add_test_events(sio::Namespace& ns) {
  ns.on_binary("message",
               [](sio::SocketHandle s, json::array args, sio::Attachments bins, sio::Ack) {
                 s.emit("message-back", std::move(args), std::move(bins));
               });
  ns.on_binary("message-with-ack", [](sio::SocketHandle, json::array args, sio::Attachments bins,
                                      sio::Ack ack) { ack(std::move(args), std::move(bins)); });
  // Not used by the official suites.
  ns.on("join", [&ns](sio::SocketHandle s, json::array args, sio::Ack ack) {
    if (args.empty() || !args[0].is_string()) return ack({false});
    ns.join(s.id(), std::string(args[0].as_string()));
    ack({true});
  });
  ns.on("leave", [&ns](sio::SocketHandle s, json::array args, sio::Ack ack) {
    if (args.empty() || !args[0].is_string()) return ack({false});
    ns.leave(s.id(), std::string(args[0].as_string()));
    ack({true});
  });
  // ["room", payload, exclude_self]
  ns.on("to-room", [&ns](sio::SocketHandle s, json::array args, sio::Ack ack) {
    if (args.size() < 2 || !args[0].is_string()) return ack({false});
    bool exclude_self = args.size() > 2 && args[2].is_bool() && args[2].as_bool();
    ns.emit_to_room(std::string(args[0].as_string()), "room-message", json::array{args[1]},
                    exclude_self ? s.id() : std::string());
    ack({true});
  });
  // The server asks the client for an ack and reports what came back.
  ns.on("request-ack", [](sio::SocketHandle s, json::array args, sio::Ack) {
    s.emit_with_ack("server-ask", std::move(args), [s](json::array reply, sio::Attachments) {
      s.emit("server-ask-result", std::move(reply));
    });
  });
  // [count, size]: emits `count` "flood" events of `size` bytes.
  ns.on("flood", [](sio::SocketHandle s, json::array args, sio::Ack) {
    if (args.size() < 2 || !args[0].is_int64() || !args[1].is_int64()) return;
    auto count = std::min<std::int64_t>(args[0].as_int64(), 100000);
    auto size = std::min<std::int64_t>(args[1].as_int64(), 1 << 20);
    std::string blob(static_cast<std::size_t>(std::max<std::int64_t>(size, 0)), 'x');
    for (std::int64_t i = 0; i < count; ++i) s.emit("flood", json::array{i, blob});
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Parlor's protocol layer configured for the Engine.IO/Socket.IO test suites"};
  std::string host = "127.0.0.1";
  unsigned port = 3000, threads = 2, ping_interval = 300, ping_timeout = 200,
           connect_timeout = 1000;
  std::size_t max_send_queue = 8 * 1024 * 1024, max_payload = 1000000;
  std::string log_level = "warn";
  app.add_option("--host", host, "listen address");
  app.add_option("--port", port, "listen port (0 = any free port, printed on stdout)");
  app.add_option("--threads", threads, "I/O threads");
  app.add_option("--ping-interval", ping_interval, "ms");
  app.add_option("--ping-timeout", ping_timeout, "ms");
  app.add_option("--connect-timeout", connect_timeout, "ms");
  app.add_option("--max-payload", max_payload, "bytes");
  app.add_option("--max-send-queue", max_send_queue, "bytes per socket");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error");
  CLI11_PARSE(app, argc, argv);
  core::init_logging("text", log_level);

  // Declared first: connections still decrement gauges while the pool is
  // destroyed.
  net::Metrics metrics;
  net::IoPool pool(threads);
  net::ServerOptions http_opts;
  http_opts.host = host;
  http_opts.port = static_cast<std::uint16_t>(port);
  http_opts.cors_origin = "*";
  http_opts.max_body_bytes = max_payload + 1024;
  net::Server http(pool, metrics, http_opts);

  eio::Options eio_opts;
  eio_opts.ping_interval = std::chrono::milliseconds(ping_interval);
  eio_opts.ping_timeout = std::chrono::milliseconds(ping_timeout);
  eio_opts.max_payload = max_payload;
  eio_opts.max_send_queue_bytes = max_send_queue;

  eio::Server raw(pool, metrics, eio_opts);
  raw.on_connection([](std::shared_ptr<eio::Session> session) {
    session->set_handlers({[w = std::weak_ptr<eio::Session>(session)](eio::Packet&& p) {
                             if (auto s = w.lock())
                               s->send(std::make_shared<const eio::Packet>(std::move(p)));
                           },
                           {}});
  });
  http.mount(raw.mount("/engine.io/"));

  eio::Server engine(pool, metrics, eio_opts);
  sio::Options sio_opts;
  sio_opts.connect_timeout = std::chrono::milliseconds(connect_timeout);
  sio::Server io(engine, pool, metrics, sio_opts);
  auto& main_ns = io.of("/");
  main_ns.on_connect(greet);
  add_test_events(main_ns);
  io.of("/custom").on_connect(greet);
  http.mount(engine.mount("/socket.io/"));

  if (auto ec = http.listen()) {
    spdlog::error("cannot listen on {}:{}: {}", host, port, ec.message());
    return 1;
  }
  std::cout << "parlor-conformance listening on " << host << ":" << http.port() << std::endl;
  net::run_until_signal(
      pool, http,
      [&] {
        raw.close_all();
        engine.close_all();
      },
      [&] { return raw.session_count() == 0 && engine.session_count() == 0; },
      std::chrono::milliseconds(2000));
  return 0;
}
