// Socket.IO v5 server: per-connection clients, sockets, namespaces, rooms
// (sharded per I/O thread) and broadcasts.
#include "sio/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace parlor::sio {
namespace asio = boost::asio;
namespace json = boost::json;

namespace detail {

struct Client;

struct SocketState {
  std::string id;
  std::string nsp;
  Namespace* ns = nullptr;
  std::weak_ptr<Client> client;
  asio::any_io_executor ex;
  std::size_t shard = 0;
  json::value auth;
  std::shared_ptr<const net::Request> handshake;
  std::atomic<bool> connected{false};
  mutable std::mutex data_mu;
  std::shared_ptr<void> data;

  // On `ex` only.
  enum class Phase { pending, connected, gone } phase = Phase::pending;
  std::unordered_set<std::string> rooms;
  std::uint64_t next_ack = 0;
  std::unordered_map<std::uint64_t, AckCallback> acks;
};

// A namespace's sockets and rooms on one I/O thread; touched only there.
struct Shard {
  std::unordered_map<std::string, std::unordered_set<SocketState*>> rooms;
  std::unordered_set<SocketState*> members;
};

struct ServerImpl {
  eio::Server* engine;
  net::IoPool* pool;
  Options options;
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Namespace>, std::less<>> namespaces;
  net::Gauge* sockets;
  net::Counter* events_in;
  net::Counter* broadcasts;
  net::Counter* errors;

  Namespace* find(std::string_view name) {
    std::lock_guard lock(mu);
    auto it = namespaces.find(name);
    return it == namespaces.end() ? nullptr : it->second.get();
  }
};

}  // namespace detail

struct Namespace::Impl {
  detail::ServerImpl* server;
  ConnectHandler on_connect;
  std::unordered_map<std::string, BinaryEventHandler> handlers;
  AnyEventHandler on_any;
  DisconnectHandler on_disconnect;
  std::vector<detail::Shard> shards;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::weak_ptr<detail::SocketState>> by_id;
};

namespace detail {
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

using Frames = std::vector<eio::Frame>;

Frames encode_frames(const Packet& p, const Attachments& bins) {
  Frames frames;
  frames.reserve(1 + bins.size());
  frames.push_back(eio::make_frame(eio::PacketType::message, encode(p)));
  for (const auto& b : bins) frames.push_back(eio::make_binary_frame(b));
  return frames;
}

// One text packet, already encoded, as the frames every recipient shares.
std::shared_ptr<const Frames> text_frames(std::string packet) {
  return std::make_shared<const Frames>(
      1, eio::make_frame(eio::PacketType::message, std::move(packet)));
}

Packet event_packet(const std::string& nsp, std::string_view event, json::array&& args,
                    std::size_t attachments, std::optional<std::uint64_t> id = std::nullopt) {
  Packet p;
  p.type = attachments ? PacketType::binary_event : PacketType::event;
  p.nsp = nsp;
  p.id = id;
  p.attachments = attachments;
  args.insert(args.begin(), json::value(event));
  p.data = json::value(std::move(args));
  return p;
}

template <class F>
void call_safely(const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::error("socket.io {} handler threw: {}", what, e.what());
  }
}

}  // namespace

struct Client : std::enable_shared_from_this<Client> {
  Client(ServerImpl* s, std::shared_ptr<eio::Session> sess)
      : server(s),
        session(std::move(sess)),
        handshake(session->shared_handshake()),
        decoder(s->options.max_attachments),
        connect_timer(session->executor()) {}

  ServerImpl* server;
  std::shared_ptr<eio::Session> session;
  std::shared_ptr<const net::Request> handshake;
  Decoder decoder;
  std::unordered_map<std::string, std::shared_ptr<SocketState>> sockets;  // by namespace
  asio::steady_timer connect_timer;
  bool any_connected = false;
  bool closed = false;

  void start() {
    auto self = shared_from_this();
    session->set_handlers({[self](eio::Packet&& p) { self->on_message(std::move(p)); },
                           [self](std::string_view reason) { self->on_close(reason); }});
    connect_timer.expires_after(server->options.connect_timeout);
    connect_timer.async_wait([w = weak_from_this()](boost::system::error_code ec) {
      auto c = w.lock();
      if (!ec && c && !c->closed && !c->any_connected) c->session->close("forced close");
    });
  }

  void send(const Frames& frames) {
    if (!closed) session->send(frames);
  }
  void send(const Packet& p, const Attachments& bins = {}) { send(encode_frames(p, bins)); }

  void on_message(eio::Packet&& p) {
    auto r = p.binary ? decoder.on_binary(std::move(p.data)) : decoder.on_text(p.data);
    if (!r) {
      server->errors->inc();
      return session->close("parse error");
    }
    if (*r) handle(std::move(**r));
  }

  std::shared_ptr<SocketState> connected_socket(const std::string& nsp) {
    auto it = sockets.find(nsp);
    if (it == sockets.end() || it->second->phase != SocketState::Phase::connected) return nullptr;
    return it->second;
  }

  void handle(Decoder::Message&& m) {
    auto& p = m.packet;
    switch (p.type) {
      case PacketType::connect:
        return on_connect(p);
      case PacketType::disconnect:
        if (auto s = connected_socket(p.nsp)) {
          sockets.erase(p.nsp);
          remove(s, "client namespace disconnect");
        }
        return;
      case PacketType::event:
      case PacketType::binary_event:
        if (auto s = connected_socket(p.nsp)) on_event(s, p, std::move(m.attachments));
        return;
      case PacketType::ack:
      case PacketType::binary_ack:
        if (auto s = connected_socket(p.nsp); s && p.id) {
          auto it = s->acks.find(*p.id);
          if (it == s->acks.end()) return;
          auto cb = std::move(it->second);
          s->acks.erase(it);
          call_safely("ack", [&] { cb(std::move(p.data->as_array()), std::move(m.attachments)); });
        }
        return;
      case PacketType::connect_error:
        return;  // only ever sent by servers
    }
  }

  void on_connect(Packet& p) {
    Namespace* ns = server->find(p.nsp);
    if (!ns) {
      Packet err{PacketType::connect_error, p.nsp, std::nullopt,
                 json::value(json::object{{"message", "Invalid namespace"}}), 0};
      return send(err);
    }
    if (sockets.count(p.nsp)) return;
    auto s = std::make_shared<SocketState>();
    s->id = random_id();
    s->nsp = p.nsp;
    s->ns = ns;
    s->client = weak_from_this();
    s->ex = session->executor();
    s->shard = std::min(session->thread_index(), server->pool->size() - 1);
    s->auth = p.data ? std::move(*p.data) : json::value(json::object{});
    s->handshake = handshake;
    sockets[p.nsp] = s;
    auto& impl = ns->impl();
    // Findable by id while pending, so that work posted after accept() from
    // another thread (join, emit) reaches it: it runs on the socket's thread
    // after the accept, which was posted first.
    {
      std::lock_guard lock(impl.mu);
      impl.by_id[s->id] = s;
    }
    if (!impl.on_connect) return accept(s);
    call_safely("connect", [&] { impl.on_connect(SocketHandle(s), s->auth, ConnectReply(s)); });
  }

  void on_event(const std::shared_ptr<SocketState>& s, Packet& p, Attachments&& bins) {
    server->events_in->inc();
    auto& args = p.data->as_array();
    std::string name(args.front().as_string());
    args.erase(args.begin());
    auto& handlers = s->ns->impl().handlers;
    auto it = handlers.find(name);
    Ack ack = p.id ? Ack(s, *p.id) : Ack();
    if (it == handlers.end()) {
      auto& any = s->ns->impl().on_any;
      if (!any) return;
      return call_safely("event",
                         [&] { any(SocketHandle(s), std::move(name), std::move(args), ack); });
    }
    call_safely("event",
                [&] { it->second(SocketHandle(s), std::move(args), std::move(bins), ack); });
  }

  static void accept(const std::shared_ptr<SocketState>& s) {
    auto c = s->client.lock();
    if (!c || c->closed || s->phase != SocketState::Phase::pending) return;
    auto it = c->sockets.find(s->nsp);
    if (it == c->sockets.end() || it->second != s) return;
    s->phase = SocketState::Phase::connected;
    s->connected = true;
    auto& impl = s->ns->impl();
    impl.shards[s->shard].members.insert(s.get());
    c->server->sockets->add();
    c->any_connected = true;
    c->connect_timer.cancel();
    Packet reply{PacketType::connect, s->nsp, std::nullopt,
                 json::value(json::object{{"sid", s->id}}), 0};
    c->send(reply);
  }

  static void forget_id(SocketState& s) {
    auto& impl = s.ns->impl();
    std::lock_guard lock(impl.mu);
    auto it = impl.by_id.find(s.id);
    if (it != impl.by_id.end() && it->second.lock().get() == &s) impl.by_id.erase(it);
  }

  static void refuse(const std::shared_ptr<SocketState>& s, json::object data) {
    auto c = s->client.lock();
    if (!c || c->closed || s->phase != SocketState::Phase::pending) return;
    auto it = c->sockets.find(s->nsp);
    if (it == c->sockets.end() || it->second != s) return;
    c->sockets.erase(it);
    s->phase = SocketState::Phase::gone;
    forget_id(*s);
    Packet err{PacketType::connect_error, s->nsp, std::nullopt, json::value(std::move(data)), 0};
    c->send(err);
  }

  // Takes a socket out of its namespace and tells the application.
  void remove(const std::shared_ptr<SocketState>& sp, std::string_view reason) {
    auto& s = *sp;
    forget_id(s);
    if (s.phase != SocketState::Phase::connected) {
      const bool was_pending = s.phase == SocketState::Phase::pending;
      s.phase = SocketState::Phase::gone;
      // The application saw on_connect: tell it the socket is gone, so it
      // does not keep state for a connection that will never be accepted.
      auto& impl = s.ns->impl();
      if (was_pending && impl.on_connect && impl.on_disconnect) {
        call_safely("disconnect",
                    [&] { impl.on_disconnect(SocketHandle(sp), std::string(reason)); });
      }
      return;
    }
    s.phase = SocketState::Phase::gone;
    s.connected = false;
    auto& impl = s.ns->impl();
    auto& shard = impl.shards[s.shard];
    shard.members.erase(&s);
    for (const auto& room : s.rooms) {
      auto it = shard.rooms.find(room);
      if (it == shard.rooms.end()) continue;
      it->second.erase(&s);
      if (it->second.empty()) shard.rooms.erase(it);
    }
    s.rooms.clear();
    s.acks.clear();
    server->sockets->sub();
    if (impl.on_disconnect)
      call_safely("disconnect", [&] { impl.on_disconnect(SocketHandle(sp), std::string(reason)); });
  }

  void on_close(std::string_view reason) {
    closed = true;
    connect_timer.cancel();
    auto all = std::move(sockets);
    sockets.clear();
    for (auto& [_, s] : all) remove(s, reason);
  }
};

}  // namespace detail

using detail::Client;
using detail::SocketState;

// ------------------------------------------------------------ SocketHandle

namespace {

template <class F>
void on_socket_thread(const std::shared_ptr<SocketState>& s, F&& f) {
  asio::post(s->ex, [s, f = std::forward<F>(f)]() mutable {
    if (s->phase != SocketState::Phase::connected) return;
    auto c = s->client.lock();
    if (!c || c->closed) return;
    f(*c);
  });
}

}  // namespace

const std::string& SocketHandle::id() const {
  return s_->id;
}
const std::string& SocketHandle::nsp() const {
  return s_->nsp;
}
const net::Request& SocketHandle::handshake() const {
  return *s_->handshake;
}
const json::value& SocketHandle::auth() const {
  return s_->auth;
}
bool SocketHandle::connected() const {
  return s_ && s_->connected.load();
}

void SocketHandle::set_data(std::shared_ptr<void> data) const {
  std::lock_guard lock(s_->data_mu);
  s_->data = std::move(data);
}

std::shared_ptr<void> SocketHandle::data() const {
  std::lock_guard lock(s_->data_mu);
  return s_->data;
}

void SocketHandle::emit(std::string_view event, json::array args, Attachments bins) const {
  if (!s_) return;
  auto frames = std::make_shared<const detail::Frames>(detail::encode_frames(
      detail::event_packet(s_->nsp, event, std::move(args), bins.size()), bins));
  on_socket_thread(s_, [frames](Client& c) { c.send(*frames); });
}

void SocketHandle::emit_with_ack(std::string_view event, json::array args, AckCallback on_ack,
                                 Attachments bins) const {
  if (!s_) return;
  on_socket_thread(s_, [s = s_, ev = std::string(event), args = std::move(args),
                        cb = std::move(on_ack), bins = std::move(bins)](Client& c) mutable {
    auto id = s->next_ack++;
    s->acks.emplace(id, std::move(cb));
    c.send(detail::event_packet(s->nsp, ev, std::move(args), bins.size(), id), bins);
  });
}

void SocketHandle::join(std::string room) const {
  if (!s_) return;
  on_socket_thread(s_, [s = s_, room = std::move(room)](Client&) {
    if (!s->rooms.insert(room).second) return;
    s->ns->impl().shards[s->shard].rooms[room].insert(s.get());
  });
}

void SocketHandle::leave(std::string room) const {
  if (!s_) return;
  on_socket_thread(s_, [s = s_, room = std::move(room)](Client&) {
    if (!s->rooms.erase(room)) return;
    auto& rooms = s->ns->impl().shards[s->shard].rooms;
    auto it = rooms.find(room);
    if (it == rooms.end()) return;
    it->second.erase(s.get());
    if (it->second.empty()) rooms.erase(it);
  });
}

void SocketHandle::disconnect(bool close_connection) const {
  if (!s_) return;
  on_socket_thread(s_, [s = s_, close_connection](Client& c) {
    c.send(Packet{PacketType::disconnect, s->nsp, std::nullopt, std::nullopt, 0});
    c.sockets.erase(s->nsp);
    c.remove(s, "server namespace disconnect");
    if (close_connection) c.session->close("forced close");
  });
}

// ------------------------------------------------------- ConnectReply, Ack

ConnectReply::ConnectReply(std::shared_ptr<SocketState> s)
    : s_(std::move(s)), used_(std::make_shared<std::atomic<bool>>(false)) {}

void ConnectReply::accept() const {
  if (used_->exchange(true)) return;
  asio::post(s_->ex, [s = s_] { Client::accept(s); });
}

void ConnectReply::refuse(json::object data) const {
  if (used_->exchange(true)) return;
  asio::post(s_->ex, [s = s_, d = std::move(data)]() mutable { Client::refuse(s, std::move(d)); });
}

Ack::Ack(std::shared_ptr<SocketState> s, std::uint64_t id)
    : s_(std::move(s)), id_(id), used_(std::make_shared<std::atomic<bool>>(false)) {}

void Ack::operator()(json::array args, Attachments bins) const {
  if (!s_ || used_->exchange(true)) return;
  Packet p;
  p.type = bins.empty() ? PacketType::ack : PacketType::binary_ack;
  p.nsp = s_->nsp;
  p.id = id_;
  p.attachments = bins.size();
  p.data = json::value(std::move(args));
  auto frames = std::make_shared<const detail::Frames>(detail::encode_frames(p, bins));
  on_socket_thread(s_, [frames](Client& c) { c.send(*frames); });
}

void Ack::send_json(std::string_view arg_json) const {
  if (!s_ || used_->exchange(true)) return;
  auto frames = detail::text_frames(encode_ack_json(s_->nsp, id_, arg_json));
  on_socket_thread(s_, [frames](Client& c) { c.send(*frames); });
}

// -------------------------------------------------------------- Namespace

Namespace::Namespace(std::string name, detail::ServerImpl* server)
    : name_(std::move(name)), impl_(std::make_unique<Impl>()) {
  impl_->server = server;
  impl_->shards.resize(server->pool->size());
}

Namespace::~Namespace() = default;

void Namespace::on_connect(ConnectHandler h) {
  impl_->on_connect = std::move(h);
}

void Namespace::on(std::string event, EventHandler h) {
  impl_->handlers[std::move(event)] = [h = std::move(h)](SocketHandle s, json::array args,
                                                         Attachments, Ack ack) {
    h(std::move(s), std::move(args), std::move(ack));
  };
}

void Namespace::on_binary(std::string event, BinaryEventHandler h) {
  impl_->handlers[std::move(event)] = std::move(h);
}

void Namespace::on_any(AnyEventHandler h) {
  impl_->on_any = std::move(h);
}

void Namespace::on_disconnect(DisconnectHandler h) {
  impl_->on_disconnect = std::move(h);
}

std::optional<SocketHandle> Namespace::find(const std::string& socket_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->by_id.find(socket_id);
  if (it == impl_->by_id.end()) return std::nullopt;
  auto s = it->second.lock();
  if (!s) return std::nullopt;
  return SocketHandle(std::move(s));
}

std::size_t Namespace::socket_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->by_id.size();
}

void Namespace::emit_to_socket(const std::string& socket_id, std::string_view event,
                               json::array args, Attachments bins) {
  if (auto s = find(socket_id)) s->emit(event, std::move(args), std::move(bins));
}

void Namespace::join(const std::string& socket_id, std::string room) {
  if (auto s = find(socket_id)) s->join(std::move(room));
}

void Namespace::leave(const std::string& socket_id, std::string room) {
  if (auto s = find(socket_id)) s->leave(std::move(room));
}

void Namespace::disconnect(const std::string& socket_id, bool close_connection) {
  if (auto s = find(socket_id)) s->disconnect(close_connection);
}

void Namespace::emit_to_room(const std::string& room, std::string_view event, json::array args,
                             const std::string& except_socket_id, Attachments bins) {
  broadcast(&room, event, std::move(args), except_socket_id, {}, std::move(bins));
}

void Namespace::emit_to_room_except(const std::string& room, std::string_view event,
                                    json::array args, const std::string& except_room,
                                    Attachments bins) {
  broadcast(&room, event, std::move(args), {}, except_room, std::move(bins));
}

void Namespace::emit_all(std::string_view event, json::array args, Attachments bins) {
  broadcast(nullptr, event, std::move(args), {}, {}, std::move(bins));
}

namespace {

// Queues `frames` on every member of `room` (every socket of the namespace
// when null), on each socket's own I/O thread.
void post_to_members(Namespace::Impl* impl, const std::string* room,
                     std::shared_ptr<const detail::Frames> frames, const std::string& except,
                     const std::string& except_room) {
  impl->server->broadcasts->inc();
  auto target = std::make_shared<const std::optional<std::string>>(
      room ? std::optional<std::string>(*room) : std::nullopt);
  auto skip = std::make_shared<const std::pair<std::string, std::string>>(except, except_room);
  auto* pool = impl->server->pool;
  for (std::size_t i = 0; i < pool->size(); ++i) {
    asio::post(pool->context(i), [impl, i, frames, target, skip] {
      auto& shard = impl->shards[i];
      const std::unordered_set<SocketState*>* members = &shard.members;
      if (*target) {
        auto it = shard.rooms.find(**target);
        if (it == shard.rooms.end()) return;
        members = &it->second;
      }
      // send() never calls back, so the set cannot change under us.
      for (SocketState* s : *members) {
        if (!skip->first.empty() && s->id == skip->first) continue;
        if (!skip->second.empty() && s->rooms.contains(skip->second)) continue;
        if (auto c = s->client.lock()) c->send(*frames);
      }
    });
  }
}

std::shared_ptr<const detail::Frames> value_event_frames(const std::string& nsp,
                                                         std::string_view event,
                                                         const json::value& arg) {
  return detail::text_frames(encode_event(nsp, event, arg));
}

}  // namespace

void Namespace::broadcast(const std::string* room, std::string_view event, json::array&& args,
                          const std::string& except, const std::string& except_room,
                          Attachments&& bins) {
  // Encoded once; every recipient on every thread queues these same frames.
  auto frames = std::make_shared<const detail::Frames>(detail::encode_frames(
      detail::event_packet(name_, event, std::move(args), bins.size()), bins));
  post_to_members(impl_.get(), room, std::move(frames), except, except_room);
}

void Namespace::emit_value_to_room(const std::string& room, std::string_view event,
                                   const json::value& arg, const std::string& except_socket_id) {
  post_to_members(impl_.get(), &room, value_event_frames(name_, event, arg), except_socket_id, {});
}

void Namespace::emit_value_to_room_except(const std::string& room, std::string_view event,
                                          const json::value& arg, const std::string& except_room) {
  post_to_members(impl_.get(), &room, value_event_frames(name_, event, arg), {}, except_room);
}

void Namespace::emit_json_to_room(const std::string& room, std::string_view event,
                                  std::string_view arg_json, const std::string& except_socket_id) {
  post_to_members(impl_.get(), &room,
                  detail::text_frames(encode_event_json(name_, event, arg_json)), except_socket_id,
                  {});
}

void Namespace::emit_value_to_socket(const std::string& socket_id, std::string_view event,
                                     const json::value& arg) {
  std::shared_ptr<SocketState> s;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->by_id.find(socket_id);
    if (it != impl_->by_id.end()) s = it->second.lock();
  }
  if (!s) return;
  on_socket_thread(
      s, [frames = value_event_frames(name_, event, arg)](Client& c) { c.send(*frames); });
}

// ----------------------------------------------------------------- Server

Server::Server(eio::Server& engine, net::IoPool& pool, net::Metrics& m, Options options)
    : impl_(std::make_unique<detail::ServerImpl>()) {
  impl_->engine = &engine;
  impl_->pool = &pool;
  impl_->options = options;
  impl_->sockets = &m.gauge("parlor_sio_connected_sockets", "Sockets connected to a namespace");
  impl_->events_in = &m.counter("parlor_sio_events_in_total", "Socket.IO events received");
  impl_->broadcasts = &m.counter("parlor_sio_broadcasts_total", "Room and namespace broadcasts");
  impl_->errors = &m.counter("parlor_sio_errors_total", "Malformed Socket.IO packets");
  engine.on_connection([impl = impl_.get()](std::shared_ptr<eio::Session> session) {
    std::make_shared<Client>(impl, std::move(session))->start();
  });
}

Server::~Server() = default;

Namespace& Server::of(const std::string& name) {
  std::lock_guard lock(impl_->mu);
  auto& ns = impl_->namespaces[name];
  if (!ns) ns = std::make_unique<Namespace>(name, impl_.get());
  return *ns;
}

}  // namespace parlor::sio
