// The fleet: many Socket.IO clients spread over a few threads (one
// io_context each), the users and rooms they belong to, and the measured
// phases the scenarios are built from (connect, paced sending, a
// drop-and-resync storm). Delivery accounting is per (socket, room) by rev,
// so losses, duplicates and gaps are found without a global table.
//
// Threading: the public methods are called from one controlling thread; each
// client's state is touched only by its own I/O thread.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "histogram.hpp"
#include "proc_stats.hpp"
#include "sio_client.hpp"

namespace parlor::bench {

struct FleetOptions {
  tcp::endpoint server;
  std::vector<asio::ip::address> sources;  // loopback source addresses, used round-robin
  unsigned threads = 1;
  unsigned setup_parallel = 8;      // concurrent REST set-up requests
  unsigned connect_inflight = 200;  // concurrent connection attempts per thread
  std::size_t content_bytes = 64;
  std::string name_prefix;  // unique per run and process
  pid_t server_pid = 0;     // 0: no server figures
  // "id token" lines: users reused from earlier runs against the same server
  // (registration with argon2 is slow); new users are appended.
  std::string accounts_file;
};

// rooms x room_size users, `tabs` sockets per user, `senders_per_room` of the
// users in each room send (from their first socket).
struct Layout {
  std::uint32_t rooms = 1;
  std::uint32_t room_size = 10;
  std::uint32_t tabs = 1;
  std::uint32_t senders_per_room = 1;
  std::uint64_t max_sockets = 0;  // 0: all; else the last room is left short
};

struct Counters {
  std::uint64_t sent = 0, send_skipped = 0, acked = 0, ack_errors = 0;
  std::uint64_t expected = 0, delivered = 0, via_sync = 0, duplicates = 0, overlap = 0,
                unexpected = 0, disconnects = 0;
  std::uint64_t dropped = 0, synced = 0, sync_errors = 0;
};

struct PhaseResult {
  double offered_rate = 0;  // messages/s
  double send_s = 0;        // time spent sending
  double elapsed_s = 0;     // sending + drain
  Counters c;
  std::uint64_t lost = 0;  // expected - delivered, once drained
  std::uint64_t gaps = 0;  // (socket, room) pairs still missing a rev at the end
  Histogram delivery_us, ack_us, sync_ms;
  ProcSample server_before, server_after;
  double loadgen_cpu_s = 0;         // this generator's own CPU time in the phase
  std::vector<std::string> errors;  // first few distinct error texts
};

struct ConnectResult {
  std::uint64_t wanted = 0, ready = 0, failed = 0;
  double elapsed_s = 0;
  Histogram connect_ms;
  std::vector<std::string> errors;
};

class Fleet : private ClientListener {
 public:
  Fleet(FleetOptions opts, Layout layout);
  ~Fleet() override;

  std::uint64_t clients() const { return states_.size(); }
  std::uint64_t senders() const { return total_senders_; }
  std::uint64_t deliveries_per_message() const;  // sockets per room

  // Registers the users and creates the rooms over REST. Empty string on success.
  std::string setup();
  // Registers `n` users (or loads them from the accounts file) and saves them. Empty on success.
  std::string register_users(std::uint32_t n);
  // Connects every client, CONNECTs, joins its rooms; waits up to timeout_s.
  ConnectResult connect_all(double timeout_s);
  // Sends `rate` messages/s in total for `seconds`, then waits (at most
  // drain_s) for every ack and delivery. `at_fraction` runs `mid` on the
  // controlling thread once that fraction of the sending time has passed.
  PhaseResult run_phase(double rate, double seconds, double drain_s, std::function<void()> mid = {},
                        double at_fraction = 0.5);
  // Drops `n` non-sending clients at once (RST); each reconnects at once and
  // calls sync with its cursors. Progress shows in the phase's counters.
  std::uint64_t drop_and_resync(std::uint64_t n);
  // Total clients that finished a storm's sync (for waiting on it).
  std::uint64_t synced_now();

  ProcSample sample_server() const;

 private:
  struct RoomInfo {
    std::string id;
    std::uint32_t sockets = 0;
  };
  struct UserInfo {
    std::string id, token;
  };
  struct Track {
    std::uint32_t room = 0;
    std::uint64_t contig = 0;
    std::set<std::uint64_t> ahead;      // revs received above a gap
    std::set<std::uint64_t> from_sync;  // revs first received from sync, not yet seen live
  };
  enum class Stage : std::uint8_t {
    idle,
    connecting,
    joining,
    ready,
    reconnecting,
    syncing,
    failed
  };
  struct Pending {
    enum Kind : std::uint8_t { join, send, sync } kind;
    std::uint32_t room;
    std::int64_t t_ns;
  };
  struct ClientState {
    std::uint32_t user = 0;
    std::uint32_t worker = 0;
    asio::ip::address source;
    std::vector<Track> tracks;
    bool sender = false;
    std::uint32_t send_room = 0;
    Stage stage = Stage::idle;
    int joins_left = 0;
    std::uint64_t next_ack = 1;
    std::uint64_t msg_counter = 0;
    std::int64_t t_start_ns = 0;
    std::int64_t sync_done_ns = 0;
    std::unordered_map<std::uint64_t, Pending> pending;
  };
  struct Worker {
    asio::io_context io{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::thread thread;
    asio::steady_timer pacer{io};
    std::vector<std::uint32_t> clients, senders;
    std::deque<std::uint32_t> to_connect;
    unsigned inflight = 0;
    double rate = 0;
    std::int64_t start_ns = 0;
    std::uint64_t paced = 0;
    std::size_t rr = 0;
    bool sending = false;
    Counters c;
    std::atomic<std::uint64_t> a_sent{0}, a_done{0}, a_expected{0}, a_delivered{0}, a_ready{0},
        a_failed{0}, a_synced{0};
    Histogram delivery_us, ack_us, sync_ms, connect_ms;
    std::vector<std::string> errors;
  };

  void on_connected(Client& c) override;
  void on_new_message(Client& c, const Delivery& d) override;
  void on_ack(Client& c, std::uint64_t id, std::string_view payload) override;
  void on_down(Client& c, std::string_view why) override;

  void pump_connects(Worker& w);
  void start_connect(std::uint32_t i);
  void send_sync(std::uint32_t i,
                 const std::vector<std::pair<std::uint32_t, std::uint64_t>>& cursors);
  void on_sync_ack(std::uint32_t i, std::string_view payload);
  void send_one(Worker& w, std::uint32_t i, std::int64_t now);
  void pace(Worker& w);
  void record(Worker& w, ClientState& st, Track& t, std::uint64_t rev, std::string_view cmid,
              bool via_sync, std::int64_t now);
  Track* track_of(ClientState& st, std::string_view room_id);
  void note_error(Worker& w, std::string_view what);
  void run_on_all(const std::function<void(Worker&)>& fn);

  FleetOptions opts_;
  Layout layout_;
  std::vector<UserInfo> users_;
  std::vector<RoomInfo> rooms_;
  std::unordered_map<std::string, std::uint32_t> room_index_;
  std::vector<ClientState> states_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint64_t total_senders_ = 0;
};

std::int64_t now_ns();

}  // namespace parlor::bench
