// See sio_client.hpp.
#include "sio_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cstring>

namespace parlor::bench {

namespace {

constexpr std::uint8_t kText = 0x1, kClose = 0x8, kPing = 0x9, kPong = 0xA;
constexpr std::size_t kMaxMessage = 8 * 1024 * 1024;

// One read buffer per generator thread: a client keeps only the incomplete
// tail of what it read, so idle clients hold no buffer at all.
thread_local std::array<char, 256 * 1024> scratch;

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

std::uint32_t next_mask(std::uint32_t& x) {  // xorshift32: masks need not be secret here
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

}  // namespace

Client::Client(asio::io_context& io, ClientListener& listener, std::uint32_t index)
    : io_(io),
      listener_(listener),
      index_(index),
      socket_(io),
      deadline_(io),
      mask_seed_(index * 2654435761u + 1) {}

void Client::connect(const tcp::endpoint& server, const asio::ip::address& source,
                     std::string token) {
  token_ = std::move(token);
  in_.clear();
  message_.clear();
  out_.clear();
  sending_.clear();
  connected_ = false;
  down_reported_ = false;
  why_.clear();
  stage_ = Stage::connecting;
  boost::system::error_code ec;
  socket_ = tcp::socket(io_);
  socket_.open(server.protocol(), ec);
  if (!ec) {
    // Defer the source port choice to connect(), so one source address can
    // serve many destinations' worth of ports.
    int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket_.set_option(tcp::no_delay(true), ec);
  }
  if (!ec) socket_.non_blocking(true, ec);
  if (!ec && !source.is_unspecified()) socket_.bind(tcp::endpoint(source, 0), ec);
  if (ec) {
    writing_ = true;  // finish through the same path as async failures
    asio::post(io_, [self = shared_from_this(), ec] {
      self->writing_ = false;
      self->fail("socket: " + ec.message());
    });
    return;
  }
  timing_ = true;
  deadline_.expires_after(std::chrono::seconds(30));
  deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->timing_ = false;
    if (!ec && self->stage_ != Stage::open) self->fail("connect: timed out");
    self->finish_if_idle();
  });
  server_ = server;
  reading_ = true;
  socket_.async_connect(server, [self = shared_from_this()](const boost::system::error_code& ec) {
    self->on_tcp(ec);
  });
}

void Client::on_tcp(const boost::system::error_code& ec) {
  reading_ = false;
  if (stage_ == Stage::closed) return finish_if_idle();
  if (ec) return fail("connect: " + ec.message());
  stage_ = Stage::handshake;
  // A fixed key: the generator does not check Sec-WebSocket-Accept.
  out_ = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: " +
         server_.address().to_string() + ":" + std::to_string(server_.port()) +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: cGFybG9yLWxvYWRnZW4tMQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  wait_readable();  // first, so a failing write finds the read pending
  write();
}

void Client::wait_readable() {
  reading_ = true;
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->reading_ = false;
                       if (self->stage_ == Stage::closed) return self->finish_if_idle();
                       if (ec) return self->fail("read: " + ec.message());
                       self->on_readable();
                     });
}

void Client::on_readable() {
  // Drain the socket: the reactor is edge triggered. `reading_` stays set
  // while frames are handled, so a failure inside cannot report the client
  // down (and let it reconnect) under the buffer being parsed.
  reading_ = true;
  auto done = [this] {
    reading_ = false;
    finish_if_idle();
  };
  for (;;) {
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(scratch), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {
      fail(ec == asio::error::eof ? "closed by server" : "read: " + ec.message());
      return done();
    }
    if (in_.empty()) {
      std::string_view got(scratch.data(), n);
      std::size_t used = consume(got);
      if (stage_ == Stage::closed) return done();
      in_.assign(got.substr(used));
    } else {
      in_.append(scratch.data(), n);
      std::size_t used = consume(in_);
      if (stage_ == Stage::closed) return done();
      in_.erase(0, used);
    }
    if (n < scratch.size()) break;
  }
  if (in_.empty() && in_.capacity() > 4096) std::string().swap(in_);
  wait_readable();
}

std::size_t Client::consume(std::string_view in) {
  std::size_t used = 0;
  if (stage_ == Stage::handshake) {
    used = consume_handshake(in);
    if (stage_ != Stage::open) return used;
  }
  return used + consume_frames(in.substr(used));
}

std::size_t Client::consume_handshake(std::string_view in) {
  auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (in.size() > 16 * 1024) fail("handshake: response too large");
    return 0;
  }
  auto status = in.substr(0, in.find("\r\n"));
  if (status.substr(0, 12) != "HTTP/1.1 101") {
    fail("handshake: " + std::string(status));
    return in.size();
  }
  stage_ = Stage::open;
  deadline_.cancel();
  return end + 4;
}

std::size_t Client::consume_frames(std::string_view in) {
  std::size_t used = 0;
  while (stage_ == Stage::open) {
    std::string_view f = in.substr(used);
    if (f.size() < 2) break;
    auto b0 = static_cast<std::uint8_t>(f[0]), b1 = static_cast<std::uint8_t>(f[1]);
    if (b1 & 0x80) {
      fail("read: masked server frame");
      break;
    }
    std::size_t header = 2;
    std::uint64_t len = b1 & 0x7F;
    if (len == 126) {
      if (f.size() < 4) break;
      len = (std::uint64_t{static_cast<std::uint8_t>(f[2])} << 8) | static_cast<std::uint8_t>(f[3]);
      header = 4;
    } else if (len == 127) {
      if (f.size() < 10) break;
      len = 0;
      for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<std::uint8_t>(f[i]);
      header = 10;
    }
    if (len > kMaxMessage) {
      fail("read: message too large");
      break;
    }
    if (f.size() < header + len) break;
    std::string_view payload = f.substr(header, len);
    used += header + len;
    const bool fin = b0 & 0x80;
    const std::uint8_t op = b0 & 0x0F;
    if (op == kClose) {
      fail("closed by server");
    } else if (op == kPing) {
      send_frame(kPong, payload);
    } else if (op == kPong) {
      // not asked for; ignore
    } else if (op == 0 || !message_.empty() || !fin) {  // fragments
      message_.append(payload);
      if (message_.size() > kMaxMessage) {
        fail("read: message too large");
      } else if (fin) {
        std::string whole;
        whole.swap(message_);
        handle(whole);
      }
    } else {
      handle(payload);
    }
  }
  return used;
}

void Client::handle(std::string_view f) {
  if (f.empty()) return;
  switch (f[0]) {
    case '0':  // Engine.IO open: CONNECT to the main namespace
      send_frame(kText, token_.empty() ? std::string("40") : "40{\"token\":\"" + token_ + "\"}");
      break;
    case '2':  // ping -> pong with the same payload
      send_frame(kText, "3" + std::string(f.substr(1)));
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
  char id[24];
  auto r = std::to_chars(id, id + sizeof id, ack_id);
  std::string f;
  f.reserve(event.size() + json.size() + 32);
  f += "42";
  f.append(id, r.ptr);
  f += "[\"";
  f += event;
  f += "\",";
  f += json;
  f += ']';
  send_frame(kText, f);
  return true;
}

void Client::send_frame(std::uint8_t opcode, std::string_view payload) {
  if (stage_ != Stage::open) return;
  std::uint8_t h[14];
  std::size_t n = 2;
  h[0] = static_cast<std::uint8_t>(0x80 | opcode);
  if (payload.size() < 126) {
    h[1] = static_cast<std::uint8_t>(0x80 | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    h[1] = 0x80 | 126;
    h[2] = static_cast<std::uint8_t>(payload.size() >> 8);
    h[3] = static_cast<std::uint8_t>(payload.size());
    n = 4;
  } else {
    h[1] = 0x80 | 127;
    for (int i = 0; i < 8; ++i)
      h[2 + i] = static_cast<std::uint8_t>(std::uint64_t{payload.size()} >> (56 - 8 * i));
    n = 10;
  }
  std::uint32_t m = next_mask(mask_seed_);
  std::uint8_t mask[4];
  std::memcpy(mask, &m, 4);
  std::memcpy(h + n, mask, 4);
  n += 4;
  out_.append(reinterpret_cast<const char*>(h), n);
  std::size_t at = out_.size();
  out_.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i) out_[at + i] ^= static_cast<char>(mask[i & 3]);
  if (!writing_) write();
}

void Client::write() {
  if (out_.empty() || stage_ == Stage::closed) return finish_if_idle();
  // Everything queued goes out in one write; most complete at once.
  sending_.swap(out_);
  out_.clear();
  boost::system::error_code ec;
  std::size_t n = socket_.write_some(asio::buffer(sending_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again)
    return fail("write: " + ec.message());
  if (!ec && n == sending_.size()) {
    sending_.clear();
    return;
  }
  sending_.erase(0, ec ? 0 : n);
  writing_ = true;
  asio::async_write(socket_, asio::buffer(sending_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->writing_ = false;
                      self->sending_.clear();
                      if (self->stage_ == Stage::closed) return self->finish_if_idle();
                      if (ec) return self->fail("write: " + ec.message());
                      self->write();
                    });
}

void Client::drop() {
  if (stage_ == Stage::closed || down_reported_) return;
  boost::system::error_code ec;
  socket_.set_option(asio::socket_base::linger(true, 0), ec);
  fail("dropped");
}

void Client::fail(std::string_view why) {
  if (why_.empty()) why_ = why;
  stage_ = Stage::closed;
  connected_ = false;
  boost::system::error_code ec;
  socket_.close(ec);
  deadline_.cancel();
  finish_if_idle();
}

void Client::finish_if_idle() {
  if (stage_ != Stage::closed || reading_ || writing_ || timing_ || down_reported_) return;
  down_reported_ = true;
  out_.clear();
  in_.clear();
  message_.clear();
  listener_.on_down(*this, why_.empty() ? std::string_view("closed") : std::string_view(why_));
}

}  // namespace parlor::bench
