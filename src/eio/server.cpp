// Engine.IO v4 sessions: handshake, long-polling, WebSocket, upgrade,
// heartbeat, bounded queues.
#include "eio/server.hpp"

#include "eio/ws_conn.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <random>
#include <unordered_map>
#include <utility>

namespace parlor::eio {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Shared {
  Options options;
  net::IoPool* pool;
  std::function<void(std::shared_ptr<Session>)> on_connection;
  mutable std::mutex mu;
  // Open sessions are owned here until they close.
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions;

  net::Gauge* open_polling;
  net::Gauge* open_websocket;
  net::Counter* handshakes;
  net::Counter* upgrades;
  net::Counter* packets_in;
  net::Counter* packets_out;
  net::Counter* bytes_in;
  net::Counter* bytes_out;
  net::Counter* slow_consumers;
  net::Counter* errors;

  // WebSocket sessions with frames to send at the end of this turn of their
  // thread's loop, one list per I/O thread, touched only on that thread: one
  // posted handler flushes them all instead of one post per session.
  struct FlushList {
    std::vector<std::shared_ptr<Session>> sessions;
    std::vector<std::shared_ptr<Session>> spare;  // keeps its capacity between turns
    bool posted = false;
  };
  std::vector<FlushList> flush_lists;  // by I/O thread index

  net::Gauge& gauge(Transport t) {
    return t == Transport::polling ? *open_polling : *open_websocket;
  }

  std::shared_ptr<Session> find(const std::string& sid) {
    std::lock_guard lock(mu);
    auto it = sessions.find(sid);
    return it == sessions.end() ? nullptr : it->second;
  }
  void remove(const std::string& sid) {
    std::lock_guard lock(mu);
    sessions.erase(sid);
  }
};

namespace {

std::string random_id() {
  static constexpr char chars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  std::string id(20, ' ');
  for (auto& c : id) c = chars[rng() % 64];
  return id;
}

// The spec's error codes.
enum class ErrorCode {
  unknown_transport = 0,
  unknown_sid,
  bad_handshake_method,
  bad_request,
  forbidden,
  unsupported_protocol_version
};

net::Response error_response(ErrorCode code) {
  static constexpr const char* messages[] = {
      "Transport unknown", "Session ID unknown", "Bad handshake method",
      "Bad request",       "Forbidden",          "Unsupported protocol version"};
  auto i = static_cast<int>(code);
  net::Response res{
      code == ErrorCode::forbidden ? http::status::forbidden : http::status::bad_request, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = boost::json::serialize(boost::json::object{{"code", i}, {"message", messages[i]}});
  return res;
}

net::Response text_response(std::string body, std::string_view type = "text/plain; charset=UTF-8") {
  net::Response res{http::status::ok, 11};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

std::size_t frame_bytes(const Frame& f) {
  return f->data.size() + 1;
}

// The session keeps its handshake for its whole life (headers, query, peer
// for the layers above); the body of a POST handshake is never needed again.
std::shared_ptr<const net::Request> without_body(net::Request r) {
  r.message.body().clear();
  r.message.body().shrink_to_fit();
  return std::make_shared<const net::Request>(std::move(r));
}

}  // namespace

// ---------------------------------------------------------------- Session

Session::Session(std::shared_ptr<Shared> shared, asio::any_io_executor ex, net::Request handshake,
                 Transport transport)
    : shared_(std::move(shared)),
      id_(random_id()),
      ex_(std::move(ex)),
      thread_index_(shared_->pool->index_of(ex_)),
      handshake_(without_body(std::move(handshake))),
      transport_(transport),
      ping_timer_(std::make_unique<asio::steady_timer>(ex_)) {}

Session::~Session() = default;

std::string Session::handshake_packet() const {
  boost::json::array upgrades;
  if (transport_ == Transport::polling) upgrades.push_back("websocket");
  boost::json::object o{{"sid", id_},
                        {"upgrades", std::move(upgrades)},
                        {"pingInterval", shared_->options.ping_interval.count()},
                        {"pingTimeout", shared_->options.ping_timeout.count()},
                        {"maxPayload", shared_->options.max_payload}};
  return "0" + boost::json::serialize(o);
}

void Session::opened() {
  {
    std::lock_guard lock(shared_->mu);
    shared_->sessions[id_] = shared_from_this();
  }
  shared_->handshakes->inc();
  shared_->gauge(transport_).add();
  heartbeat_deadline_ = std::chrono::steady_clock::now() + shared_->options.ping_interval +
                        shared_->options.ping_timeout;
  schedule_ping(shared_->options.ping_interval);
  if (shared_->on_connection) shared_->on_connection(shared_from_this());
}

void Session::start_polling(net::Responder reply) {
  auto open = handshake_packet();
  count_out(1, open.size());
  reply.send(text_response(std::move(open)));
  opened();
}

void Session::start_websocket(tcp::socket socket, std::string accept) {
  auto c = std::make_shared<WsConn>(std::move(socket), shared_->options.max_payload);
  ws_ = c;
  // The 101 and the open packet leave together, followed by whatever the
  // connection handler sends.
  c->raw = std::move(accept);
  queue_.push_back(make_frame(PacketType::open, handshake_packet().substr(1)));
  queued_bytes_ += frame_bytes(queue_.back());
  auto self = shared_from_this();
  opened();
  flush_ws(c);
  read_ws(c);
}

void Session::schedule_ping(std::chrono::milliseconds after) {
  ping_timer_->expires_after(after);
  ping_timer_->async_wait([w = weak_from_this()](beast::error_code ec) {
    auto self = w.lock();
    if (!ec && self) self->on_ping_timer();
  });
}

void Session::on_ping_timer() {
  if (state_ != State::open) return;
  if (awaiting_pong_) return finish("ping timeout", true, PollReply::close_packet);
  awaiting_pong_ = true;
  // When this ping was due, not when the timer got to run: the next one is
  // due pingInterval later whatever the round trip took.
  ping_due_ = ping_timer_->expiry();
  send(make_frame(PacketType::ping));
  schedule_ping(shared_->options.ping_timeout);
}

bool Session::send(Frame frame) {
  return send(std::span<const Frame>(&frame, 1));
}

bool Session::send(std::span<const Frame> frames) {
  if (state_ != State::open || overflowed_) return false;
  std::size_t bytes = 0;
  for (const auto& f : frames) bytes += frame_bytes(f);
  if (queued_bytes_ + bytes > shared_->options.max_send_queue_bytes) {
    shared_->slow_consumers->inc();
    spdlog::warn("engine.io session {} ({}) closed: slow consumer, {} bytes queued", id_,
                 handshake_->peer, queued_bytes_);
    // Closed at the next turn of the loop, never from inside send(): callers
    // may be iterating over their sockets.
    overflowed_ = true;
    asio::post(ex_, [self = shared_from_this()] {
      self->finish("slow consumer", false, PollReply::close_packet);
    });
    return false;
  }
  queue_.insert(queue_.end(), frames.begin(), frames.end());
  queued_bytes_ += bytes;
  flush();
  return true;
}

void Session::flush() {
  if (transport_ != Transport::websocket) return flush_poll();
  // Everything queued during this turn of the loop leaves in one write.
  if (flush_posted_ || !ws_ || ws_->writing) return;
  flush_posted_ = true;
  if (thread_index_ < shared_->flush_lists.size()) {
    auto& list = shared_->flush_lists[thread_index_];
    list.sessions.push_back(shared_from_this());
    if (!std::exchange(list.posted, true)) {
      asio::post(ex_, [shared = shared_, i = thread_index_] { flush_listed(*shared, i); });
    }
    return;
  }
  asio::post(ex_, [self = shared_from_this()] { self->flush_posted(); });
}

void Session::flush_posted() {
  flush_posted_ = false;
  flush_ws(ws_);
}

void Session::flush_listed(Shared& shared, std::size_t thread_index) {
  auto& list = shared.flush_lists[thread_index];
  auto batch = std::move(list.sessions);
  list.sessions = std::move(list.spare);
  list.posted = false;
  for (auto& s : batch) s->flush_posted();
  batch.clear();
  list.spare = std::move(batch);
}

void Session::count_out(std::size_t packets, std::size_t bytes) {
  shared_->packets_out->inc(packets);
  shared_->bytes_out->inc(bytes);
}

void Session::respond_poll(std::string body) {
  auto r = std::move(*poll_);
  poll_.reset();
  shared_->bytes_out->inc(body.size());
  r.send(text_response(std::move(body)));
}

void Session::flush_poll() {
  if (!poll_ || queue_.empty()) return;
  shared_->packets_out->inc(queue_.size());
  auto body = encode_payload(queue_);
  queue_.clear();
  queued_bytes_ = 0;
  respond_poll(std::move(body));
}

void Session::flush_ws(const std::shared_ptr<WsConn>& c) {
  if (!c || c->writing || c->state == WsConn::State::closed) return;
  // The session's queue goes to its active WebSocket only; a failing
  // connection sends nothing but its close frame.
  const bool own = c == ws_ && !c->drop_queue;
  std::vector<Frame> none;
  auto& frames = own ? queue_ : none;
  const bool close_now = c->close_after_write && !c->close_sent;
  if (frames.empty() && c->raw.empty() && !close_now) return;
  std::size_t count = frames.size(), bytes = 0;
  for (const auto& f : frames) bytes += frame_bytes(f);
  beast::error_code ec;
  switch (c->write(frames, ec)) {
    case WsConn::WriteResult::done:
      if (own && queue_.capacity() > 16) std::vector<Frame>().swap(queue_);
      return written(c, count, bytes);
    case WsConn::WriteResult::pending:
      c->writing = true;
      return wait_writable(c);
    case WsConn::WriteResult::error:
      return write_failed(c, ec);
  }
}

void Session::wait_writable(const std::shared_ptr<WsConn>& c) {
  c->socket.async_wait(tcp::socket::wait_write,
                       [self = shared_from_this(), c](beast::error_code ec) {
                         if (c->state == WsConn::State::closed) return;
                         if (ec) return self->write_failed(c, ec);
                         switch (c->continue_write(ec)) {
                           case WsConn::WriteResult::pending:
                             return self->wait_writable(c);
                           case WsConn::WriteResult::error:
                             return self->write_failed(c, ec);
                           case WsConn::WriteResult::done:
                             break;
                         }
                         auto count = c->pending_frames(), bytes = c->pending_bytes();
                         c->end_pending();
                         c->writing = false;
                         self->written(c, count, bytes);
                       });
}

void Session::written(const std::shared_ptr<WsConn>& c, std::size_t count, std::size_t bytes) {
  if (c == ws_ && count) {
    count_out(count, bytes);
    queued_bytes_ -= std::min(queued_bytes_, bytes);
  }
  if (c->close_sent) {
    if (c->close_received) return c->abort();  // closing handshake done
    // Failing: no answer is awaited; read until the peer's EOF (or the
    // close timer) so the close frame is not lost to a reset.
    if (c->drop_queue) {
      beast::error_code ec;
      c->socket.shutdown(tcp::socket::shutdown_send, ec);
    }
    return;  // graceful: the peer's close frame or the timer ends it
  }
  flush_ws(c);  // what was queued meanwhile
}

void Session::write_failed(const std::shared_ptr<WsConn>& c, const beast::error_code&) {
  c->abort();
  if (probe_ == c) return drop_probe();
  if (ws_ == c && state_ == State::open) finish("transport error", false, PollReply::close_packet);
}

void Session::read_ws(std::shared_ptr<WsConn> c) {
  auto self = shared_from_this();
  // Reads until the socket is drained (a short read), a few buffers per
  // turn so one busy peer cannot starve the others.
  for (int round = 0; round < 4; ++round) {
    if (c->state == WsConn::State::closed) return;
    char* data = nullptr;
    beast::error_code ec;
    std::size_t n = c->read_some(data, ec);
    if (ec) {
      if (c->state == WsConn::State::open && ec != asio::error::eof &&
          ec != asio::error::connection_reset)
        shared_->errors->inc();
      c->abort();
      return ws_gone(c, "transport close");
    }
    if (n == 0) return wait_readable(c);
    const bool full = n == WsConn::read_buffer_size;
    for (;;) {
      auto ev = c->parser.next(data, n);
      if (ev.kind == ws::Parser::Event::Kind::need_more) break;
      if (!on_ws_event(c, ev)) return;
    }
    if (!full) return wait_readable(c);
  }
  asio::post(ex_, [self, c] { self->read_ws(c); });
}

void Session::wait_readable(const std::shared_ptr<WsConn>& c) {
  // The socket was drained: wait for the next bytes (the reactor is edge
  // triggered, so only after a read that came back short or empty).
  c->socket.async_wait(
      tcp::socket::wait_read, [self = shared_from_this(), c](beast::error_code ec) {
        if (c->state == WsConn::State::closed || ec == asio::error::operation_aborted) return;
        self->read_ws(c);
      });
}

bool Session::on_ws_event(const std::shared_ptr<WsConn>& c, const ws::Parser::Event& ev) {
  using Kind = ws::Parser::Event::Kind;
  switch (ev.kind) {
    case Kind::message:
      shared_->bytes_in->inc(ev.payload.size());
      if (probe_ == c)
        on_probe_message(c, ev.text, ev.payload);
      else if (ws_ == c && state_ == State::open)
        on_ws_message(ev.text, ev.payload);
      break;
    case Kind::ping:
      if (c->state == WsConn::State::open) {
        // Through the same writer as everything else, so frames never interleave.
        ws::append_frame(c->raw, ws::Opcode::pong, ev.payload);
        if (c == ws_)
          flush();
        else
          flush_ws(c);
      }
      break;
    case Kind::pong:
    case Kind::need_more:
      break;
    case Kind::close:
      c->close_received = true;
      if (c->close_sent) {
        c->abort();
      } else {
        // Echo the peer's code, then shut down.
        close_ws(c, WsClose::fail, ev.code);
      }
      ws_gone(c, "transport close");
      return false;
    case Kind::error:
      if (c->state == WsConn::State::open) shared_->errors->inc();
      close_ws(c, WsClose::fail, ev.code);
      ws_gone(c, "transport error");
      return c->state != WsConn::State::closed;  // drain until the peer's EOF
  }
  return c->state != WsConn::State::closed;
}

void Session::ws_gone(const std::shared_ptr<WsConn>& c, std::string_view reason) {
  if (probe_ == c) return drop_probe();
  if (ws_ == c && state_ == State::open) finish(reason, false, PollReply::close_packet);
}

void Session::on_ws_message(bool text, std::string_view data) {
  if (!text) return handle_packet(decode_binary(data));
  auto p = decode_text(data);
  if (!p) {
    shared_->errors->inc();
    return finish("parse error", false, PollReply::close_packet);
  }
  handle_packet(std::move(*p));
}

void Session::on_probe_message(const std::shared_ptr<WsConn>& c, bool text, std::string_view data) {
  auto p = text ? decode_text(data) : boost::system::result<Packet>(decode_binary(data));
  if (p && p->type == PacketType::ping && p->data == "probe") {
    probed_ = true;
    ws::append_frame(c->raw, ws::Opcode::text, "3probe");
    flush_ws(c);
    // Ends the parked poll so the client can pause polling and upgrade.
    if (poll_ && queue_.empty()) respond_poll("6");
    return;
  }
  if (p && p->type == PacketType::upgrade && probed_) return complete_upgrade();
  drop_probe();
}

void Session::complete_upgrade() {
  upgrade_timer_.reset();
  if (poll_) respond_poll("6");
  ws_ = std::move(probe_);
  probe_.reset();
  probed_ = false;
  if (close_after_upgrade_) {
    // Closed meanwhile (finish() already counted the session out): what was
    // queued, then the close.
    close_after_upgrade_ = false;
    transport_ = Transport::websocket;
    return close_ws(ws_, WsClose::graceful);
  }
  shared_->gauge(transport_).sub();
  transport_ = Transport::websocket;
  shared_->gauge(transport_).add();
  shared_->upgrades->inc();
  flush_ws(ws_);
}

void Session::drop_probe() {
  upgrade_timer_.reset();
  if (auto c = std::move(probe_)) close_ws(c, WsClose::abort);
  probed_ = false;
}

void Session::handle_packet(Packet&& p) {
  if (state_ != State::open) return;
  shared_->packets_in->inc();
  switch (p.type) {
    case PacketType::pong:
      if (awaiting_pong_) {
        awaiting_pong_ = false;
        heartbeat_deadline_ = std::chrono::steady_clock::now() + shared_->options.ping_interval +
                              shared_->options.ping_timeout;
        // Pings keep their own rhythm (one every pingInterval) instead of
        // drifting by each round trip, as clients and test suites expect.
        auto next = ping_due_ + shared_->options.ping_interval;
        auto now = std::chrono::steady_clock::now();
        schedule_ping(next > now ? std::chrono::duration_cast<std::chrono::milliseconds>(next - now)
                                 : std::chrono::milliseconds(0));
      }
      return;
    case PacketType::message:
      if (handlers_.on_message) handlers_.on_message(std::move(p));
      return;
    case PacketType::close:
      close_packet_received_ = true;
      return finish("transport close", true, PollReply::noop);
    default:
      return;  // open/ping/upgrade/noop from a client on the active transport: ignored
  }
}

void Session::close(std::string_view reason) {
  if (linger_) {
    linger_ = false;
    shared_->remove(id_);
  }
  if (state_ == State::open) finish(reason, true, PollReply::close_packet);
}

void Session::finish(std::string_view reason, bool graceful, PollReply poll_reply) {
  if (state_ != State::open) return;
  auto self = shared_from_this();  // the session map may hold the last reference
  state_ = State::closed;
  if (close_packet_received_ && !poll_ && transport_ == Transport::polling) {
    // Stays findable for one more GET (see on_poll_get), at most ping_timeout.
    linger_ = true;
  } else {
    shared_->remove(id_);
  }
  shared_->gauge(transport_).sub();
  upgrade_timer_.reset();
  if (linger_) {
    ping_timer_->expires_after(shared_->options.ping_timeout);
    ping_timer_->async_wait([self](beast::error_code ec) {
      if (!ec && self->linger_) {
        self->linger_ = false;
        self->shared_->remove(self->id_);
      }
    });
  } else {
    ping_timer_->cancel();
  }
  if (poll_) {
    if (poll_reply == PollReply::noop) {
      respond_poll("6");
    } else {
      if (!graceful) queue_.clear();
      queue_.push_back(make_frame(PacketType::close));
      shared_->packets_out->inc(queue_.size());
      respond_poll(encode_payload(queue_));
    }
  }
  // A client that paused polling for an upgrade (its poll answered, the
  // probe answered) listens only on the probe until it sends "5", and would
  // wait there until its heartbeat failed: the close goes out over the probe
  // once the upgrade completes, or the probe is dropped at the usual timeout.
  const bool close_over_probe = graceful && probe_ && probed_ && !poll_ && !ws_;
  if (close_over_probe) {
    close_after_upgrade_ = true;
    upgrade_timer_ = std::make_unique<asio::steady_timer>(ex_, shared_->options.upgrade_timeout);
    upgrade_timer_->async_wait([self, c = probe_](beast::error_code ec) {
      if (!ec && self->probe_ == c) self->drop_probe();
    });
  } else if (probe_) {
    drop_probe();
  }
  if (close_over_probe) {
    // The queue waits for the upgrade.
  } else if (ws_ && graceful) {
    // The queue drains, then the close frame follows.
    close_ws(ws_, WsClose::graceful);
  } else {
    if (ws_) close_ws(ws_, WsClose::abort);
    std::vector<Frame>().swap(queue_);
    queued_bytes_ = 0;
  }
  auto handlers = std::move(handlers_);
  handlers_ = {};
  if (handlers.on_close) handlers.on_close(reason);
}

void Session::close_ws(const std::shared_ptr<WsConn>& c, WsClose mode, std::uint16_t code) {
  if (c->state != WsConn::State::open) return;
  if (mode == WsClose::abort) return c->abort();
  c->state = WsConn::State::closing;
  c->close_after_write = true;
  c->close_code = code;
  c->drop_queue = mode == WsClose::fail;
  c->close_timer = std::make_unique<asio::steady_timer>(ex_, shared_->options.close_timeout);
  c->close_timer->async_wait([c](beast::error_code ec) {
    if (!ec) c->abort();
  });
  flush_ws(c);
}

bool Session::heartbeat_overdue() {
  // A busy loop may run the ping timer late; a request arriving after the
  // deadline must not revive the session.
  if (state_ == State::open && std::chrono::steady_clock::now() >= heartbeat_deadline_)
    finish("ping timeout", true, PollReply::close_packet);
  return state_ != State::open;
}

void Session::on_poll_get(net::Responder r) {
  if (state_ == State::closed && linger_) {
    // The client closed with a POST that overtook its own parked-to-be GET:
    // that GET gets the noop it would have had, later ones the error.
    linger_ = false;
    shared_->remove(id_);
    return r.send(text_response("6"));
  }
  if (heartbeat_overdue()) return r.send(error_response(ErrorCode::unknown_sid));
  if (transport_ != Transport::polling) return r.send(error_response(ErrorCode::bad_request));
  if (poll_) {
    // A second concurrent GET is a protocol violation: the session ends and
    // the parked GET gets the close packet.
    shared_->errors->inc();
    r.send(error_response(ErrorCode::bad_request));
    return finish("transport error", false, PollReply::close_packet);
  }
  poll_ = std::move(r);
  auto gen = ++poll_gen_;
  poll_->on_cancel([w = weak_from_this(), gen] {
    auto self = w.lock();
    if (!self) return;
    asio::post(self->ex_, [self, gen] {
      if (self->poll_ && self->poll_gen_ == gen) {
        self->poll_.reset();
        self->finish("transport close", false, PollReply::noop);
      }
    });
  });
  if (!queue_.empty())
    flush_poll();
  else if (probed_)
    respond_poll("6");
}

void Session::on_poll_post(net::Request req, net::Responder r) {
  if (heartbeat_overdue()) return r.send(error_response(ErrorCode::unknown_sid));
  if (transport_ != Transport::polling) return r.send(error_response(ErrorCode::bad_request));
  const auto& body = req.body();
  shared_->bytes_in->inc(body.size());
  if (body.size() > shared_->options.max_payload) {
    shared_->errors->inc();
    net::Response res{http::status::payload_too_large, 11};
    r.send(std::move(res));
    return finish("transport error", false, PollReply::close_packet);
  }
  auto packets = decode_payload(body);
  if (!packets) {
    shared_->errors->inc();
    r.send(error_response(ErrorCode::bad_request));
    return finish("parse error", false, PollReply::close_packet);
  }
  r.send(text_response("ok", "text/html"));
  for (auto& p : *packets) {
    if (state_ != State::open) break;
    handle_packet(std::move(p));
  }
}

void Session::on_upgrade(tcp::socket socket, net::Request req) {
  if (state_ != State::open)
    return net::reject_upgrade(beast::tcp_stream(std::move(socket)),
                               error_response(ErrorCode::unknown_sid));
  if (auto refusal = check_upgrade(req))
    return net::reject_upgrade(beast::tcp_stream(std::move(socket)), std::move(*refusal));
  auto c = std::make_shared<WsConn>(std::move(socket), shared_->options.max_payload);
  c->raw = accept_response(req.header("Sec-WebSocket-Key"));
  if (transport_ != Transport::polling || probe_) {
    // Already upgraded or upgrading: like the reference server, complete the
    // WebSocket handshake and close it at once.
    close_ws(c, WsClose::fail, ws::close_code::policy_violation);
    return read_ws(c);
  }
  probe_ = c;
  probed_ = false;
  flush_ws(c);
  if (c->state == WsConn::State::closed) return;
  upgrade_timer_ = std::make_unique<asio::steady_timer>(ex_, shared_->options.upgrade_timeout);
  upgrade_timer_->async_wait([self = shared_from_this(), c](beast::error_code ec) {
    if (!ec && self->probe_ == c) self->drop_probe();
  });
  read_ws(c);
}

// ---------------------------------------------------------------- Server

Server::Server(net::IoPool& pool, net::Metrics& m, Options options)
    : shared_(std::make_shared<Shared>()) {
  shared_->options = options;
  shared_->pool = &pool;
  shared_->flush_lists.resize(pool.size());
  shared_->open_polling =
      &m.gauge("parlor_eio_open_connections", "Open Engine.IO sessions", "transport=\"polling\"");
  shared_->open_websocket =
      &m.gauge("parlor_eio_open_connections", "Open Engine.IO sessions", "transport=\"websocket\"");
  shared_->handshakes = &m.counter("parlor_eio_handshakes_total", "Engine.IO sessions opened");
  shared_->upgrades =
      &m.counter("parlor_eio_upgrades_total", "Polling sessions upgraded to WebSocket");
  shared_->packets_in = &m.counter("parlor_eio_packets_in_total", "Engine.IO packets received");
  shared_->packets_out = &m.counter("parlor_eio_packets_out_total", "Engine.IO packets sent");
  shared_->bytes_in = &m.counter("parlor_eio_bytes_in_total", "Engine.IO bytes received");
  shared_->bytes_out = &m.counter("parlor_eio_bytes_out_total", "Engine.IO bytes sent");
  shared_->slow_consumers = &m.counter("parlor_eio_slow_consumers_dropped_total",
                                       "Sessions closed because their send queue overflowed");
  shared_->errors = &m.counter("parlor_eio_errors_total",
                               "Engine.IO protocol errors (bad packets, bad requests, overlaps)");
}

Server::~Server() = default;

void Server::on_connection(std::function<void(std::shared_ptr<Session>)> handler) {
  shared_->on_connection = std::move(handler);
}

const Options& Server::options() const {
  return shared_->options;
}

net::Mount Server::mount(std::string prefix) {
  net::Mount m;
  m.prefix = std::move(prefix);
  m.on_request = [this](net::Request req, net::Responder r) {
    handle_request(std::move(req), std::move(r));
  };
  m.on_upgrade = [this](beast::tcp_stream s, net::Request req) {
    handle_upgrade(std::move(s), std::move(req));
  };
  m.max_body_bytes = shared_->options.max_payload + 1;
  return m;
}

void Server::handle_request(net::Request req, net::Responder r) {
  auto transport = req.query_param("transport");
  if (!transport || (*transport != "polling" && *transport != "websocket")) {
    shared_->errors->inc();
    return r.send(error_response(ErrorCode::unknown_transport));
  }
  auto sid = req.query_param("sid");
  if (!sid) {
    if (req.method() != http::verb::get) {
      shared_->errors->inc();
      return r.send(error_response(ErrorCode::bad_handshake_method));
    }
    if (req.query_param("EIO") != "4") {
      shared_->errors->inc();
      return r.send(error_response(ErrorCode::unsupported_protocol_version));
    }
    if (*transport != "polling") {
      shared_->errors->inc();
      return r.send(error_response(ErrorCode::bad_request));
    }
    auto session =
        std::make_shared<Session>(shared_, r.executor(), std::move(req), Transport::polling);
    return session->start_polling(std::move(r));
  }
  auto session = shared_->find(*sid);
  if (!session) {
    shared_->errors->inc();
    return r.send(error_response(ErrorCode::unknown_sid));
  }
  if (*transport != "polling") {
    shared_->errors->inc();
    return r.send(error_response(ErrorCode::bad_request));
  }
  auto method = req.method();
  if (method == http::verb::get) {
    asio::post(session->executor(),
               [session, r = std::move(r)]() mutable { session->on_poll_get(std::move(r)); });
  } else if (method == http::verb::post) {
    asio::post(session->executor(), [session, req = std::move(req), r = std::move(r)]() mutable {
      session->on_poll_post(std::move(req), std::move(r));
    });
  } else {
    r.send(error_response(ErrorCode::bad_request));
  }
}

void Server::handle_upgrade(beast::tcp_stream stream, net::Request req) {
  auto transport = req.query_param("transport");
  if (transport != "websocket") {
    shared_->errors->inc();
    return net::reject_upgrade(std::move(stream), error_response(ErrorCode::unknown_transport));
  }
  auto sid = req.query_param("sid");
  if (!sid) {
    if (req.query_param("EIO") != "4") {
      shared_->errors->inc();
      return net::reject_upgrade(std::move(stream),
                                 error_response(ErrorCode::unsupported_protocol_version));
    }
    if (auto refusal = check_upgrade(req)) {
      // Never opened: nothing registered, nobody to tell.
      shared_->errors->inc();
      return net::reject_upgrade(std::move(stream), std::move(*refusal));
    }
    auto accept = accept_response(req.header("Sec-WebSocket-Key"));
    // The session keeps its handshake request for its whole life (and
    // sio keeps a copy): drop what only the WebSocket handshake needed.
    req.message.erase(http::field::sec_websocket_key);
    req.message.erase(http::field::sec_websocket_version);
    req.message.erase(http::field::sec_websocket_extensions);
    auto socket = stream.release_socket();
    auto ex = socket.get_executor();
    auto session = std::make_shared<Session>(shared_, ex, std::move(req), Transport::websocket);
    return session->start_websocket(std::move(socket), std::move(accept));
  }
  auto session = shared_->find(*sid);
  if (!session) {
    shared_->errors->inc();
    return net::reject_upgrade(std::move(stream), error_response(ErrorCode::unknown_sid));
  }
  if (stream.get_executor() == session->executor()) {
    return asio::post(session->executor(),
                      [session, s = stream.release_socket(), req = std::move(req)]() mutable {
                        session->on_upgrade(std::move(s), std::move(req));
                      });
  }
  // The session's thread owns the connection from now on: move the
  // descriptor onto its io_context.
  beast::error_code ec;
  auto socket = stream.release_socket();
  auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return;
  auto fd = socket.release(ec);
  if (ec) return;
  asio::post(session->executor(), [session, fd, protocol, req = std::move(req)]() mutable {
    session->on_upgrade(tcp::socket(session->executor(), protocol, fd), std::move(req));
  });
}

void Server::close_all(std::string_view reason) {
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(shared_->mu);
    for (auto& [_, s] : shared_->sessions) all.push_back(s);
  }
  for (auto& s : all) asio::post(s->executor(), [s, r = std::string(reason)] { s->close(r); });
}

std::size_t Server::session_count() const {
  std::lock_guard lock(shared_->mu);
  return shared_->sessions.size();
}

}  // namespace parlor::eio
