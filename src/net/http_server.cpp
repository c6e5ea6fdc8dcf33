// HTTP connections: keep-alive, limits, timeouts, routing, and watching a
// parked long-poll for the peer going away.
#include "net/http_server.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/byte_range.hpp"
#include "net/disk_reader.hpp"
#include "net/responder_state.hpp"

namespace parlor::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Server::Shared {
  Server* server;
  ServerOptions options;
  std::vector<Mount> mounts;
  const Router* router;
  std::optional<StaticFiles> static_files;
  std::unique_ptr<DiskReader> disk;  // stopped with the Server; sessions may outlive it
  Metrics* metrics;
  Counter* requests;
  Counter* errors;
  Gauge* connections;
  const std::atomic<bool>* ready;

  std::size_t largest_body_limit() const {
    std::size_t largest = options.max_body_bytes;
    for (const auto& m : mounts) largest = std::max(largest, m.max_body_bytes);
    return largest;
  }
  const Mount* find_mount(std::string_view path) const {
    for (const auto& m : mounts) {
      std::string_view prefix = m.prefix;
      if (path.rfind(prefix, 0) == 0) return &m;
      if (!prefix.empty() && prefix.back() == '/' && path == prefix.substr(0, prefix.size() - 1))
        return &m;
    }
    return nullptr;
  }
};

namespace {

bool origin_allowed(std::string_view allowed, std::string_view origin) {
  while (!allowed.empty()) {
    auto comma = allowed.find(',');
    auto item = allowed.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == origin) return true;
    if (comma == std::string_view::npos) break;
    allowed.remove_prefix(comma + 1);
  }
  return false;
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, std::shared_ptr<Server::Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    shared_->connections->add();
  }
  ~HttpSession() { shared_->connections->sub(); }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

 private:
  const ServerOptions& opts() const { return shared_->options; }

  void read_header() {
    head_request_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opts().max_header_bytes));
    // The largest limit of any mount while the header is read (Beast checks
    // a Content-Length against it then), the request's own one after.
    parser_->body_limit(shared_->largest_body_limit());
    stream_.expires_after(std::chrono::milliseconds(opts().read_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    std::string path;
    std::multimap<std::string, std::string> query;
    std::size_t limit = opts().max_body_bytes;
    if (parse_target(parser_->get().target(), path, query))
      if (const Mount* m = shared_->find_mount(path); m && m->max_body_bytes)
        limit = m->max_body_bytes;
    if (auto length = parser_->content_length(); length && *length > limit)
      return on_read_error(http::error::body_limit);
    parser_->body_limit(limit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->on_read_error(ec);
                       self->on_request();
                     });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return close();
    }
    shared_->errors->inc();
    keep_alive_ = false;
    if (ec == http::error::body_limit)
      return write(make_error_response(http::status::payload_too_large, "too_large",
                                       "request body too large"));
    if (ec == http::error::header_limit)
      return write(make_error_response(http::status::request_header_fields_too_large, "too_large",
                                       "request headers too large"));
    write(make_error_response(http::status::bad_request, "invalid", "malformed HTTP request"));
  }

  void on_request() {
    shared_->requests->inc();
    stream_.expires_never();
    Request req;
    req.message = parser_->release();
    keep_alive_ = req.message.keep_alive();
    version_ = req.message.version();
    head_request_ = req.method() == http::verb::head;
    origin_ = std::string(req.header("Origin"));
    // A Range is only served for GET, and not with If-Range: the responses
    // carry no validator it could match.
    range_.clear();
    if (req.method() == http::verb::get && req.header("If-Range").empty())
      range_ = std::string(req.header("Range"));
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) req.peer = ep.address().to_string();
    if (!parse_target(req.message.target(), req.path, req.query))
      return write(make_error_response(http::status::bad_request, "invalid", "bad request target"));

    if (req.method() == http::verb::options && !opts().cors_origin.empty()) {
      Response res{http::status::no_content, version_};
      res.set(http::field::access_control_allow_methods, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      auto asked = req.header("Access-Control-Request-Headers");
      res.set(http::field::access_control_allow_headers,
              asked.empty() ? std::string_view("Content-Type, Authorization") : asked);
      res.set(http::field::access_control_max_age, "86400");
      return write(std::move(res));
    }

    const Mount* m = shared_->find_mount(req.path);
    if (beast::websocket::is_upgrade(req.message)) {
      if (!m || !m->on_upgrade)
        return write(make_error_response(http::status::not_found, "not_found", "no such endpoint"));
      // The connection now belongs to the mount.
      m->on_upgrade(std::move(stream_), std::move(req));
      return;
    }
    if (m && m->on_request)
      return dispatch_async(
          req, [m](Request r, Responder resp) { m->on_request(std::move(r), std::move(resp)); });

    const std::string_view path = req.path;
    if (path == "/healthz") return write(make_json_response(http::status::ok, {{"ok", true}}));
    if (path == "/readyz") {
      bool ready = shared_->ready->load();
      return write(make_json_response(ready ? http::status::ok : http::status::service_unavailable,
                                      {{"ok", ready}}));
    }
    if (path == "/metrics") {
      Response res{http::status::ok, version_};
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = shared_->metrics->render();
      return write(std::move(res));
    }
    if (path == "/api" || path.rfind("/api/", 0) == 0) {
      const Router* router = shared_->router;
      return dispatch_async(
          req, [router](Request r, Responder resp) { router->dispatch(r, std::move(resp)); });
    }
    if ((req.method() == http::verb::get || req.method() == http::verb::head) &&
        shared_->static_files)
      return write(shared_->static_files->serve(req));
    write(make_error_response(http::status::not_found, "not_found", "no such endpoint"));
  }

  template <class F>
  void dispatch_async(Request& req, F&& call) {
    auto state = std::make_shared<detail::ResponderState>();
    state->executor = stream_.get_executor();
    state->deliver = [w = weak_from_this()](Response res,
                                            std::shared_ptr<const core::OpenFile> file) {
      if (auto self = w.lock()) self->on_response(std::move(res), std::move(file));
    };
    pending_ = state;
    watch_peer();
    call(std::move(req), Responder(state));
  }

  // While a response is outstanding (a parked long-poll), notice the peer
  // closing the connection so the handler can be told.
  void watch_peer() {
    stream_.socket().async_wait(
        tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
          if (ec || !self->pending_) return;
          char c;
          beast::error_code rec;
          self->stream_.socket().non_blocking(true, rec);
          auto n =
              self->stream_.socket().receive(asio::buffer(&c, 1), tcp::socket::message_peek, rec);
          if (rec == asio::error::would_block) return self->watch_peer();
          if (!rec && n > 0) return;  // pipelined request: read it later
          self->peer_gone();
        });
  }

  void peer_gone() {
    auto st = std::move(pending_);
    st->done = true;
    st->peer_gone = true;
    if (auto cancel = std::move(st->cancel)) cancel();
    close();
  }

  void on_response(Response res, std::shared_ptr<const core::OpenFile> file) {
    if (!pending_) return;
    pending_.reset();
    beast::error_code ec;
    stream_.socket().cancel(ec);  // the peer watch
    if (file) return write_file(std::move(res), std::move(file));
    write(std::move(res));
  }

  void write(Response res) {
    res_ = std::move(res);
    if (res_.find(http::field::content_length) == res_.end()) res_.prepare_payload();
    send(res_);
  }

  // `head`'s status and headers, with the file (or the part of it the
  // request's Range asked for) as the body, streamed from the disk.
  void write_file(Response head, std::shared_ptr<const core::OpenFile> file) {
    const std::uint64_t size = file->size();
    auto range = head.result() == http::status::ok ? parse_byte_range(range_, size) : ByteRange{};
    if (range.kind == ByteRange::Kind::unsatisfiable) {
      auto res = make_error_response(http::status::range_not_satisfiable, "invalid",
                                     "the requested range is outside the file");
      res.set(http::field::content_range, "bytes */" + std::to_string(size));
      return write(std::move(res));
    }
    res_ = std::move(head);
    res_.body().clear();
    res_.set(http::field::accept_ranges, "bytes");
    std::uint64_t first = 0;
    std::uint64_t length = size;
    if (range.kind == ByteRange::Kind::partial) {
      first = range.first;
      length = range.length;
      res_.result(http::status::partial_content);
      res_.set(http::field::content_range, "bytes " + std::to_string(first) + "-" +
                                               std::to_string(first + length - 1) + "/" +
                                               std::to_string(size));
    }
    res_.content_length(length);
    if (length == 0 || head_request_) return send(res_);
    download_ = std::make_unique<Download>(std::move(file), first, length);
    finish_head(res_);
    header_sr_.emplace(res_);
    stream_.expires_after(std::chrono::milliseconds(opts().read_timeout_ms));
    http::async_write_header(stream_, *header_sr_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->header_sr_.reset();
                               if (ec) return self->written(ec);
                               self->read_chunk();
                             });
  }

  // A download in flight: two chunk buffers, so the next chunk is read (on
  // the disk reader) while the previous one is written. At most one read and
  // one write run at a time, each on its own buffer.
  struct Download {
    static constexpr std::size_t kChunk = 64 * 1024;
    Download(std::shared_ptr<const core::OpenFile> f, std::uint64_t first, std::uint64_t length)
        : file(std::move(f)), next_read(first), left_to_read(length), left_to_write(length) {}
    std::shared_ptr<const core::OpenFile> file;
    std::unique_ptr<char[]> buffers[2] = {std::make_unique<char[]>(kChunk),
                                          std::make_unique<char[]>(kChunk)};
    std::uint64_t next_read;
    std::uint64_t left_to_read;
    std::uint64_t left_to_write;
    int fill = 0;           // the buffer the next read goes into
    std::size_t ready = 0;  // bytes read into the other buffer, not yet written
    bool reading = false;
    bool writing = false;
    bool failed = false;
  };

  // Ends a download that cannot go on. The buffers stay until the read or
  // write still running on one of them returns.
  void fail_download() {
    close();
    auto& d = *download_;
    d.failed = true;
    if (!d.reading && !d.writing) download_.reset();
  }

  void read_chunk() {
    auto& d = *download_;
    if (d.reading || d.left_to_read == 0) return;
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(d.left_to_read, Download::kChunk));
    d.reading = true;
    bool queued = shared_->disk->read(
        d.file, d.next_read, d.buffers[d.fill].get(), want,
        [self = shared_from_this()](std::ptrdiff_t got) mutable {
          auto ex = self->stream_.get_executor();
          asio::post(ex, [self = std::move(self), got] { self->on_chunk_read(got); });
        });
    if (!queued) {
      d.reading = false;
      fail_download();
    }
  }

  void on_chunk_read(std::ptrdiff_t got) {
    if (!download_) return;
    auto& d = *download_;
    d.reading = false;
    if (d.failed) {
      if (!d.writing) download_.reset();
      return;
    }
    if (got <= 0) {
      // The file shrank or failed under us: end the response short, so the
      // client sees a truncated body rather than wrong bytes.
      if (got < 0) spdlog::warn("http: reading a file for download failed");
      return fail_download();
    }
    d.next_read += static_cast<std::uint64_t>(got);
    d.left_to_read -= static_cast<std::uint64_t>(got);
    d.ready = static_cast<std::size_t>(got);
    d.fill ^= 1;
    write_chunk();
  }

  // Each chunk gets the full timeout: a large download to a slow client may
  // take longer than one.
  void write_chunk() {
    auto& d = *download_;
    if (d.writing || d.ready == 0) return;
    d.writing = true;
    auto chunk = asio::buffer(d.buffers[d.fill ^ 1].get(), d.ready);
    d.ready = 0;
    read_chunk();  // into the buffer just freed, while this one is written
    stream_.expires_after(std::chrono::milliseconds(opts().read_timeout_ms));
    asio::async_write(stream_, chunk,
                      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                        self->on_chunk_written(ec, n);
                      });
  }

  void on_chunk_written(beast::error_code ec, std::size_t n) {
    auto& d = *download_;
    d.writing = false;
    if (d.failed) {
      if (!d.reading) download_.reset();
      return;
    }
    if (ec) return fail_download();
    d.left_to_write -= n;
    if (d.left_to_write == 0) {
      download_.reset();
      return written(ec);
    }
    write_chunk();
  }

  void send(Response& res) {
    finish_head(res);
    if (head_request_) {
      // The headers a GET would get, Content-Length included, and no body.
      if (res.find(http::field::content_length) == res.end()) res.content_length(res.body().size());
      res.body().clear();
    }
    stream_.expires_after(std::chrono::milliseconds(opts().read_timeout_ms));
    http::async_write(stream_, res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->written(ec);
    });
  }

  template <class Message>
  void finish_head(Message& res) {
    res.version(version_);
    res.keep_alive(keep_alive_);
    if (!origin_.empty()) shared_->server->apply_cors(origin_, res);
  }

  void written(beast::error_code ec) {
    if (ec || !keep_alive_) return close();
    origin_.clear();
    read_header();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Server::Shared> shared_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<detail::ResponderState> pending_;
  Response res_;
  std::optional<http::response_serializer<http::string_body>> header_sr_;
  std::unique_ptr<Download> download_;
  bool head_request_ = false;
  std::string range_;  // the request's Range header, when it may be served
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string origin_;
};

}  // namespace

Server::Server(IoPool& pool, Metrics& metrics, ServerOptions options)
    : pool_(pool), shared_(std::make_shared<Shared>()) {
  shared_->server = this;
  shared_->router = &router_;
  if (!options.web_root.empty()) shared_->static_files.emplace(options.web_root);
  shared_->options = std::move(options);
  shared_->metrics = &metrics;
  shared_->disk = std::make_unique<DiskReader>();
  shared_->requests = &metrics.counter("parlor_http_requests_total", "HTTP requests read");
  shared_->errors =
      &metrics.counter("parlor_http_errors_total", "Malformed or over-limit HTTP requests");
  shared_->connections = &metrics.gauge("parlor_http_connections", "Open HTTP connections");
  shared_->ready = &ready_;
}

Server::~Server() {
  stop_accepting();
  shared_->disk->stop();
}

void Server::mount(Mount m) {
  shared_->mounts.push_back(std::move(m));
}

boost::system::error_code Server::listen() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(shared_->options.host, ec);
  if (ec) return ec;
  tcp::endpoint ep{addr, shared_->options.port};
  acceptor_.emplace(pool_.context(0));
  acceptor_->open(ep.protocol(), ec);
  if (ec) return ec;
  acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_->bind(ep, ec);
  if (ec) return ec;
  acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  port_ = acceptor_->local_endpoint().port();
  do_accept();
  return {};
}

void Server::do_accept() {
  acceptor_->async_accept(pool_.next(), [this, sh = shared_](beast::error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_ || !acceptor_->is_open()) return;
    if (!ec) {
      s.set_option(tcp::no_delay(true), ec);
      std::make_shared<HttpSession>(std::move(s), sh)->start();
    } else {
      spdlog::warn("accept failed: {}", ec.message());
    }
    do_accept();
  });
}

void Server::stop_accepting() {
  if (!acceptor_) return;
  asio::post(acceptor_->get_executor(), [this] {
    beast::error_code ec;
    if (acceptor_) acceptor_->close(ec);
  });
}

void Server::apply_cors(std::string_view origin, http::fields& res) const {
  const auto& allowed = shared_->options.cors_origin;
  if (allowed.empty() || origin.empty()) return;
  if (allowed != "*" && !origin_allowed(allowed, origin)) return;
  res.set(http::field::access_control_allow_origin, origin);
  res.set(http::field::access_control_allow_credentials, "true");
  res.set(http::field::vary, "Origin");
}

void reject_upgrade(beast::tcp_stream stream, Response res) {
  struct Op {
    beast::tcp_stream stream;
    Response res;
  };
  auto op = std::make_shared<Op>(Op{std::move(stream), std::move(res)});
  op->res.keep_alive(false);
  op->res.prepare_payload();
  op->stream.expires_after(std::chrono::seconds(5));
  http::async_write(op->stream, op->res, [op](beast::error_code, std::size_t) {
    beast::error_code ec;
    op->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    op->stream.socket().close(ec);
  });
}

}  // namespace parlor::net
