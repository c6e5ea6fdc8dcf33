// The WebSocket connection's I/O steps: handshake answer, gather writes with
// sendmsg, reads into a per-thread buffer.
#include "eio/ws_conn.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <boost/beast/core/detail/sha1.hpp>
#include <cerrno>
#include <climits>
#include <cstring>

#include "core/ascii.hpp"

namespace parlor::eio {
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

using core::iequals;

// Whether a comma-separated header value lists `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

net::Response refuse(http::status status, std::string_view why) {
  net::Response res{status, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::string(why);
  return res;
}

}  // namespace

std::optional<net::Response> check_upgrade(const net::Request& req) {
  // The same checks and answers as Boost.Beast's websocket accept.
  if (req.message.version() != 11) return refuse(http::status::bad_request, "HTTP/1.1 required");
  if (req.method() != http::verb::get) return refuse(http::status::bad_request, "Wrong method");
  if (!has_token(req.header("Connection"), "upgrade"))
    return refuse(http::status::bad_request, "Missing or incorrect Connection");
  if (!has_token(req.header("Upgrade"), "websocket"))
    return refuse(http::status::bad_request, "Missing or incorrect Upgrade");
  auto key = req.header("Sec-WebSocket-Key");
  if (key.empty()) return refuse(http::status::bad_request, "Missing Sec-WebSocket-Key");
  if (!ws::valid_key(key)) return refuse(http::status::bad_request, "Invalid Sec-WebSocket-Key");
  auto version = req.header("Sec-WebSocket-Version");
  if (version.empty()) return refuse(http::status::bad_request, "Missing Sec-WebSocket-Version");
  if (version != "13") {
    auto res = refuse(http::status::upgrade_required, "Invalid Sec-WebSocket-Version");
    res.set(http::field::sec_websocket_version, "13");
    return res;
  }
  return std::nullopt;
}

std::string accept_key(std::string_view key) {
  static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  namespace d = boost::beast::detail;
  d::sha1_context ctx;
  d::init(ctx);
  d::update(ctx, key.data(), key.size());
  d::update(ctx, guid.data(), guid.size());
  char digest[d::sha1_context::digest_size];
  d::finish(ctx, digest);
  return base64_encode(std::string_view(digest, sizeof digest));
}

std::string accept_response(std::string_view key) {
  std::string out;
  out.reserve(160);
  out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  out += "Sec-WebSocket-Accept: ";
  out += accept_key(key);
  out += "\r\nServer: parlor\r\n\r\n";
  return out;
}

// ---------------------------------------------------------------- WsConn

struct WsConn::Pending {
  std::vector<Frame> frames;  // keeps the payloads alive
  std::string scratch;        // headers, raw bytes, the close frame
  std::vector<iovec> iov;     // what is left to send
  std::size_t pos = 0;
  std::size_t nframes = 0;
  std::size_t bytes = 0;
};

WsConn::WsConn(asio::ip::tcp::socket s, std::size_t max_message)
    : socket(std::move(s)), parser(max_message) {}

WsConn::~WsConn() = default;

std::size_t WsConn::pending_frames() const {
  return pending ? pending->nframes : 0;
}
std::size_t WsConn::pending_bytes() const {
  return pending ? pending->bytes : 0;
}
void WsConn::end_pending() {
  pending.reset();
}

namespace {

// Sends iov[pos..] until done or the kernel's buffer is full; advances pos
// and trims the first unsent buffer. Returns false on a socket error.
bool send_iov(int fd, std::vector<iovec>& iov, std::size_t& pos, bool& would_block,
              boost::system::error_code& ec) {
  would_block = false;
  while (pos < iov.size()) {
    msghdr m{};
    m.msg_iov = iov.data() + pos;
    m.msg_iovlen = std::min<std::size_t>(iov.size() - pos, IOV_MAX);
    ssize_t n = ::sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        would_block = true;
        return true;
      }
      ec.assign(errno, boost::system::system_category());
      return false;
    }
    auto left = static_cast<std::size_t>(n);
    while (pos < iov.size() && left >= iov[pos].iov_len) {
      left -= iov[pos].iov_len;
      ++pos;
    }
    if (left > 0) {
      iov[pos].iov_base = static_cast<char*>(iov[pos].iov_base) + left;
      iov[pos].iov_len -= left;
    }
  }
  return true;
}

}  // namespace

WsConn::WriteResult WsConn::write(std::vector<Frame>& frames, boost::system::error_code& ec) {
  // Headers and small bytes go into one scratch array per thread; payloads
  // are referenced where they are (a broadcast's buffer is shared).
  thread_local std::string scratch;
  thread_local std::vector<iovec> iov;
  const bool send_close = close_after_write && !close_sent;
  scratch.resize(raw.size() + frames.size() * (ws::max_server_header + 1) + (send_close ? 4 : 0));
  iov.clear();
  char* base = scratch.data();
  std::size_t off = 0;
  if (!raw.empty()) {
    std::memcpy(base, raw.data(), raw.size());
    iov.push_back({base, raw.size()});
    off = raw.size();
    if (raw.capacity() > 64)
      std::string().swap(raw);
    else
      raw.clear();
  }
  std::size_t bytes = 0;
  for (const auto& f : frames) {
    auto* h = reinterpret_cast<std::uint8_t*>(base + off);
    std::size_t n;
    if (f->binary) {
      n = ws::encode_header(h, ws::Opcode::binary, f->data.size());
    } else {
      n = ws::encode_header(h, ws::Opcode::text, f->data.size() + 1);
      h[n++] = static_cast<std::uint8_t>(f->type);
    }
    iov.push_back({base + off, n});
    off += n;
    if (!f->data.empty()) iov.push_back({const_cast<char*>(f->data.data()), f->data.size()});
    bytes += f->data.size() + 1;
  }
  if (send_close) {
    std::string c;
    ws::append_close(c, close_code);
    std::memcpy(base + off, c.data(), c.size());
    iov.push_back({base + off, c.size()});
    off += c.size();
    close_sent = true;
  }
  std::size_t pos = 0;
  bool would_block = false;
  if (!send_iov(socket.native_handle(), iov, pos, would_block, ec)) {
    frames.clear();
    return WriteResult::error;
  }
  if (!would_block) {
    frames.clear();
    return WriteResult::done;
  }
  // The kernel took part of it: keep the rest, with our own copy of the
  // scratch bytes.
  pending = std::make_unique<Pending>();
  pending->nframes = frames.size();
  pending->bytes = bytes;
  pending->frames = std::move(frames);
  frames.clear();
  pending->scratch.assign(base, off);
  const char* lo = base;
  const char* hi = base + off;
  for (std::size_t i = pos; i < iov.size(); ++i) {
    auto* b = static_cast<char*>(iov[i].iov_base);
    if (b >= lo && b < hi) b = pending->scratch.data() + (b - lo);
    pending->iov.push_back({b, iov[i].iov_len});
  }
  return WriteResult::pending;
}

WsConn::WriteResult WsConn::continue_write(boost::system::error_code& ec) {
  if (!pending) return WriteResult::done;
  bool would_block = false;
  if (!send_iov(socket.native_handle(), pending->iov, pending->pos, would_block, ec))
    return WriteResult::error;
  return would_block ? WriteResult::pending : WriteResult::done;
}

std::size_t WsConn::read_some(char*& data, boost::system::error_code& ec) {
  thread_local std::unique_ptr<char[]> buffer(new char[read_buffer_size]);
  data = buffer.get();
  for (;;) {
    ssize_t n = ::recv(socket.native_handle(), data, read_buffer_size, MSG_DONTWAIT);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == 0) {
      ec = asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) ec.assign(errno, boost::system::system_category());
    return 0;
  }
}

void WsConn::abort() {
  state = State::closed;
  boost::system::error_code ec;
  if (close_timer) close_timer->cancel();
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
  pending.reset();
}

}  // namespace parlor::eio
