// parlor-floor: the kernel's price of a delivery on this machine, with no
// server at all. One process plays the server: it accepts N loopback TCP
// connections and writes small WebSocket-sized frames to them round-robin,
// paced like a fan-out, with one sendmsg per delivery (or `--batch` frames per
// sendmsg). A child process plays the clients and reads everything with
// epoll. Reported: the sending process's CPU time per delivery, which is
// the floor under any server's "CPU per delivery" here (docs/BENCHMARKS.md).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

// The clients: connect n sockets, then read until every one sees EOF.
[[noreturn]] void run_clients(std::uint16_t port, unsigned n) {
  int ep = epoll_create1(0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (unsigned i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
      die("connect");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::vector<epoll_event> events(256);
  std::vector<char> buf(65536);
  unsigned open = n;
  while (open > 0) {
    int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < k; ++i) {
      ssize_t r = read(events[i].data.fd, buf.data(), buf.size());
      if (r == 0) {
        close(events[i].data.fd);
        --open;
      }
    }
  }
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parlor-floor: kernel CPU per loopback delivery, no server"};
  unsigned sockets = 1000, batch = 1;
  double rate = 20000, duration = 5;
  std::size_t bytes = 300;
  app.add_option("--sockets", sockets, "client connections");
  app.add_option("--rate", rate, "deliveries per second, in total");
  app.add_option("--duration", duration, "seconds of sending");
  app.add_option("--bytes", bytes, "frame size");
  app.add_option("--batch", batch, "frames per sendmsg (1: one write per delivery)")
      ->check(CLI::Range(1u, 64u));
  CLI11_PARSE(app, argc, argv);

  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  int ls = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
  if (listen(ls, 4096) != 0) die("listen");
  socklen_t len = sizeof addr;
  getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &len);
  pid_t child = fork();
  if (child == 0) run_clients(ntohs(addr.sin_port), sockets);

  std::vector<int> conns;
  while (conns.size() < sockets) {
    int fd = accept4(ls, nullptr, nullptr, SOCK_NONBLOCK);
    if (fd < 0) die("accept");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conns.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  std::string frame(bytes, 'x');
  std::vector<iovec> iov(batch, iovec{frame.data(), frame.size()});
  using Clock = std::chrono::steady_clock;
  const auto tick = std::chrono::milliseconds(1);
  const double per_tick = rate / 1000.0 / batch;  // sendmsg calls per tick
  double owed = 0;
  std::uint64_t calls = 0, failed = 0;
  std::size_t next = 0;
  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  for (auto t = start; t < end; t += tick) {
    std::this_thread::sleep_until(t);
    owed += per_tick;
    for (; owed >= 1; owed -= 1) {
      msghdr m{};
      m.msg_iov = iov.data();
      m.msg_iovlen = iov.size();
      if (sendmsg(conns[next], &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) ++failed;
      next = (next + 1) % conns.size();
      ++calls;
    }
  }
  const double cpu = cpu_seconds() - cpu0;
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  for (int fd : conns) close(fd);
  waitpid(child, nullptr, 0);
  const double deliveries = static_cast<double>(calls) * batch;
  std::printf(
      "sockets %u, %zu-byte frames, %u per sendmsg: %.0f deliveries/s, sender CPU %.2f us per "
      "delivery (%.2f us per sendmsg, %.0f%% of a core), %llu sends refused\n",
      sockets, bytes, batch, deliveries / wall, cpu / deliveries * 1e6,
      cpu / static_cast<double>(calls) * 1e6, cpu / wall * 100,
      static_cast<unsigned long long>(failed));
  return 0;
}
