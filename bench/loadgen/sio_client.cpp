// See sio_client.hpp.
#include "sio_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/websocket/stream_base.hpp>
#include <charconv>

namespace parlor::bench {

namespace websocket = beast::websocket;

namespace {

// Finds `"key":` and returns what follows, spaces skipped; empty if absent.
std::string_view after_key(std::string_view s, std::string_view quoted_key_colon) {
  auto p = s.find(quoted_key_colon);
  if (p == std::string_view::npos) return {};
  s.remove_prefix(p + quoted_key_colon.size());
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::string_view string_value(std::string_view s) {
  if (s.empty() || s.front() != '"') return {};
  s.remove_prefix(1);
  auto e = s.find('"');
  return e == std::string_view::npos ? std::string_view{} : s.substr(0, e);
}

std::uint64_t number_value(std::string_view s) {
  std::uint64_t v = 0;
  if (!s.empty() && s.front() == '"') s.remove_prefix(1);  // ids may be strings
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

Client::Client(asio::io_context& io, ClientListener& listener, std::uint32_t index)
    : io_(io), listener_(listener), index_(index) {}

void Client::connect(const tcp::endpoint& server, const asio::ip::address& source,
                     std::string token) {
  token_ = std::move(token);
  host_ = server.address().to_string() + ":" + std::to_string(server.port());
  ws_.emplace(io_);
  buf_.clear();
  out_.clear();
  open_ = connected_ = false;
  down_reported_ = false;
  why_.clear();
  auto& sock = beast::get_lowest_layer(*ws_).socket();
  beast::error_code ec;
  sock.open(server.protocol(), ec);
  if (!ec) {
    // Defer the source port choice to connect(), so one source address can
    // serve many destinations' worth of ports.
    int one = 1;
    ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sock.set_option(tcp::no_delay(true), ec);
  }
  if (!ec && !source.is_unspecified()) sock.bind(tcp::endpoint(source, 0), ec);
  if (ec) {
    writing_ = true;  // finish through the same path as async failures
    asio::post(io_, [self = shared_from_this(), ec] {
      self->writing_ = false;
      self->fail("socket: " + ec.message());
    });
    return;
  }
  beast::get_lowest_layer(*ws_).expires_after(std::chrono::seconds(30));
  reading_ = true;
  beast::get_lowest_layer(*ws_).async_connect(
      server, [self = shared_from_this()](beast::error_code ec) { self->on_tcp(ec); });
}

void Client::on_tcp(beast::error_code ec) {
  if (ec) {
    reading_ = false;
    return fail("connect: " + ec.message());
  }
  ws_->read_message_max(8 * 1024 * 1024);
  ws_->async_handshake(
      host_, "/socket.io/?EIO=4&transport=websocket",
      [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
}

void Client::on_handshake(beast::error_code ec) {
  if (ec) {
    reading_ = false;
    return fail("handshake: " + ec.message());
  }
  beast::get_lowest_layer(*ws_).expires_never();
  ws_->text(true);
  open_ = true;
  reading_ = false;
  read();
  if (!out_.empty()) write();
}

void Client::read() {
  reading_ = true;
  ws_->async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->on_read(ec, n);
  });
}

void Client::on_read(beast::error_code ec, std::size_t n) {
  reading_ = false;
  if (ec)
    return fail(ec == websocket::error::closed ? "closed by server" : "read: " + ec.message());
  auto data = buf_.data();
  handle(std::string_view(static_cast<const char*>(data.data()), n));
  buf_.consume(buf_.size());
  if (open_)
    read();
  else
    finish_if_idle();
}

void Client::handle(std::string_view f) {
  if (f.empty()) return;
  switch (f[0]) {
    case '0':  // Engine.IO open: CONNECT to the main namespace
      send(token_.empty() ? std::string("40") : "40{\"token\":\"" + token_ + "\"}");
      break;
    case '2':  // ping -> pong with the same payload
      send("3" + std::string(f.substr(1)));
      break;
    case '1':
      fail("engine.io close");
      break;
    case '4':
      handle_sio(f.substr(1));
      break;
    default:
      break;
  }
}

void Client::handle_sio(std::string_view p) {
  if (p.empty()) return;
  char type = p[0];
  p.remove_prefix(1);
  if (!p.empty() && p[0] == '/') return;  // other namespaces: not ours
  switch (type) {
    case '0':
      connected_ = true;
      listener_.on_connected(*this);
      break;
    case '4':
      fail("connect_error " + std::string(p));
      break;
    case '1':
      fail("disconnected by server");
      break;
    case '2': {
      // ack ids are not used on server-to-client events here
      while (!p.empty() && p[0] >= '0' && p[0] <= '9') p.remove_prefix(1);
      static constexpr std::string_view kNew = "[\"new_message\",";
      if (p.substr(0, kNew.size()) != kNew) break;
      Delivery d;
      d.room_id = string_value(after_key(p, "\"room_id\":"));
      d.rev = number_value(after_key(p, "\"rev\":"));
      d.client_msg_id = string_value(after_key(p, "\"client_msg_id\":"));
      listener_.on_new_message(*this, d);
      break;
    }
    case '3': {
      std::uint64_t id = 0;
      auto r = std::from_chars(p.data(), p.data() + p.size(), id);
      p.remove_prefix(static_cast<std::size_t>(r.ptr - p.data()));
      listener_.on_ack(*this, id, p);
      break;
    }
    default:
      break;
  }
}

bool Client::emit(std::string_view event, std::string_view json, std::uint64_t ack_id) {
  if (!connected_) return false;
  std::string f;
  f.reserve(event.size() + json.size() + 32);
  f += "42";
  f += std::to_string(ack_id);
  f += "[\"";
  f += event;
  f += "\",";
  f += json;
  f += ']';
  send(std::move(f));
  return true;
}

void Client::send(std::string frame) {
  if (!ws_ || down_reported_) return;
  out_.push_back(std::move(frame));
  if (open_ && !writing_) write();
}

void Client::write() {
  writing_ = true;
  ws_->async_write(asio::buffer(out_.front()),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->writing_ = false;
                     if (ec) return self->fail("write: " + ec.message());
                     self->out_.pop_front();
                     if (self->open_ && !self->out_.empty())
                       self->write();
                     else
                       self->finish_if_idle();
                   });
}

void Client::drop() {
  if (!ws_ || down_reported_) return;
  auto& sock = beast::get_lowest_layer(*ws_).socket();
  beast::error_code ec;
  sock.set_option(asio::socket_base::linger(true, 0), ec);
  fail("dropped");
}

void Client::fail(std::string_view why) {
  if (why_.empty()) why_ = why;
  open_ = connected_ = false;
  if (ws_) {
    beast::error_code ec;
    beast::get_lowest_layer(*ws_).socket().close(ec);
  }
  finish_if_idle();
}

void Client::finish_if_idle() {
  if (open_ || reading_ || writing_ || down_reported_) return;
  down_reported_ = true;
  out_.clear();
  listener_.on_down(*this, why_.empty() ? std::string_view("closed") : std::string_view(why_));
}

}  // namespace parlor::bench
