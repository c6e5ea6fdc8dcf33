// See proc_stats.hpp.
#include "proc_stats.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace parlor::bench {

namespace {

struct Stat {
  pid_t ppid = 0;
  double cpu_s = 0;
};

bool read_stat(pid_t pid, Stat& out) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  // the command name may hold spaces and parentheses: fields start after the last ')'
  auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  std::string x;
  while (rest >> x && fields.size() < 15) fields.push_back(x);
  if (fields.size() < 13) return false;
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15
  static const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.ppid = static_cast<pid_t>(std::strtol(fields[1].c_str(), nullptr, 10));
  out.cpu_s =
      (std::strtod(fields[11].c_str(), nullptr) + std::strtod(fields[12].c_str(), nullptr)) / tick;
  return true;
}

std::uint64_t read_rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  return 0;
}

}  // namespace

// Written by bench/alloc_count every 20 ms while the library is preloaded.
bool read_alloc_count(pid_t pid, std::uint64_t& out) {
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/parlor-allocs.%d", static_cast<int>(pid));
  std::FILE* f = std::fopen(path, "r");
  if (!f) return false;
  unsigned long long n = 0;
  bool ok = std::fscanf(f, "%llu", &n) == 1;
  std::fclose(f);
  out = n;
  return ok;
}

ProcSample sample_process_tree(pid_t root) {
  ProcSample s;
  std::unordered_map<pid_t, Stat> all;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      char* end = nullptr;
      long pid = std::strtol(e->d_name, &end, 10);
      if (*end != 0 || pid <= 0) continue;
      Stat st;
      if (read_stat(static_cast<pid_t>(pid), st)) all.emplace(static_cast<pid_t>(pid), st);
    }
    closedir(d);
  }
  if (!all.count(root)) return s;
  std::vector<pid_t> tree{root};
  for (std::size_t i = 0; i < tree.size(); ++i)
    for (auto& [pid, st] : all)
      if (st.ppid == tree[i]) tree.push_back(pid);
  for (pid_t p : tree) {
    s.cpu_s += all[p].cpu_s;
    s.rss_kib += read_rss_kib(p);
    if (std::uint64_t n = 0; read_alloc_count(p, n)) {
      s.allocs_ok = true;
      s.allocs += n;
    }
  }
  s.processes = static_cast<unsigned>(tree.size());
  s.ok = true;
  return s;
}

std::uint64_t raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

}  // namespace parlor::bench
