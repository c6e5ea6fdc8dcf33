// The Engine.IO v4 server: sessions over HTTP long-polling and WebSocket
// (directly or by upgrade), heartbeats, limits and bounded send queues.
//
// Threading: a session lives on the I/O thread (io_context) where its
// handshake arrived, for its whole life. Polling requests that arrive on
// other threads are posted to it; an upgrading WebSocket's file descriptor is
// moved onto the session's io_context. All Session methods must be called on
// session->executor(); Server methods are thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "eio/packet.hpp"
#include "eio/ws_frame.hpp"
#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/metrics.hpp"
#include "net/request.hpp"

namespace parlor::eio {

struct Options {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::chrono::milliseconds upgrade_timeout{10000};
  std::size_t max_payload = 1000000;                   // bytes per polling body / WebSocket message
  std::size_t max_send_queue_bytes = 8 * 1024 * 1024;  // past it: "slow consumer" close
  // WebSocket closing handshake: how long a closing connection may take to
  // drain its queue and get the peer's close frame before it is cut.
  std::chrono::milliseconds close_timeout{5000};
};

enum class Transport { polling, websocket };

class Server;
struct Shared;
struct WsConn;

struct SessionHandlers {
  // An incoming message packet (text or binary).
  std::function<void(Packet&&)> on_message;
  // The session is closed; called once, then no more callbacks. `reason`:
  // "transport close", "transport error", "ping timeout", "parse error",
  // "forced close", "slow consumer", "server shutting down".
  std::function<void(std::string_view reason)> on_close;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Immutable, any thread.
  const std::string& id() const { return id_; }
  const boost::asio::any_io_executor& executor() const { return ex_; }
  std::size_t thread_index() const { return thread_index_; }
  // The request that opened the session (headers, query, peer; no body).
  const net::Request& handshake() const { return *handshake_; }
  // The same request, shared: layers above keep it without a copy.
  const std::shared_ptr<const net::Request>& shared_handshake() const { return handshake_; }

  // Everything below: on executor() only.
  Transport transport() const { return transport_; }
  bool closed() const { return state_ == State::closed; }
  std::size_t queued_bytes() const { return queued_bytes_; }
  void set_handlers(SessionHandlers h) { handlers_ = std::move(h); }

  // Queues packets in order; `frames` stay together (a Socket.IO packet and
  // its binary attachments). Past Options::max_send_queue_bytes the session
  // is closed as a slow consumer (at the next turn of the loop: send() never
  // calls back into handlers) and false is returned.
  bool send(Frame frame);
  bool send(std::span<const Frame> frames);
  // Graceful close: what is queued is still delivered, then the transport
  // closes. No-op when already closed.
  void close(std::string_view reason = "forced close");

  // --- internal, used by Server
  Session(std::shared_ptr<Shared> shared, boost::asio::any_io_executor ex, net::Request handshake,
          Transport transport);
  ~Session();
  void start_polling(net::Responder handshake_reply);
  // `accept`: the 101 answer, already checked (see check_upgrade).
  void start_websocket(boost::asio::ip::tcp::socket socket, std::string accept);
  void on_poll_get(net::Responder r);
  void on_poll_post(net::Request req, net::Responder r);
  void on_upgrade(boost::asio::ip::tcp::socket socket, net::Request req);

 private:
  enum class State : std::uint8_t { open, closed };
  enum class PollReply { close_packet, noop };
  // abort: cut the TCP connection now. graceful: what is queued, then a
  // close frame, then wait for the peer's. fail: only a close frame with the
  // given code, then shut down.
  enum class WsClose { abort, graceful, fail };

  std::string handshake_packet() const;
  void opened();
  void schedule_ping(std::chrono::milliseconds after);
  void on_ping_timer();
  bool heartbeat_overdue();
  void handle_packet(Packet&& p);
  void flush();
  void flush_posted();  // the flush that flush() scheduled
  // Flushes every session listed on this I/O thread (see Shared::FlushList).
  static void flush_listed(Shared& shared, std::size_t thread_index);
  void flush_poll();
  void flush_ws(const std::shared_ptr<WsConn>& c);
  void wait_writable(const std::shared_ptr<WsConn>& c);
  void written(const std::shared_ptr<WsConn>& c, std::size_t frames, std::size_t bytes);
  void write_failed(const std::shared_ptr<WsConn>& c, const boost::system::error_code& ec);
  void read_ws(std::shared_ptr<WsConn> c);
  void wait_readable(const std::shared_ptr<WsConn>& c);
  // Handles one parsed WebSocket event; false: stop reading this connection.
  bool on_ws_event(const std::shared_ptr<WsConn>& c, const ws::Parser::Event& ev);
  void ws_gone(const std::shared_ptr<WsConn>& c, std::string_view reason);
  void on_ws_message(bool text, std::string_view data);
  void on_probe_message(const std::shared_ptr<WsConn>& c, bool text, std::string_view data);
  void complete_upgrade();
  void drop_probe();
  // Closes now. `graceful`: deliver the queue and a close packet first.
  void finish(std::string_view reason, bool graceful, PollReply poll_reply);
  void close_ws(const std::shared_ptr<WsConn>& c, WsClose mode,
                std::uint16_t code = 1000 /* normal */);
  void respond_poll(std::string body);
  void count_out(std::size_t packets, std::size_t bytes);

  std::shared_ptr<Shared> shared_;
  std::string id_;
  boost::asio::any_io_executor ex_;
  std::size_t thread_index_;
  std::shared_ptr<const net::Request> handshake_;
  Transport transport_;
  State state_ = State::open;
  SessionHandlers handlers_;

  std::vector<Frame> queue_;
  std::size_t queued_bytes_ = 0;

  std::optional<net::Responder> poll_;  // the parked GET
  std::uint64_t poll_gen_ = 0;

  std::shared_ptr<WsConn> ws_;     // the active WebSocket
  std::shared_ptr<WsConn> probe_;  // a WebSocket being upgraded to
  bool probed_ = false;
  // Closed while the client had paused polling for an upgrade: the close
  // goes out over the probe once the client sends "5" (see finish()).
  bool close_after_upgrade_ = false;

  std::unique_ptr<boost::asio::steady_timer> ping_timer_;
  std::unique_ptr<boost::asio::steady_timer> upgrade_timer_;  // only while upgrading
  std::chrono::steady_clock::time_point heartbeat_deadline_;
  std::chrono::steady_clock::time_point ping_due_;  // when the last ping was due
  bool awaiting_pong_ = false;
  bool linger_ = false;  // closed by the client; answers one racing GET
  bool close_packet_received_ = false;
  bool overflowed_ = false;
  bool flush_posted_ = false;  // a WebSocket flush runs at the end of this turn of the loop
};

class Server {
 public:
  Server(net::IoPool& pool, net::Metrics& metrics, Options options);
  ~Server();

  // Set before serving. Runs on the new session's thread once the handshake
  // is on its way; set the session's handlers there.
  void on_connection(std::function<void(std::shared_ptr<Session>)> handler);

  // A Mount serving this Engine.IO endpoint under `prefix` ("/engine.io/").
  net::Mount mount(std::string prefix);
  void handle_request(net::Request req, net::Responder responder);
  void handle_upgrade(boost::beast::tcp_stream stream, net::Request req);

  // Closes every session gracefully. Any thread.
  void close_all(std::string_view reason = "server shutting down");
  std::size_t session_count() const;
  const Options& options() const;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace parlor::eio
