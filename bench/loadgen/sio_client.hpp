// One Socket.IO v5 client over an Engine.IO v4 WebSocket (no polling), small
// enough that one process holds many thousands. It answers pings, sends
// CONNECT with a token, frames events with ack ids and hands new_message
// broadcasts and acks to a listener without a full JSON parse.
//
// Threading: a Client lives on one io_context run by one thread; every call
// and every listener callback happens on that thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace parlor::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
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
  using ws_stream = beast::websocket::stream<beast::tcp_stream>;

  void on_tcp(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void read();
  void on_read(beast::error_code ec, std::size_t n);
  void handle(std::string_view frame);
  void handle_sio(std::string_view p);
  void send(std::string frame);
  void write();
  void fail(std::string_view why);
  void finish_if_idle();

  asio::io_context& io_;
  ClientListener& listener_;
  std::uint32_t index_;
  std::string host_;
  std::string token_;
  std::optional<ws_stream> ws_;
  beast::flat_buffer buf_;
  std::deque<std::string> out_;
  bool reading_ = false;
  bool writing_ = false;
  bool open_ = false;       // WebSocket usable
  bool connected_ = false;  // Socket.IO connected
  bool down_reported_ = true;
  std::string why_;
};

}  // namespace parlor::bench
