// parlor-loadgen: drives a Parlor (or the Node reference) server through one
// benchmark scenario and reports latency, throughput, losses and the
// server's CPU and memory, as a table on stdout and as JSON (--json).
//
//   parlor-loadgen --server 127.0.0.1:8080 --server-pid 1234 --scenario fanout
//       --rooms 100 --room-size 10 --rate 2000 --duration 10 --json out.json
//
// Exit status: 0 when nothing was lost, duplicated or refused; 1 otherwise;
// 2 on bad arguments or a failed set-up. Latency never affects it.
#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "fleet.hpp"
#include "report.hpp"

namespace json = boost::json;
using namespace parlor::bench;

namespace {

// "127.0.0.2-127.0.0.9,127.0.1.1" -> addresses
std::vector<asio::ip::address> parse_sources(const std::string& spec) {
  std::vector<asio::ip::address> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    auto comma = spec.find(',', pos);
    auto item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    if (item.empty()) continue;
    auto dash = item.find('-');
    if (dash == std::string::npos) {
      out.push_back(asio::ip::make_address(item));
      continue;
    }
    auto a = asio::ip::make_address_v4(item.substr(0, dash)).to_uint();
    auto b = asio::ip::make_address_v4(item.substr(dash + 1)).to_uint();
    for (auto x = a; x <= b; ++x) out.push_back(asio::ip::address_v4(x));
  }
  return out;
}

struct Args {
  std::string server = "127.0.0.1:8080";
  int server_pid = 0;
  std::string scenario = "fanout";
  std::string label;
  std::string json_path;
  std::string sources = "127.0.0.1";
  unsigned threads = 1;
  unsigned setup_parallel = 8;
  std::uint32_t proc_index = 0;
  std::uint32_t clients = 1000;  // idle
  std::uint32_t rooms = 0;       // 0: the scenario's default
  std::uint32_t room_size = 0;
  std::uint32_t tabs = 1;
  std::uint32_t senders_per_room = 0;
  double rate = 0;
  double duration = 10;
  double drain = 5;
  double connect_timeout = 120;
  std::size_t content_bytes = 64;
  double step_factor = 1.5;
  unsigned max_steps = 12;
  unsigned refine_steps = 2;
  unsigned step_tries = 2;
  double p99_limit_ms = 50;
  std::uint32_t storm_clients = 0;
  std::string accounts;
  std::uint32_t register_only = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"parlor-loadgen: Socket.IO chat load generator"};
  app.add_option("--server", a.server, "HOST:PORT of the server under test");
  app.add_option("--server-pid", a.server_pid, "server pid, for CPU and RSS from /proc (0: none)");
  app.add_option("--scenario", a.scenario, "idle|fanout|large|ingest|stepup|storm")
      ->check(CLI::IsMember({"idle", "fanout", "large", "ingest", "stepup", "storm"}));
  app.add_option("--label", a.label, "name recorded in the JSON (e.g. parlor, node)");
  app.add_option("--json", a.json_path, "write the results here as JSON");
  app.add_option("--sources", a.sources, "source addresses, e.g. 127.0.0.2-127.0.0.9");
  app.add_option("--threads", a.threads, "I/O threads");
  app.add_option("--setup-parallel", a.setup_parallel, "concurrent REST requests during set-up");
  app.add_option("--proc-index", a.proc_index, "this generator's index when several run at once");
  app.add_option("--clients", a.clients, "idle: sockets to open");
  app.add_option("--rooms", a.rooms, "rooms");
  app.add_option("--room-size", a.room_size, "users per room");
  app.add_option("--tabs", a.tabs, "sockets per user");
  app.add_option("--senders-per-room", a.senders_per_room, "sending users per room");
  app.add_option("--rate", a.rate,
                 "messages per second offered, in total (stepup: the first step)");
  app.add_option("--duration", a.duration, "seconds of sending (idle: of holding), per step");
  app.add_option("--drain", a.drain, "seconds allowed after sending for acks and deliveries");
  app.add_option("--connect-timeout", a.connect_timeout, "seconds allowed to connect everyone");
  app.add_option("--content-bytes", a.content_bytes, "message content size");
  app.add_option("--step-factor", a.step_factor, "stepup: rate multiplier per step");
  app.add_option("--max-steps", a.max_steps, "stepup: at most this many steps");
  app.add_option("--step-tries", a.step_tries,
                 "stepup: tries of a rate before it counts as failed (a lone stall of this "
                 "VM can fail a step far below the maximum)")
      ->check(CLI::Range(1u, 5u));
  app.add_option("--refine-steps", a.refine_steps,
                 "stepup: after the first failing step, this many more between it and the last "
                 "passing one (geometric midpoints)");
  app.add_option("--p99-limit-ms", a.p99_limit_ms, "stepup: a step passes under this p99 delivery");
  app.add_option("--storm-clients", a.storm_clients,
                 "storm: sockets to drop (0: every non-sender)");
  app.add_option("--accounts", a.accounts,
                 "file of 'id token' lines: reuse these users, save newly registered ones");
  app.add_option("--register-only", a.register_only,
                 "register this many users into --accounts and exit");
  CLI11_PARSE(app, argc, argv);

  Layout layout;
  layout.tabs = std::max(1u, a.tabs);
  auto pick = [](std::uint32_t v, std::uint32_t def) { return v ? v : def; };
  if (a.scenario == "idle") {
    layout.room_size = pick(a.room_size, 10);
    layout.rooms = std::max<std::uint32_t>(
        1, (a.clients + layout.room_size * layout.tabs - 1) / (layout.room_size * layout.tabs));
    layout.senders_per_room = 0;
    layout.max_sockets = a.clients;
  } else if (a.scenario == "large") {
    layout.rooms = pick(a.rooms, 1);
    layout.room_size = pick(a.room_size, 1000);
    layout.senders_per_room = pick(a.senders_per_room, 10);
    if (a.rate <= 0) a.rate = 100;
  } else if (a.scenario == "ingest") {
    layout.rooms = pick(a.rooms, 200);
    layout.room_size = pick(a.room_size, 1);
    layout.senders_per_room = pick(a.senders_per_room, 1);
    if (a.rate <= 0) a.rate = 5000;
  } else {  // fanout, stepup, storm: many small rooms
    layout.rooms = pick(a.rooms, 100);
    layout.room_size = pick(a.room_size, 10);
    layout.senders_per_room = pick(a.senders_per_room, 1);
    if (a.rate <= 0) a.rate = a.scenario == "stepup" ? 500 : 1000;
  }
  layout.senders_per_room = std::min(layout.senders_per_room, layout.room_size);

  FleetOptions fo;
  {
    auto colon = a.server.rfind(':');
    if (colon == std::string::npos) {
      std::cerr << "--server must be HOST:PORT\n";
      return 2;
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(a.server.substr(0, colon), ec);
    if (ec) {
      std::cerr << "--server: " << ec.message() << "\n";
      return 2;
    }
    fo.server =
        tcp::endpoint(addr, static_cast<unsigned short>(std::stoi(a.server.substr(colon + 1))));
  }
  try {
    fo.sources = parse_sources(a.sources);
  } catch (const std::exception& e) {
    std::cerr << "--sources: " << e.what() << "\n";
    return 2;
  }
  fo.threads = a.threads;
  fo.setup_parallel = a.setup_parallel;
  fo.content_bytes = a.content_bytes;
  fo.server_pid = a.server_pid;
  fo.accounts_file = a.accounts;
  {
    // unique user and room names per run and per generator process
    auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    fo.name_prefix =
        "lg" + std::to_string(t % 100000000) + "p" + std::to_string(a.proc_index) + "_";
  }
  auto fds = raise_fd_limit();

  json::object doc;
  doc["label"] = a.label;
  doc["scenario"] = a.scenario;
  doc["params"] = {{"rooms", layout.rooms},
                   {"room_size", layout.room_size},
                   {"tabs", layout.tabs},
                   {"senders_per_room", layout.senders_per_room},
                   {"rate", a.rate},
                   {"duration_s", a.duration},
                   {"threads", a.threads},
                   {"content_bytes", a.content_bytes},
                   {"proc_index", a.proc_index},
                   {"fd_limit", fds}};
  bool failed = false;
  auto finish = [&](int code) {
    doc["ok"] = code == 0;
    if (!a.json_path.empty()) {
      std::ofstream f(a.json_path);
      f << json::serialize(doc) << "\n";
    }
    return code;
  };

  if (a.register_only) {
    Layout none;
    none.rooms = 0;
    Fleet f(fo, none);
    auto t0 = std::chrono::steady_clock::now();
    if (auto err = f.register_users(a.register_only); !err.empty()) {
      std::cerr << "registration failed: " << err << "\n";
      return 2;
    }
    std::cout << a.register_only << " accounts ready in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
              << " s\n";
    return 0;
  }

  Fleet fleet(fo, layout);
  std::cout << "[" << a.label << "] " << a.scenario << ": " << fleet.clients() << " sockets, "
            << layout.rooms << " rooms of " << layout.room_size << " users x " << layout.tabs
            << " tabs, " << fleet.senders() << " senders\n";
  auto setup_t0 = std::chrono::steady_clock::now();
  if (auto err = fleet.setup(); !err.empty()) {
    std::cerr << "set-up failed: " << err << "\n";
    doc["error"] = "set-up failed: " + err;
    return finish(2);
  }
  doc["setup_s"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_t0).count();

  auto before = fleet.sample_server();
  auto conn = fleet.connect_all(a.connect_timeout);
  print_connect(std::cout, conn);
  doc["connect"] = to_json(conn);
  if (conn.ready < conn.wanted) failed = true;

  if (a.scenario == "idle") {
    std::this_thread::sleep_for(std::chrono::seconds(1));  // let the server settle
    auto after = fleet.sample_server();
    std::cout.flush();
    std::cerr << "READY " << conn.ready << std::endl;  // for run.sh's multi-process sampling
    std::this_thread::sleep_for(std::chrono::duration<double>(a.duration));
    auto held = fleet.sample_server();
    json::object idle{
        {"connections", conn.ready},          {"server_sampled", before.ok && after.ok},
        {"rss_kib_before", before.rss_kib},   {"rss_kib_connected", after.rss_kib},
        {"rss_kib_after_hold", held.rss_kib}, {"cpu_s_while_idle", held.cpu_s - after.cpu_s}};
    double per = conn.ready
                     ? (static_cast<double>(after.rss_kib) - static_cast<double>(before.rss_kib)) /
                           static_cast<double>(conn.ready)
                     : 0;
    idle["rss_kib_per_connection"] = per;
    if (before.ok)
      std::cout << "server RSS " << before.rss_kib / 1024 << " MiB -> " << after.rss_kib / 1024
                << " MiB: " << per << " KiB per connection; idle CPU " << held.cpu_s - after.cpu_s
                << " s over " << a.duration << " s\n";
    doc["idle"] = std::move(idle);
    return finish(failed ? 1 : 0);
  }

  json::array phases;
  print_phase_header(std::cout);
  if (a.scenario == "stepup") {
    double best_rate = 0, best_deliveries = 0, failed_rate = 0;
    unsigned step = 0;
    // One step at `rate`: prints and records it; true if it passed.
    auto run_step = [&](double rate, bool refining, unsigned attempt) {
      auto p = fleet.run_phase(rate, a.duration, a.drain);
      print_phase_row(std::cout, "step " + std::to_string(++step), p);
      auto j = to_json(p);
      bool pass = !has_errors(p) &&
                  static_cast<double>(p.delivery_us.percentile(0.99)) < a.p99_limit_ms * 1000 &&
                  p.c.send_skipped == 0 && p.elapsed_s < a.duration + 1.0;
      j["passed"] = pass;
      j["refining"] = refining;
      j["attempt"] = attempt;
      phases.push_back(std::move(j));
      // losses past saturation are the measurement; at the first step they are a bug
      if (step == 1 && has_errors(p)) failed = true;
      if (p.c.duplicates) failed = true;
      if (pass && rate > best_rate) {
        best_rate = rate;
        best_deliveries = deliveries_per_s(p);
      }
      return pass;
    };
    // A rate passes if one of its tries does; a failed try leaves a backlog,
    // so the next one waits for it to drain.
    auto try_rate = [&](double rate, bool refining) {
      for (unsigned t = 1; t <= a.step_tries; ++t) {
        if (t > 1) std::this_thread::sleep_for(std::chrono::seconds(2));
        if (run_step(rate, refining, t)) return true;
      }
      return false;
    };
    double rate = a.rate;
    for (unsigned n = 0; n < a.max_steps; ++n, rate *= a.step_factor) {
      if (!try_rate(rate, false)) {
        failed_rate = rate;
        break;
      }
    }
    // The factor between steps is coarse (x1.5 may hide a third of the
    // maximum): narrow the bracket [last pass, first failure] by bisection
    // on a log scale. A failing step leaves a backlog: let it drain first.
    for (unsigned r = 0; failed_rate > 0 && best_rate > 0 && r < a.refine_steps; ++r) {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      double mid = std::sqrt(best_rate * failed_rate);
      if (!try_rate(mid, true)) failed_rate = mid;
    }
    doc["max_sustained"] = {{"msgs_per_s", best_rate}, {"deliveries_per_s", best_deliveries}};
    std::cout << "max sustained: " << best_rate << " msgs/s, " << best_deliveries
              << " deliveries/s (p99 < " << a.p99_limit_ms << " ms, nothing lost)\n";
  } else if (a.scenario == "storm") {
    std::uint64_t dropped = 0;
    auto n = a.storm_clients ? a.storm_clients : fleet.clients();
    auto p = fleet.run_phase(
        a.rate, a.duration, std::max(a.drain, 30.0), [&] { dropped = fleet.drop_and_resync(n); },
        0.25);
    print_phase_row(std::cout, "storm", p);
    doc["storm"] = {{"dropped", dropped},
                    {"synced", p.c.synced},
                    {"all_synced_ms", p.sync_ms.max()},
                    {"sync_ms", to_json(p.sync_ms)}};
    phases.push_back(to_json(p));
    if (has_errors(p)) failed = true;
  } else {
    auto p = fleet.run_phase(a.rate, a.duration, a.drain);
    print_phase_row(std::cout, a.scenario, p);
    phases.push_back(to_json(p));
    if (has_errors(p)) failed = true;
  }
  doc["phases"] = std::move(phases);
  return finish(failed ? 1 : 0);
}
