// One server-side WebSocket connection (RFC 6455) over a TCP socket: the
// opening handshake's answer, gather writes, reads through a per-thread
// buffer, and the closing handshake. The socket is non-blocking; writes are
// attempted at once and only wait for writability when the kernel's buffer
// is full, reads wait for readability and then read into a buffer shared by
// every connection of the I/O thread, so an idle connection holds no buffer.
//
// WsConn does the I/O steps; eio::Session decides when (see server.cpp).
// All calls on the connection's executor.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eio/packet.hpp"
#include "eio/ws_frame.hpp"
#include "net/request.hpp"

namespace parlor::eio {

// Checks a WebSocket upgrade request (GET, HTTP/1.1, Upgrade: websocket,
// Connection: upgrade, Sec-WebSocket-Version: 13, a 16-byte base64
// Sec-WebSocket-Key). Returns the response that refuses it, or nothing.
std::optional<net::Response> check_upgrade(const net::Request& req);
// The 101 Switching Protocols answer to a valid upgrade request (no
// extensions, no subprotocol).
std::string accept_response(std::string_view key);
// SHA-1 + base64 of the key and the RFC's GUID.
std::string accept_key(std::string_view key);

struct WsConn {
  enum class State : std::uint8_t {
    open,
    closing,  // close frame queued or sent; reading on until the peer's close or EOF
    closed,   // socket closed
  };
  enum class WriteResult : std::uint8_t { done, pending, error };

  // Bytes read per read_some (the per-thread buffer).
  static constexpr std::size_t read_buffer_size = 64 * 1024;

  WsConn(boost::asio::ip::tcp::socket s, std::size_t max_message);

  boost::asio::ip::tcp::socket socket;
  ws::Parser parser;
  std::string raw;  // bytes to send before the next frames: the 101, pongs, probe answers
  std::unique_ptr<boost::asio::steady_timer> close_timer;  // only while closing
  struct Pending;
  std::unique_ptr<Pending> pending;  // the rest of a write the kernel did not take at once
  State state = State::open;
  bool writing = false;            // waiting for writability to finish a batch
  bool close_after_write = false;  // the close frame follows what is queued
  bool drop_queue = false;         // failing: send the close frame, not the queue
  bool close_sent = false;
  bool close_received = false;
  std::uint16_t close_code = ws::close_code::normal;

  ~WsConn();

  // Sends `raw`, then `frames` (moved out of the vector), then, if
  // close_after_write, a close frame, with as few syscalls as the kernel
  // allows (one gather write when it takes everything). `done`: all written;
  // `pending`: the rest waits in `pending`, call continue_write() when the
  // socket is writable; `error`: `ec` says why.
  WriteResult write(std::vector<Frame>& frames, boost::system::error_code& ec);
  WriteResult continue_write(boost::system::error_code& ec);
  // Frames and payload bytes (as the metrics count them) of the pending write.
  std::size_t pending_frames() const;
  std::size_t pending_bytes() const;
  // Drops the finished pending write.
  void end_pending();

  // Reads what is available into the calling thread's buffer. 0 with no
  // error: nothing to read now (would block).
  std::size_t read_some(char*& data, boost::system::error_code& ec);

  // Shuts down and closes the socket now.
  void abort();
};

}  // namespace parlor::eio
