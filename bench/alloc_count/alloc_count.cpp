// libparlor-alloc-count.so: an LD_PRELOAD library that counts calls to
// malloc, calloc, realloc and aligned allocations in the process (operator
// new ends in malloc), so the benchmark can report heap allocations per
// delivered message. A thread writes the running total to
// /tmp/parlor-allocs.<pid> every 20 ms; parlor-loadgen reads it at the start
// and end of each phase (see docs/BENCHMARKS.md, `bench/run.sh --allocs`).
// Counting costs one relaxed atomic add per allocation: keep it out of the
// runs whose CPU figures are recorded.
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdio>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {

std::atomic<unsigned long long> count{0};

void note() {
  count.fetch_add(1, std::memory_order_relaxed);
}

void* report(void*) {
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/parlor-allocs.%d", static_cast<int>(getpid()));
  char tmp[72];
  std::snprintf(tmp, sizeof tmp, "%s.tmp", path);
  for (;;) {
    if (std::FILE* f = std::fopen(tmp, "w")) {
      std::fprintf(f, "%llu\n", count.load(std::memory_order_relaxed));
      std::fclose(f);
      std::rename(tmp, path);  // readers never see a half-written number
    }
    usleep(20000);
  }
  return nullptr;
}

__attribute__((constructor)) void start_reporter() {
  pthread_t t;
  if (pthread_create(&t, nullptr, report, nullptr) == 0) pthread_detach(t);
}

__attribute__((destructor)) void remove_report() {
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/parlor-allocs.%d", static_cast<int>(getpid()));
  unlink(path);
}

}  // namespace

extern "C" {

void* malloc(std::size_t n) {
  note();
  return __libc_malloc(n);
}

void* calloc(std::size_t a, std::size_t b) {
  note();
  return __libc_calloc(a, b);
}

void* realloc(void* p, std::size_t n) {
  note();
  return __libc_realloc(p, n);
}

void* memalign(std::size_t align, std::size_t n) {
  note();
  return __libc_memalign(align, n);
}

void* aligned_alloc(std::size_t align, std::size_t n) {
  note();
  return __libc_memalign(align, n);
}

int posix_memalign(void** out, std::size_t align, std::size_t n) {
  note();
  void* p = __libc_memalign(align, n);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}

}  // extern "C"
