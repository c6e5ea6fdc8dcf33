// The HTTP/1.1 server: accepts on one address, runs each connection on one
// I/O thread of an IoPool, and routes requests to protocol mounts
// (/socket.io/), health and metrics endpoints, the REST router (/api/) and
// the static web client.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/io_pool.hpp"
#include "net/metrics.hpp"
#include "net/request.hpp"
#include "net/router.hpp"
#include "net/static_files.hpp"

namespace parlor::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = any free port (see Server::port())
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  unsigned read_timeout_ms = 30000;  // each request's headers+body, and each write
  // Empty: no CORS headers. "*": any origin is reflected, with credentials.
  // Otherwise a comma-separated list of allowed origins.
  std::string cors_origin;
  std::string web_root;  // empty: no static files; read into memory once, at start
};

// A protocol endpoint that claims every path under `prefix` ("/socket.io/").
// Both callbacks run on the I/O thread that read the request and must not
// block.
struct Mount {
  std::string prefix;
  // Plain HTTP requests; answer through the Responder (from any thread).
  std::function<void(Request, Responder)> on_request;
  // WebSocket upgrade requests: the connection is handed over, the HTTP
  // server forgets it.
  std::function<void(boost::beast::tcp_stream, Request)> on_upgrade;
  // Body limit for this mount (0 = ServerOptions::max_body_bytes).
  std::size_t max_body_bytes = 0;
};

class Server {
 public:
  Server(IoPool& pool, Metrics& metrics, ServerOptions options);
  ~Server();

  // Set-up, before listen(): not thread-safe.
  void mount(Mount m);
  Router& router() { return router_; }

  // Binds and starts accepting (the pool may or may not be running yet).
  boost::system::error_code listen();
  std::uint16_t port() const { return port_; }
  // Closes the listening socket; open connections are left alone. Any thread.
  void stop_accepting();

  // /readyz answers 200 only while ready (default true). Any thread.
  void set_ready(bool ready) { ready_ = ready; }

  // Adds the CORS headers the options call for, given the request's Origin.
  void apply_cors(std::string_view origin, http::fields& res) const;

  // Internal, used by connections.
  struct Shared;
  std::shared_ptr<Shared> shared() const { return shared_; }

 private:
  void do_accept();

  IoPool& pool_;
  std::shared_ptr<Shared> shared_;
  Router router_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> ready_{true};
};

// Writes `res` on a connection that asked for a WebSocket upgrade which is
// refused, then closes it. Keeps `stream` alive until done.
void reject_upgrade(boost::beast::tcp_stream stream, Response res);

}  // namespace parlor::net
