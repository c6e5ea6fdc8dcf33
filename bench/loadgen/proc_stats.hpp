// Reads a server's CPU time and resident memory from /proc, summed over the
// process and its descendants (the reference's cluster mode is several
// processes).
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace parlor::bench {

struct ProcSample {
  bool ok = false;
  double cpu_s = 0;           // user + system, all threads
  std::uint64_t rss_kib = 0;  // VmRSS
  unsigned processes = 0;
  // Heap allocations so far, when the server runs with the allocation
  // counter preloaded (bench/alloc_count); allocs_ok says whether it does.
  bool allocs_ok = false;
  std::uint64_t allocs = 0;
};

ProcSample sample_process_tree(pid_t root);

// The running allocation count bench/alloc_count publishes for `pid`;
// false when that process runs without it.
bool read_alloc_count(pid_t pid, std::uint64_t& out);

// Raises this process's open-file soft limit to its hard limit; returns the new soft limit.
std::uint64_t raise_fd_limit();

}  // namespace parlor::bench
