// See fleet.hpp.
#include "fleet.hpp"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>

#include "rest.hpp"

namespace parlor::bench {

namespace json = boost::json;
using boost::beast::http::verb;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

constexpr std::size_t kMaxErrors = 8;

bool ack_ok(std::string_view payload) {
  auto p = payload.find("\"ok\":");
  if (p == std::string_view::npos) return false;
  auto rest = payload.substr(p + 5);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest.substr(0, 4) == "true";
}

std::uint64_t rev_in(std::string_view payload) {
  auto p = payload.find("\"rev\":");
  if (p == std::string_view::npos) return 0;
  auto rest = payload.substr(p + 6);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '"')) rest.remove_prefix(1);
  std::uint64_t v = 0;
  std::from_chars(rest.data(), rest.data() + rest.size(), v);
  return v;
}

// client_msg_id is "<prefix>-<client>-<n>-<steady ns at send>"
std::int64_t sent_at(std::string_view cmid) {
  auto p = cmid.rfind('-');
  if (p == std::string_view::npos) return 0;
  std::int64_t t = 0;
  std::from_chars(cmid.data() + p + 1, cmid.data() + cmid.size(), t);
  return t;
}

std::string json_string_of(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

std::uint64_t json_u64(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return static_cast<std::uint64_t>(v->as_int64());
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_double()) return static_cast<std::uint64_t>(v->as_double());
  if (v->is_string()) {
    std::uint64_t x = 0;
    auto& s = v->as_string();
    std::from_chars(s.data(), s.data() + s.size(), x);
    return x;
  }
  return 0;
}

double own_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

template <class Fn>
void parallel_for(std::size_t n, unsigned threads, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> ts;
  for (unsigned t = 0; t < std::max(1u, threads); ++t)
    ts.emplace_back([&, t] {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) fn(i, t);
    });
  for (auto& th : ts) th.join();
}

// Runs job(i, client) for every i in [0, n) over `parallel` REST clients of
// `server`; a job returns "" or an error. Returns the first error reported.
template <class Job>
std::string parallel_rest(const asio::ip::tcp::endpoint& server, unsigned parallel, std::size_t n,
                          Job job) {
  std::vector<std::unique_ptr<RestClient>> rest;
  for (unsigned t = 0; t < std::max(1u, parallel); ++t)
    rest.push_back(std::make_unique<RestClient>(server));
  std::mutex m;
  std::string first;
  parallel_for(n, parallel, [&](std::size_t i, unsigned t) {
    std::string e = job(i, *rest[t]);
    std::lock_guard lock(m);
    if (first.empty()) first = std::move(e);
  });
  return first;
}

}  // namespace

Fleet::Fleet(FleetOptions opts, Layout layout) : opts_(std::move(opts)), layout_(layout) {
  if (opts_.sources.empty()) opts_.sources.push_back(asio::ip::make_address("127.0.0.1"));
  opts_.threads = std::max(1u, opts_.threads);
  for (unsigned t = 0; t < opts_.threads; ++t) workers_.push_back(std::make_unique<Worker>());

  std::uint32_t n_users = layout_.rooms * layout_.room_size;
  users_.resize(n_users);
  rooms_.resize(layout_.rooms);
  std::uint64_t sockets = static_cast<std::uint64_t>(n_users) * layout_.tabs;
  if (layout_.max_sockets && layout_.max_sockets < sockets) sockets = layout_.max_sockets;
  states_.resize(sockets);
  for (std::uint32_t i = 0; i < states_.size(); ++i) {
    auto& st = states_[i];
    st.user = i / layout_.tabs;
    st.worker = i % opts_.threads;
    st.source = opts_.sources[i % opts_.sources.size()];
    std::uint32_t room = st.user / layout_.room_size;
    st.tracks.push_back(Track{room, 0, {}, {}});
    st.sender = (i % layout_.tabs == 0) && (st.user % layout_.room_size < layout_.senders_per_room);
    st.send_room = room;
    ++rooms_[room].sockets;
    auto& w = *workers_[st.worker];
    clients_.push_back(std::make_shared<Client>(w.io, static_cast<ClientListener&>(*this), i));
    w.clients.push_back(i);
    if (st.sender) {
      w.senders.push_back(i);
      ++total_senders_;
    }
  }
  for (auto& w : workers_) {
    w->guard.emplace(w->io.get_executor());
    w->thread = std::thread([&io = w->io] { io.run(); });
  }
}

Fleet::~Fleet() {
  run_on_all([this](Worker& w) {
    w.pacer.cancel();
    for (auto i : w.clients) clients_[i]->drop();
  });
  for (auto& w : workers_) {
    w->guard.reset();
    // pending operations end with the drops above; do not wait on a stuck peer
    w->io.stop();
    w->thread.join();
  }
  // clients hold sockets of the workers' io_contexts: release them first
  clients_.clear();
  workers_.clear();
}

std::uint64_t Fleet::deliveries_per_message() const {
  return static_cast<std::uint64_t>(layout_.room_size) * layout_.tabs;
}

void Fleet::run_on_all(const std::function<void(Worker&)>& fn) {
  std::vector<std::future<void>> done;
  for (auto& w : workers_) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    asio::post(w->io, [&fn, &w, p] {
      fn(*w);
      p->set_value();
    });
  }
  for (auto& f : done) f.wait();
}

void Fleet::note_error(Worker& w, std::string_view what) {
  if (w.errors.size() >= kMaxErrors) return;
  for (auto& e : w.errors)
    if (e == what) return;
  w.errors.emplace_back(what);
}

ProcSample Fleet::sample_server() const {
  return opts_.server_pid > 0 ? sample_process_tree(opts_.server_pid) : ProcSample{};
}

// ---- set-up over REST ----

std::string Fleet::register_users(std::uint32_t n) {
  if (users_.size() < n) users_.resize(n);
  std::size_t known = 0;
  if (!opts_.accounts_file.empty()) {
    std::ifstream f(opts_.accounts_file);
    std::string id, token;
    while (known < n && f >> id >> token) users_[known++] = UserInfo{id, token};
  }
  auto error = parallel_rest(
      opts_.server, opts_.setup_parallel, n - known,
      [&](std::size_t k, RestClient& rest) -> std::string {
        std::size_t i = known + k;
        std::string name = opts_.name_prefix + "u" + std::to_string(i);
        json::object body{{"username", name},
                          {"email", name + "@bench.example"},
                          {"password", "bench-password-1"}};
        auto r = rest.call(verb::post, "/api/auth/register", body);
        if (!r) return "register: " + r.error().message();
        if (r->status != 200 && r->status != 201) return "register: " + describe_error(*r);
        auto* o = r->body.if_object();
        auto* user = o ? o->if_contains("user") : nullptr;
        users_[i].token = o ? json_string_of(o->if_contains("token")) : "";
        users_[i].id =
            user && user->is_object() ? json_string_of(user->as_object().if_contains("id")) : "";
        if (users_[i].token.empty() || users_[i].id.empty())
          return "register: reply without token or user.id: " + json::serialize(r->body);
        return {};
      });
  if (!error.empty()) return error;
  if (!opts_.accounts_file.empty() && known < n) {
    std::ofstream f(opts_.accounts_file, std::ios::trunc);
    for (std::uint32_t i = 0; i < n; ++i) f << users_[i].id << ' ' << users_[i].token << '\n';
  }
  return {};
}

std::string Fleet::setup() {
  auto error = register_users(static_cast<std::uint32_t>(users_.size()));
  if (!error.empty()) return error;
  error = parallel_rest(
      opts_.server, opts_.setup_parallel, rooms_.size(),
      [&](std::size_t r, RestClient& rest) -> std::string {
        std::uint32_t first = static_cast<std::uint32_t>(r) * layout_.room_size;
        json::array members;
        for (std::uint32_t u = first + 1; u < first + layout_.room_size; ++u)
          members.push_back(json::value(users_[u].id));
        json::object body{{"name", opts_.name_prefix + "room" + std::to_string(r)},
                          {"description", "bench"},
                          {"type", "public"},
                          {"member_ids", std::move(members)}};
        auto res = rest.call(verb::post, "/api/rooms", body, users_[first].token);
        if (!res) return "create room: " + res.error().message();
        if (res->status != 200 && res->status != 201) return "create room: " + describe_error(*res);
        auto* o = res->body.if_object();
        auto* room = o ? o->if_contains("room") : nullptr;
        rooms_[r].id =
            room && room->is_object() ? json_string_of(room->as_object().if_contains("id")) : "";
        if (rooms_[r].id.empty())
          return "create room: reply without room.id: " + json::serialize(res->body);
        return {};
      });
  for (std::uint32_t r = 0; r < rooms_.size(); ++r) room_index_[rooms_[r].id] = r;
  return error;
}

// ---- connecting ----

ConnectResult Fleet::connect_all(double timeout_s) {
  auto t0 = now_ns();
  run_on_all([this](Worker& w) {
    for (auto i : w.clients)
      if (states_[i].stage == Stage::idle) w.to_connect.push_back(i);
    pump_connects(w);
  });
  ConnectResult out;
  out.wanted = states_.size();
  auto deadline = t0 + static_cast<std::int64_t>(timeout_s * 1e9);
  for (;;) {
    std::uint64_t ready = 0, failed = 0;
    for (auto& w : workers_) {
      ready += w->a_ready.load(std::memory_order_relaxed);
      failed += w->a_failed.load(std::memory_order_relaxed);
    }
    out.ready = ready;
    out.failed = failed;
    if (ready + failed >= out.wanted || now_ns() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  out.elapsed_s = static_cast<double>(now_ns() - t0) / 1e9;
  run_on_all([&](Worker& w) {
    w.to_connect.clear();  // a timeout stops further attempts
  });
  std::mutex m;
  run_on_all([&](Worker& w) {
    std::lock_guard lock(m);
    out.connect_ms.merge(w.connect_ms);
    for (auto& e : w.errors)
      if (out.errors.size() < kMaxErrors) out.errors.push_back(e);
    w.errors.clear();
  });
  return out;
}

void Fleet::pump_connects(Worker& w) {
  while (w.inflight < opts_.connect_inflight && !w.to_connect.empty()) {
    auto i = w.to_connect.front();
    w.to_connect.pop_front();
    ++w.inflight;
    states_[i].stage = Stage::connecting;
    states_[i].t_start_ns = now_ns();
    start_connect(i);
  }
}

void Fleet::start_connect(std::uint32_t i) {
  auto& st = states_[i];
  clients_[i]->connect(opts_.server, st.source, users_[st.user].token);
}

void Fleet::on_connected(Client& c) {
  auto& st = states_[c.index()];
  if (st.stage == Stage::connecting) {
    st.stage = Stage::joining;
    st.joins_left = static_cast<int>(st.tracks.size());
    for (auto& t : st.tracks) {
      auto id = st.next_ack++;
      st.pending[id] = Pending{Pending::join, t.room, now_ns()};
      c.emit("join_room", "{\"room_id\":" + json::serialize(json::value(rooms_[t.room].id)) + "}",
             id);
    }
  } else if (st.stage == Stage::reconnecting) {
    st.stage = Stage::syncing;
    std::vector<std::pair<std::uint32_t, std::uint64_t>> cursors;
    for (auto& t : st.tracks) cursors.emplace_back(t.room, t.contig);
    send_sync(c.index(), cursors);
  }
}

void Fleet::send_sync(std::uint32_t i,
                      const std::vector<std::pair<std::uint32_t, std::uint64_t>>& cursors) {
  auto& st = states_[i];
  json::object cur;
  for (auto& [room, rev] : cursors) cur[rooms_[room].id] = rev;
  json::object body{{"cursors", std::move(cur)}, {"limit_per_room", 500}};
  auto id = st.next_ack++;
  st.pending[id] = Pending{Pending::sync, 0, now_ns()};
  clients_[i]->emit("sync", json::serialize(body), id);
}

void Fleet::on_down(Client& c, std::string_view why) {
  auto i = c.index();
  auto& st = states_[i];
  auto& w = *workers_[st.worker];
  st.pending.clear();
  switch (st.stage) {
    case Stage::connecting:
    case Stage::joining:
      st.stage = Stage::failed;
      ++w.c.disconnects;
      w.a_failed.fetch_add(1, std::memory_order_relaxed);
      note_error(w, "connect: " + std::string(why));
      --w.inflight;
      pump_connects(w);
      break;
    case Stage::reconnecting:
      // the drop itself, or a failed reconnect: try again from a fresh stream
      if (why != "dropped") note_error(w, "reconnect: " + std::string(why));
      asio::post(w.io, [this, i] { start_connect(i); });
      break;
    case Stage::syncing:
      ++w.c.sync_errors;
      note_error(w, "during sync: " + std::string(why));
      st.stage = Stage::failed;
      break;
    default:
      ++w.c.disconnects;
      note_error(w, "disconnected: " + std::string(why));
      st.stage = Stage::failed;
      break;
  }
}

// ---- receiving ----

Fleet::Track* Fleet::track_of(ClientState& st, std::string_view room_id) {
  auto it = room_index_.find(std::string(room_id));
  if (it == room_index_.end()) return nullptr;
  for (auto& t : st.tracks)
    if (t.room == it->second) return &t;
  return nullptr;
}

void Fleet::record(Worker& w, ClientState& st, Track& t, std::uint64_t rev, std::string_view cmid,
                   bool via_sync, std::int64_t now) {
  if (rev <= t.contig || t.ahead.count(rev)) {
    // A message both returned by sync and broadcast is expected around a
    // resync (subscribe, then read), however late the broadcast arrives;
    // anything else is a duplicate.
    bool overlap = via_sync || st.stage == Stage::syncing || t.from_sync.erase(rev) > 0;
    if (overlap)
      ++w.c.overlap;
    else
      ++w.c.duplicates;
    return;
  }
  if (via_sync) t.from_sync.insert(rev);
  if (rev == t.contig + 1) {
    ++t.contig;
    while (!t.ahead.empty() && *t.ahead.begin() == t.contig + 1) {
      ++t.contig;
      t.ahead.erase(t.ahead.begin());
    }
  } else {
    t.ahead.insert(rev);
  }
  w.a_delivered.fetch_add(1, std::memory_order_relaxed);
  if (via_sync) {
    ++w.c.via_sync;
    return;
  }
  auto sent = sent_at(cmid);
  if (sent > 0 && now >= sent)
    w.delivery_us.record(static_cast<std::uint64_t>((now - sent) / 1000));
}

void Fleet::on_new_message(Client& c, const Delivery& d) {
  auto& st = states_[c.index()];
  auto& w = *workers_[st.worker];
  Track* t = track_of(st, d.room_id);
  if (!t || d.rev == 0) {
    ++w.c.unexpected;
    return;
  }
  record(w, st, *t, d.rev, d.client_msg_id, false, now_ns());
}

void Fleet::on_ack(Client& c, std::uint64_t id, std::string_view payload) {
  auto i = c.index();
  auto& st = states_[i];
  auto& w = *workers_[st.worker];
  auto it = st.pending.find(id);
  if (it == st.pending.end()) {
    ++w.c.unexpected;
    return;
  }
  Pending p = it->second;
  st.pending.erase(it);
  auto now = now_ns();
  bool ok = ack_ok(payload);
  switch (p.kind) {
    case Pending::join:
      if (!ok) {
        note_error(w, "join_room: " + std::string(payload.substr(0, 200)));
        st.stage = Stage::failed;
        w.a_failed.fetch_add(1, std::memory_order_relaxed);
        --w.inflight;
        pump_connects(w);
        return;
      }
      for (auto& t : st.tracks)
        if (t.room == p.room) t.contig = rev_in(payload);
      if (--st.joins_left == 0 && st.stage == Stage::joining) {
        st.stage = Stage::ready;
        w.connect_ms.record(static_cast<std::uint64_t>((now - st.t_start_ns) / 1'000'000));
        w.a_ready.fetch_add(1, std::memory_order_relaxed);
        --w.inflight;
        pump_connects(w);
      }
      break;
    case Pending::send:
      w.a_done.fetch_add(1, std::memory_order_relaxed);
      if (ok) {
        ++w.c.acked;
        w.a_expected.fetch_add(rooms_[p.room].sockets, std::memory_order_relaxed);
        w.ack_us.record(static_cast<std::uint64_t>((now - p.t_ns) / 1000));
      } else {
        ++w.c.ack_errors;
        note_error(w, "send_message: " + std::string(payload.substr(0, 200)));
      }
      break;
    case Pending::sync:
      if (!ok) {
        ++w.c.sync_errors;
        note_error(w, "sync: " + std::string(payload.substr(0, 200)));
        st.stage = Stage::ready;
        return;
      }
      on_sync_ack(i, payload);
      break;
  }
}

void Fleet::on_sync_ack(std::uint32_t i, std::string_view payload) {
  auto& st = states_[i];
  auto& w = *workers_[st.worker];
  auto now = now_ns();
  boost::system::error_code ec;
  // payload is `[{"ok":true,...}]`
  json::value v = json::parse(payload, ec);
  const json::object* o = nullptr;
  if (!ec && v.is_array() && !v.as_array().empty()) o = v.as_array()[0].if_object();
  const json::value* rooms = o ? o->if_contains("rooms") : nullptr;
  if (!rooms || !rooms->is_array()) {
    ++w.c.sync_errors;
    note_error(w, "sync: unexpected reply " + std::string(payload.substr(0, 200)));
    st.stage = Stage::ready;
    return;
  }
  std::vector<std::pair<std::uint32_t, std::uint64_t>> again;
  for (auto& rv : rooms->as_array()) {
    auto* ro = rv.if_object();
    if (!ro) continue;
    Track* t = track_of(st, json_string_of(ro->if_contains("room_id")));
    if (!t) continue;
    if (auto* msgs = ro->if_contains("messages"); msgs && msgs->is_array())
      for (auto& m : msgs->as_array())
        if (auto* mo = m.if_object()) {
          auto rev = json_u64(mo->if_contains("rev"));
          if (rev)
            record(w, st, *t, rev, json_string_of(mo->if_contains("client_msg_id")), true, now);
        }
    auto* more = ro->if_contains("has_more");
    if (more && more->is_bool() && more->as_bool())
      again.emplace_back(t->room, json_u64(ro->if_contains("cursor")));
  }
  if (!again.empty()) return send_sync(i, again);
  st.stage = Stage::ready;
  st.sync_done_ns = now;
  ++w.c.synced;
  w.a_synced.fetch_add(1, std::memory_order_relaxed);
  w.sync_ms.record(static_cast<std::uint64_t>((now - st.t_start_ns) / 1'000'000));
}

// ---- sending ----

void Fleet::send_one(Worker& w, std::uint32_t i, std::int64_t now) {
  auto& st = states_[i];
  if (st.stage != Stage::ready || !clients_[i]->connected()) {
    ++w.c.send_skipped;
    return;
  }
  std::string cmid = opts_.name_prefix + std::to_string(i) + "-" +
                     std::to_string(++st.msg_counter) + "-" + std::to_string(now);
  std::string content = "lg " + cmid + " ";
  if (content.size() < opts_.content_bytes)
    content.append(opts_.content_bytes - content.size(), 'x');
  std::string body;
  body.reserve(content.size() + cmid.size() + 80);
  body += "{\"room_id\":";
  body += json::serialize(json::value(rooms_[st.send_room].id));
  body += ",\"content\":\"";
  body += content;
  body += "\",\"client_msg_id\":\"";
  body += cmid;
  body += "\"}";
  auto id = st.next_ack++;
  st.pending[id] = Pending{Pending::send, st.send_room, now};
  clients_[i]->emit("send_message", body, id);
  ++w.c.sent;
  w.a_sent.fetch_add(1, std::memory_order_relaxed);
}

void Fleet::pace(Worker& w) {
  if (!w.sending) return;
  auto now = now_ns();
  auto due = static_cast<std::uint64_t>(static_cast<double>(now - w.start_ns) * w.rate / 1e9);
  // after a stall, do not burst more than 100 ms worth at once
  auto cap = static_cast<std::uint64_t>(w.rate * 0.1) + 1;
  if (due > w.paced + cap) w.paced = due - cap;
  while (w.paced < due && !w.senders.empty()) {
    ++w.paced;
    send_one(w, w.senders[w.rr++ % w.senders.size()], now);
  }
  w.pacer.expires_after(std::chrono::milliseconds(1));
  w.pacer.async_wait([this, &w](boost::system::error_code ec) {
    if (!ec) pace(w);
  });
}

PhaseResult Fleet::run_phase(double rate, double seconds, double drain_s, std::function<void()> mid,
                             double at_fraction) {
  PhaseResult out;
  out.offered_rate = rate;
  run_on_all([](Worker& w) {
    w.c = Counters{};
    w.delivery_us.reset();
    w.ack_us.reset();
    w.sync_ms.reset();
    w.errors.clear();
    for (auto* a : {&w.a_sent, &w.a_done, &w.a_expected, &w.a_delivered, &w.a_synced}) a->store(0);
  });
  out.server_before = sample_server();
  auto own0 = own_cpu_s();
  auto t0 = now_ns();
  run_on_all([&](Worker& w) {
    w.rate = total_senders_ ? rate * static_cast<double>(w.senders.size()) /
                                  static_cast<double>(total_senders_)
                            : 0;
    w.start_ns = now_ns();
    w.paced = 0;
    w.sending = w.rate > 0;
    pace(w);
  });
  auto sleep_until = [](std::int64_t t) {
    auto d = t - now_ns();
    if (d > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(d));
  };
  if (mid) {
    sleep_until(t0 + static_cast<std::int64_t>(seconds * at_fraction * 1e9));
    mid();
  }
  sleep_until(t0 + static_cast<std::int64_t>(seconds * 1e9));
  run_on_all([](Worker& w) {
    w.sending = false;
    w.pacer.cancel();
  });
  auto t_stop = now_ns();
  out.send_s = static_cast<double>(t_stop - t0) / 1e9;
  // drain: every ack back and every expected delivery in
  auto deadline = t_stop + static_cast<std::int64_t>(drain_s * 1e9);
  for (;;) {
    std::uint64_t sent = 0, done = 0, expected = 0, delivered = 0;
    for (auto& w : workers_) {
      sent += w->a_sent.load(std::memory_order_relaxed);
      done += w->a_done.load(std::memory_order_relaxed);
      expected += w->a_expected.load(std::memory_order_relaxed);
      delivered += w->a_delivered.load(std::memory_order_relaxed);
    }
    if ((done >= sent && delivered >= expected) || now_ns() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  out.elapsed_s = static_cast<double>(now_ns() - t0) / 1e9;
  out.server_after = sample_server();
  out.loadgen_cpu_s = own_cpu_s() - own0;
  std::mutex m;
  run_on_all([&](Worker& w) {
    std::lock_guard lock(m);
    auto& c = out.c;
    c.sent += w.c.sent;
    c.send_skipped += w.c.send_skipped;
    c.acked += w.c.acked;
    c.ack_errors += w.c.ack_errors;
    c.expected += w.a_expected.load();
    c.delivered += w.a_delivered.load();
    c.via_sync += w.c.via_sync;
    c.duplicates += w.c.duplicates;
    c.overlap += w.c.overlap;
    c.unexpected += w.c.unexpected;
    c.disconnects += w.c.disconnects;
    c.dropped += w.c.dropped;
    c.synced += w.c.synced;
    c.sync_errors += w.c.sync_errors;
    out.delivery_us.merge(w.delivery_us);
    out.ack_us.merge(w.ack_us);
    out.sync_ms.merge(w.sync_ms);
    for (auto i : w.clients)
      for (auto& t : states_[i].tracks)
        if (!t.ahead.empty()) ++out.gaps;
    for (auto& e : w.errors)
      if (out.errors.size() < kMaxErrors) out.errors.push_back(e);
  });
  out.lost = out.c.expected > out.c.delivered ? out.c.expected - out.c.delivered : 0;
  return out;
}

// ---- the reconnect storm ----

std::uint64_t Fleet::drop_and_resync(std::uint64_t n) {
  std::vector<std::vector<std::uint32_t>> per_worker(workers_.size());
  std::uint64_t picked = 0;
  for (std::uint32_t i = 0; i < states_.size() && picked < n; ++i)
    if (!states_[i].sender) {
      per_worker[states_[i].worker].push_back(i);
      ++picked;
    }
  auto t = now_ns();
  for (std::size_t k = 0; k < workers_.size(); ++k)
    asio::post(workers_[k]->io, [this, &w = *workers_[k], ids = std::move(per_worker[k]), t] {
      for (auto i : ids) {
        auto& st = states_[i];
        if (st.stage != Stage::ready) continue;
        st.stage = Stage::reconnecting;
        st.t_start_ns = t;
        st.sync_done_ns = 0;
        ++w.c.dropped;
        clients_[i]->drop();
      }
    });
  return picked;
}

std::uint64_t Fleet::synced_now() {
  std::uint64_t s = 0;
  for (auto& w : workers_) s += w->a_synced.load(std::memory_order_relaxed);
  return s;
}

}  // namespace parlor::bench
