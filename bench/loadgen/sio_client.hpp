// One Socket.IO v5 client over an Engine.IO v4 WebSocket (no polling), small
// and cheap enough that one process holds many thousands. It speaks RFC 6455
// itself on a plain socket: one handshake request, then every read drains
// the socket and parses all the frames that came (the server's frames are
// unmasked; ours are masked, as the RFC requires). It answers pings, sends
// CONNECT with a token, frames events with ack ids and hands new_message
// broadcasts and acks to a listener without a full JSON parse.
//
// The generator shares the machine with the server under test, so every
// microsecond it spends per delivery is taken from the server: hence no
// Beast websocket stream here (its per-message read operation and UTF-8
// check cost more than the rest of the client).
//
// Threading: a Client lives on one io_context run by one thread; every call
// and every listener callback happens on that thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parlor::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Client;

// A new_message broadcast as seen on the wire (views into the read buffer).
struct Delivery {
  std::string_view room_id;
  std::uint64_t rev = 0;
  std::string_view client_msg_id;
};

class ClientListener {
 public:
  virtual ~ClientListener() = default;
  virtual void on_connected(Client& c) = 0;  // Socket.IO CONNECT accepted
  virtual void on_new_message(Client& c, const Delivery& d) = 0;
  virtual void on_ack(Client& c, std::uint64_t id, std::string_view payload) = 0;
  // The connection is over (error, server close, refused CONNECT or drop())
  // and no operation is pending: connect() may be called again.
  virtual void on_down(Client& c, std::string_view why) = 0;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, ClientListener& listener, std::uint32_t index);

  // Starts connecting from `source` (port chosen at connect time).
  void connect(const tcp::endpoint& server, const asio::ip::address& source, std::string token);
  // Emits `42<ack_id>["<event>",<json>]`. Dropped when not connected.
  bool emit(std::string_view event, std::string_view json, std::uint64_t ack_id);
  // Closes abruptly (RST), like a dropped network; on_down follows.
  void drop();

  bool connected() const { return connected_; }
  std::uint32_t index() const { return index_; }

 private:
  enum class Stage : std::uint8_t { connecting, handshake, open, closed };

  void on_tcp(const boost::system::error_code& ec);
  void wait_readable();
  void on_readable();
  // Consumes what `in` holds: the handshake response, then frames. Returns
  // the bytes used; the rest is an incomplete frame.
  std::size_t consume(std::string_view in);
  std::size_t consume_handshake(std::string_view in);
  std::size_t consume_frames(std::string_view in);
  void handle(std::string_view message);
  void handle_sio(std::string_view p);
  void send_frame(std::uint8_t opcode, std::string_view payload);
  void write();
  void fail(std::string_view why);
  void finish_if_idle();

  asio::io_context& io_;
  ClientListener& listener_;
  std::uint32_t index_;
  tcp::socket socket_;
  asio::steady_timer deadline_;  // connect + handshake
  tcp::endpoint server_;
  std::string token_;
  std::string in_;       // received bytes not yet parsed (an incomplete frame)
  std::string message_;  // a fragmented message being assembled
  std::string out_;      // frames queued while a write is in flight
  std::string sending_;  // the frames of the write in flight
  std::uint32_t mask_seed_;
  Stage stage_ = Stage::closed;
  bool reading_ = false;
  bool writing_ = false;
  bool timing_ = false;
  bool connected_ = false;  // Socket.IO connected
  bool down_reported_ = true;
  std::string why_;
};

}  // namespace parlor::bench
