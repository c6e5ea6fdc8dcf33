// The Socket.IO v5 server on top of Engine.IO: namespaces, connect with an
// auth payload decided by the application, events and acks both ways,
// binary attachments, rooms and broadcasts.
//
// Threading. Every socket lives on its Engine.IO session's I/O thread.
// Handlers (on_connect, on, on_disconnect) run there and must not block:
// hand slow work elsewhere and answer later through ConnectReply / Ack /
// SocketHandle / Namespace, which are all callable from any thread. Every
// call from another thread is posted to the socket's thread, so events
// emitted from one thread to one socket arrive in the order they were emitted.
//
// Broadcasts (emit_to_room, emit_all) encode the packet once into shared
// immutable Engine.IO frames, then post them to every I/O thread, which hands
// the same frames to its local members of the room.
//
// Binary: arguments are boost::json values; a binary argument is a
// placeholder object placeholder(i) in the JSON and bytes at index i of an
// Attachments vector passed alongside (the Socket.IO wire form itself).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "eio/server.hpp"
#include "net/io_pool.hpp"
#include "net/metrics.hpp"
#include "sio/packet.hpp"

namespace parlor::sio {

class Namespace;
class Server;
namespace detail {
struct SocketState;
struct ServerImpl;
}  // namespace detail

using AckCallback = std::function<void(boost::json::array args, Attachments attachments)>;

// A reference to one socket (one client in one namespace). Cheap to copy;
// every method is thread-safe. Outliving the socket is fine: calls on a
// disconnected socket do nothing.
class SocketHandle {
 public:
  SocketHandle() = default;
  explicit SocketHandle(std::shared_ptr<detail::SocketState> s) : s_(std::move(s)) {}

  // Stable id, unique per socket (the "sid" of the CONNECT reply).
  const std::string& id() const;
  const std::string& nsp() const;
  // The Engine.IO handshake request (headers, query, peer address).
  const net::Request& handshake() const;
  // The CONNECT payload ({} when the client sent none).
  const boost::json::value& auth() const;
  bool connected() const;

  // An opaque value for the application, e.g. set in on_connect before
  // accept(). Thread-safe.
  void set_data(std::shared_ptr<void> data) const;
  std::shared_ptr<void> data() const;

  void emit(std::string_view event, boost::json::array args = {}, Attachments bins = {}) const;
  // The client's acknowledgement runs `on_ack` on the socket's thread (never,
  // if the socket disconnects first).
  void emit_with_ack(std::string_view event, boost::json::array args, AckCallback on_ack,
                     Attachments bins = {}) const;
  void join(std::string room) const;
  void leave(std::string room) const;
  // Sends DISCONNECT and removes the socket from its namespace;
  // `close_connection` also closes the underlying Engine.IO session.
  void disconnect(bool close_connection = false) const;

  explicit operator bool() const { return s_ != nullptr; }

 private:
  std::shared_ptr<detail::SocketState> s_;
};

// The answer to a CONNECT: accept() or refuse(data), exactly once, from any
// thread (later calls are ignored). A socket is only connected — it can
// receive emits, join rooms — once accept() has been processed; emits
// posted before accept() from another thread are dropped.
class ConnectReply {
 public:
  explicit ConnectReply(std::shared_ptr<detail::SocketState> s);
  void accept() const;
  // CONNECT_ERROR with `data` as payload, e.g. {"message":"unauthorized"}.
  void refuse(boost::json::object data) const;

 private:
  std::shared_ptr<detail::SocketState> s_;
  std::shared_ptr<std::atomic<bool>> used_;
};

// Acknowledges one event, once, from any thread. Empty (operator() does
// nothing, wanted() is false) when the client asked for no ack.
class Ack {
 public:
  Ack() = default;
  Ack(std::shared_ptr<detail::SocketState> s, std::uint64_t id);
  bool wanted() const { return s_ != nullptr; }
  void operator()(boost::json::array args, Attachments bins = {}) const;
  // Acknowledges with one argument given as JSON text (valid JSON, spliced
  // in as is): for a value serialized once and also sent elsewhere.
  void send_json(std::string_view arg_json) const;

 private:
  std::shared_ptr<detail::SocketState> s_;
  std::uint64_t id_ = 0;
  std::shared_ptr<std::atomic<bool>> used_;
};

using ConnectHandler = std::function<void(SocketHandle, boost::json::value auth, ConnectReply)>;
// `args` are the event's arguments without its name.
using EventHandler = std::function<void(SocketHandle, boost::json::array args, Ack)>;
using BinaryEventHandler =
    std::function<void(SocketHandle, boost::json::array args, Attachments bins, Ack)>;
// reason: "client namespace disconnect", "server namespace disconnect",
// or the Engine.IO close reason ("transport close", "ping timeout", ...).
using DisconnectHandler = std::function<void(SocketHandle, std::string reason)>;
// For events no on()/on_binary() handler claims: gets the event's name too.
using AnyEventHandler =
    std::function<void(SocketHandle, std::string event, boost::json::array args, Ack)>;

class Namespace {
 public:
  // Set-up: before the server serves traffic (not thread-safe).
  // Without a connect handler every CONNECT is accepted.
  void on_connect(ConnectHandler h);
  // One handler per event name; events without a handler are ignored.
  void on(std::string event, EventHandler h);
  // Same, with the binary attachments (placeholders stay in `args`).
  void on_binary(std::string event, BinaryEventHandler h);
  // Events without their own handler go here (without one, they are ignored).
  void on_any(AnyEventHandler h);
  // Also called for a socket that goes away while its connect is still
  // pending (the application was told of it by on_connect).
  void on_disconnect(DisconnectHandler h);

  // Any thread.
  const std::string& name() const { return name_; }
  void emit_to_socket(const std::string& socket_id, std::string_view event,
                      boost::json::array args = {}, Attachments bins = {});
  void emit_to_room(const std::string& room, std::string_view event, boost::json::array args = {},
                    const std::string& except_socket_id = {}, Attachments bins = {});
  // Every socket in `room` except those also in `except_room` (e.g. all of
  // one user's tabs: Socket.IO's `to(room).except(other)`).
  void emit_to_room_except(const std::string& room, std::string_view event, boost::json::array args,
                           const std::string& except_room, Attachments bins = {});
  void emit_all(std::string_view event, boost::json::array args = {}, Attachments bins = {});
  // The same for the common case of one JSON argument and no binary: the
  // packet is serialized straight from `arg`, which is neither copied nor
  // consumed (an application may broadcast the same value several times).
  void emit_value_to_socket(const std::string& socket_id, std::string_view event,
                            const boost::json::value& arg);
  void emit_value_to_room(const std::string& room, std::string_view event,
                          const boost::json::value& arg, const std::string& except_socket_id = {});
  void emit_value_to_room_except(const std::string& room, std::string_view event,
                                 const boost::json::value& arg, const std::string& except_room);
  // The same with the argument already serialized (valid JSON text, spliced
  // in as is): a value sent in several packets is serialized once.
  void emit_json_to_room(const std::string& room, std::string_view event, std::string_view arg_json,
                         const std::string& except_socket_id = {});
  void join(const std::string& socket_id, std::string room);
  void leave(const std::string& socket_id, std::string room);
  void disconnect(const std::string& socket_id, bool close_connection = false);
  // A handle to a connected socket of this namespace.
  std::optional<SocketHandle> find(const std::string& socket_id) const;
  std::size_t socket_count() const;

  // Internal.
  Namespace(std::string name, detail::ServerImpl* server);
  ~Namespace();
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  void broadcast(const std::string* room, std::string_view event, boost::json::array&& args,
                 const std::string& except, const std::string& except_room, Attachments&& bins);
  std::string name_;
  std::unique_ptr<Impl> impl_;
};

struct Options {
  // Close an Engine.IO connection that joined no namespace within this time.
  std::chrono::milliseconds connect_timeout{45000};
  std::size_t max_attachments = 64;
};

class Server {
 public:
  // Attaches to `engine` (replaces its on_connection handler).
  Server(eio::Server& engine, net::IoPool& pool, net::Metrics& metrics, Options options = {});
  ~Server();
  // Creates the namespace on first use. Set-up time only; the reference
  // stays valid for the server's life. CONNECTs to namespaces never created
  // are refused with {"message":"Invalid namespace"}.
  Namespace& of(const std::string& name);

 private:
  std::unique_ptr<detail::ServerImpl> impl_;
};

}  // namespace parlor::sio
