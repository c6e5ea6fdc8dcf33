// Engine.IO v4 sessions: handshake, long-polling, WebSocket, upgrade,
// heartbeat, bounded queues.
#include "eio/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <random>
#include <unordered_map>

namespace parlor::eio {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
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

struct WsConn {
  explicit WsConn(beast::tcp_stream s) : ws(std::move(s)) {}
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  bool writing = false;
  bool close_after_write = false;
  bool closed = false;
  std::vector<Frame> batch;
  std::size_t batch_bytes = 0;
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

}  // namespace

// ---------------------------------------------------------------- Session

Session::Session(std::shared_ptr<Shared> shared, asio::any_io_executor ex, net::Request handshake,
                 Transport transport)
    : shared_(std::move(shared)),
      id_(random_id()),
      ex_(std::move(ex)),
      thread_index_(shared_->pool->index_of(ex_)),
      handshake_(std::move(handshake)),
      transport_(transport),
      ping_timer_(std::make_unique<asio::steady_timer>(ex_)),
      upgrade_timer_(std::make_unique<asio::steady_timer>(ex_)) {
  handshake_.message.body().clear();
}

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

void Session::start_websocket(beast::tcp_stream stream, net::Request req) {
  ws_ = std::make_shared<WsConn>(std::move(stream));
  accept_ws(ws_, std::move(req), false);
}

void Session::accept_ws(std::shared_ptr<WsConn> c, net::Request req, bool probe) {
  c->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  c->ws.read_message_max(shared_->options.max_payload);
  c->ws.auto_fragment(false);
  auto msg = std::make_shared<http::request<http::string_body>>(std::move(req.message));
  c->ws.async_accept(*msg, [self = shared_from_this(), c, msg, probe](beast::error_code ec) {
    if (ec) {
      if (!probe) {
        // Never opened: nothing registered, nobody to tell.
        self->shared_->errors->inc();
        self->state_ = State::closed;
      } else if (self->probe_ == c) {
        self->drop_probe();
      }
      return;
    }
    if (probe) {
      if (self->state_ != State::open || self->probe_ != c) return self->close_ws(c, false);
      self->upgrade_timer_->expires_after(self->shared_->options.upgrade_timeout);
      self->upgrade_timer_->async_wait([self, c](beast::error_code ec) {
        if (!ec && self->probe_ == c) self->drop_probe();
      });
      return self->read_ws(c);
    }
    // A direct WebSocket session: the open packet is its first frame.
    self->queue_.push_back(make_frame(PacketType::open, self->handshake_packet().substr(1)));
    self->queued_bytes_ += frame_bytes(self->queue_.back());
    self->opened();
    self->flush();
    self->read_ws(c);
  });
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
                 handshake_.peer, queued_bytes_);
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
  if (transport_ == Transport::websocket)
    flush_ws();
  else
    flush_poll();
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

void Session::flush_ws() {
  auto c = ws_;
  if (!c || c->writing || c->closed || queue_.empty()) return;
  // Everything queued since the last wakeup goes out in one batch of writes.
  c->batch.swap(queue_);
  c->batch_bytes = 0;
  for (const auto& f : c->batch) c->batch_bytes += frame_bytes(f);
  c->writing = true;
  write_next(c, 0);
}

void Session::write_next(std::shared_ptr<WsConn> c, std::size_t i) {
  if (c->closed) return;
  if (i == c->batch.size()) {
    count_out(c->batch.size(), c->batch_bytes);
    queued_bytes_ -= std::min(queued_bytes_, c->batch_bytes);
    c->batch.clear();
    c->writing = false;
    if (c->close_after_write && queue_.empty()) return close_ws(c, true);
    return flush_ws();
  }
  const Frame& f = c->batch[i];
  c->ws.text(!f->binary);
  auto done = [self = shared_from_this(), c, i](beast::error_code ec, std::size_t) {
    if (ec) {
      c->closed = true;
      if (self->ws_ == c && self->state_ == State::open)
        self->finish("transport error", false, PollReply::close_packet);
      return;
    }
    self->write_next(c, i + 1);
  };
  if (f->binary) {
    c->ws.async_write(asio::buffer(f->data), std::move(done));
  } else {
    std::array<asio::const_buffer, 2> bufs{asio::buffer(&f->type, 1), asio::buffer(f->data)};
    c->ws.async_write(bufs, std::move(done));
  }
}

void Session::read_ws(std::shared_ptr<WsConn> c) {
  c->ws.async_read(c->buffer, [self = shared_from_this(), c](beast::error_code ec, std::size_t n) {
    if (ec) {
      if (ec != websocket::error::closed && ec != asio::error::eof &&
          ec != asio::error::operation_aborted && ec != asio::error::connection_reset)
        self->shared_->errors->inc();
      if (self->probe_ == c) return self->drop_probe();
      if (self->ws_ == c && self->state_ == State::open) {
        bool protocol_error =
            ec == websocket::error::message_too_big ||
            ec.category() == websocket::make_error_code(websocket::error::bad_opcode).category();
        self->finish(protocol_error ? "transport error" : "transport close", false,
                     PollReply::close_packet);
      }
      return;
    }
    self->shared_->bytes_in->inc(n);
    auto data = beast::buffers_to_string(c->buffer.data());
    c->buffer.consume(c->buffer.size());
    bool text = c->ws.got_text();
    if (self->probe_ == c)
      self->on_probe_message(c, text, data);
    else if (self->ws_ == c)
      self->on_ws_message(c, text, data);
    if (!c->closed && (self->ws_ == c || self->probe_ == c) && self->state_ == State::open)
      self->read_ws(c);
  });
}

void Session::on_ws_message(const std::shared_ptr<WsConn>&, bool text, std::string_view data) {
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
    auto pong = make_frame(PacketType::pong, "probe");
    c->ws.text(true);
    auto buf = std::make_shared<std::string>(encode_text(*pong));
    c->ws.async_write(asio::buffer(*buf), [buf](beast::error_code, std::size_t) {});
    // Ends the parked poll so the client can pause polling and upgrade.
    if (poll_ && queue_.empty()) respond_poll("6");
    return;
  }
  if (p && p->type == PacketType::upgrade && probed_) return complete_upgrade();
  drop_probe();
}

void Session::complete_upgrade() {
  upgrade_timer_->cancel();
  if (poll_) respond_poll("6");
  shared_->gauge(transport_).sub();
  transport_ = Transport::websocket;
  shared_->gauge(transport_).add();
  shared_->upgrades->inc();
  ws_ = std::move(probe_);
  probe_.reset();
  probed_ = false;
  flush_ws();
}

void Session::drop_probe() {
  upgrade_timer_->cancel();
  if (auto c = std::move(probe_)) close_ws(c, false);
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
        schedule_ping(shared_->options.ping_interval);
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
  upgrade_timer_->cancel();
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
  if (probe_) drop_probe();
  if (ws_ && graceful) {
    // The queue drains, then the close frame follows.
    ws_->close_after_write = true;
    if (!ws_->writing && queue_.empty())
      close_ws(ws_, true);
    else
      flush_ws();
  } else {
    if (ws_) close_ws(ws_, false);
    queue_.clear();
    queued_bytes_ = 0;
  }
  auto handlers = std::move(handlers_);
  handlers_ = {};
  if (handlers.on_close) handlers.on_close(reason);
}

void Session::close_ws(const std::shared_ptr<WsConn>& c, bool graceful) {
  if (c->closed) return;
  c->closed = true;
  if (graceful) {
    c->ws.async_close(websocket::close_code::normal, [c](beast::error_code) {
      beast::error_code ec;
      beast::get_lowest_layer(c->ws).socket().close(ec);
    });
  } else {
    beast::error_code ec;
    beast::get_lowest_layer(c->ws).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(c->ws).socket().close(ec);
  }
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

void Session::on_upgrade(beast::tcp_stream stream, net::Request req) {
  if (state_ != State::open)
    return net::reject_upgrade(std::move(stream), error_response(ErrorCode::unknown_sid));
  if (transport_ != Transport::polling || probe_) {
    // Already upgraded or upgrading: like the reference server, complete the
    // WebSocket handshake and close it at once.
    auto c = std::make_shared<WsConn>(std::move(stream));
    auto msg = std::make_shared<http::request<http::string_body>>(std::move(req.message));
    c->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    c->ws.async_accept(*msg, [c, msg](beast::error_code ec) {
      if (!ec) c->ws.async_close(websocket::close_code::policy_error, [c](beast::error_code) {});
    });
    return;
  }
  probe_ = std::make_shared<WsConn>(std::move(stream));
  probed_ = false;
  accept_ws(probe_, std::move(req), true);
}

// ---------------------------------------------------------------- Server

Server::Server(net::IoPool& pool, net::Metrics& m, Options options)
    : shared_(std::make_shared<Shared>()) {
  shared_->options = options;
  shared_->pool = &pool;
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
    auto session =
        std::make_shared<Session>(shared_, stream.get_executor(), req, Transport::websocket);
    return session->start_websocket(std::move(stream), std::move(req));
  }
  auto session = shared_->find(*sid);
  if (!session) {
    shared_->errors->inc();
    return net::reject_upgrade(std::move(stream), error_response(ErrorCode::unknown_sid));
  }
  if (stream.get_executor() == session->executor()) {
    return asio::post(session->executor(),
                      [session, s = std::move(stream), req = std::move(req)]() mutable {
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
    tcp::socket moved(session->executor(), protocol, fd);
    session->on_upgrade(beast::tcp_stream(std::move(moved)), std::move(req));
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
