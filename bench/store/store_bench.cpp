// parlor-store-bench: what the store's writer thread spends on each new
// message, without the network, the domain or the other threads. It makes
// the calls the send path makes (the send-context read, then the append; no
// savepoint, as store::Executor runs jobs), group-committed in batches of
// --batch, on a fresh database in --dir, and prints CPU and wall time per message, the wall time
// of each step and, under bench/alloc_count, heap allocations per message.
// Linked with jemalloc like the server (docs/BENCHMARKS.md, "The store
// writer alone").
//
//   parlor-store-bench --rooms 500 --messages 100000 --batch 20
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "proc_stats.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_us() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
  return us(u.ru_utime) + us(u.ru_stime);
}

// The running total bench/alloc_count publishes when preloaded; -1 without it.
long long allocations() {
  std::uint64_t n = 0;
  return parlor::bench::read_alloc_count(getpid(), n) ? static_cast<long long>(n) : -1;
}

// Wall time spent in each step of a message, summed over the run.
struct Steps {
  enum { context, append, commit, upkeep, count };
  double ns[count] = {};
  static constexpr const char* names[count] = {"send context", "append", "commit",
                                               "between batches"};
};

// Adds the time since `mark` to `step` and moves `mark` to now.
void lap(Steps& s, int step, Clock::time_point& mark) {
  auto now = Clock::now();
  s.ns[step] += std::chrono::duration<double, std::nano>(now - mark).count();
  mark = now;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace parlor::store;
  int rooms = 500;
  int messages = 100000;
  int batch = 20;
  int content_bytes = 100;
  std::string dir = "/tmp/parlor-store-bench";
  CLI::App app{"parlor-store-bench: the store writer's cost per message"};
  app.add_option("--rooms", rooms, "rooms, one sender each; each message goes to a random one")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--messages", messages, "messages to write")->check(CLI::Range(1, 100000000));
  app.add_option("--batch", batch, "messages per commit")->check(CLI::Range(1, 100000));
  app.add_option("--content-bytes", content_bytes, "message size")->check(CLI::Range(0, 65536));
  app.add_option("--dir", dir, "scratch directory (emptied first, removed after)");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = open_sqlite_store(dir + "/bench.db");
  auto c = store->connect();

  std::vector<Id> users;
  std::vector<Id> room_ids;
  c->begin_write();
  for (int i = 0; i < rooms; ++i) {
    UserRecord u;
    u.username = "user" + std::to_string(i);
    u.email = u.username + "@example.com";
    u.display_name = "User " + std::to_string(i);
    u.password_hash = std::string(97, 'h');  // as long as an argon2id hash
    users.push_back(c->create_user(u));
    RoomRecord r;
    r.name = "room-" + std::to_string(i);
    r.created_by = users.back();
    room_ids.push_back(c->create_room(r));
    MemberRecord m;
    m.room_id = room_ids.back();
    m.user_id = users.back();
    c->add_member(m);
  }
  c->commit();

  std::mt19937 rng(42);
  std::uniform_int_distribution<int> pick(0, rooms - 1);
  const std::string content(content_bytes, 'x');
  usleep(50000);  // the allocation counter publishes every 20 ms
  const long long allocs_before = allocations();
  Steps steps;
  const auto wall_start = Clock::now();
  const double cpu_start = thread_cpu_us();
  int sent = 0;
  int commits = 0;
  while (sent < messages) {
    auto mark = Clock::now();
    c->begin_write();
    for (int i = 0; i < batch && sent < messages; ++i, ++sent) {
      const int k = pick(rng);
      MessageRecord m;
      m.room_id = room_ids[k];
      m.sender_id = users[k];
      m.content = content;
      m.client_msg_id = "bench-" + std::to_string(sent);  // the loadgen's ids are this long
      m.created_at = 1;
      auto ctx = c->send_context(m.room_id, m.sender_id, m.client_msg_id);
      lap(steps, Steps::context, mark);
      c->append_message(m, ctx.room->rev);
      lap(steps, Steps::append, mark);
    }
    c->commit();
    lap(steps, Steps::commit, mark);
    c->between_batches();  // as the Executor's writer does: finishes WAL checkpoints
    lap(steps, Steps::upkeep, mark);
    ++commits;
  }
  const double cpu = thread_cpu_us() - cpu_start;
  const double wall = std::chrono::duration<double, std::micro>(Clock::now() - wall_start).count();
  usleep(50000);
  const long long allocs_after = allocations();

  // Every message must be there: the rooms' last seqs add up to the count.
  std::int64_t stored = 0;
  for (Id room : room_ids) stored += c->room_by_id(room)->last_seq;
  if (stored != messages) {
    std::fprintf(stderr, "parlor-store-bench: %lld messages stored, %d written\n",
                 static_cast<long long>(stored), messages);
    return 1;
  }

  std::printf("%d messages, %d rooms, %d commits of %d\n", messages, rooms, commits, batch);
  std::printf("cpu %.2f us/message (%.1f us/commit), wall %.2f us/message\n", cpu / messages,
              cpu / commits, wall / messages);
  std::printf("wall us/message:");
  for (int s = 0; s < Steps::count; ++s)
    std::printf(" %s %.2f%s", Steps::names[s], steps.ns[s] / 1e3 / messages,
                s + 1 < Steps::count ? "," : "\n");
  if (allocs_before >= 0 && allocs_after >= 0)
    std::printf("heap allocations %.1f per message\n",
                static_cast<double>(allocs_after - allocs_before) / messages);
  c.reset();
  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
