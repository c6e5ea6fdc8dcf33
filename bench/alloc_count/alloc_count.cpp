// libparlor-alloc-count.so: an LD_PRELOAD library that counts calls to
// malloc, calloc, realloc, the aligned allocations and operator new in the
// process, so the benchmark can report heap allocations per delivered
// message. Each call is passed on to the allocator the process would have
// used without it (jemalloc, which Parlor links, or glibc's), found with
// dlsym(RTLD_NEXT); `free` is passed on too, so memory always goes back to
// the allocator it came from. A thread writes the running total to
// /tmp/parlor-allocs.<pid> every 20 ms; parlor-loadgen reads it at the start
// and end of each phase (see docs/BENCHMARKS.md, `bench/run.sh --allocs`).
// Counting costs one relaxed atomic add per allocation: keep it out of the
// runs whose CPU figures are recorded.
#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>

namespace {

std::atomic<unsigned long long> count{0};

void note() {
  count.fetch_add(1, std::memory_order_relaxed);
}

using MallocFn = void* (*)(std::size_t);
using CallocFn = void* (*)(std::size_t, std::size_t);
using ReallocFn = void* (*)(void*, std::size_t);
using FreeFn = void (*)(void*);
using MemalignFn = void* (*)(std::size_t, std::size_t);
using PosixMemalignFn = int (*)(void**, std::size_t, std::size_t);

MallocFn next_malloc;
CallocFn next_calloc;
ReallocFn next_realloc;
FreeFn next_free;
MemalignFn next_memalign;
MemalignFn next_aligned_alloc;
PosixMemalignFn next_posix_memalign;

// dlsym may allocate before the allocator is known: those few requests are
// served from here and never freed.
alignas(16) char bootstrap[8192];
std::size_t bootstrap_used = 0;
bool resolving = false;

bool from_bootstrap(const void* p) {
  auto* c = static_cast<const char*>(p);
  return c >= bootstrap && c < bootstrap + sizeof bootstrap;
}

void* bootstrap_alloc(std::size_t n) {
  n = (n + 15) & ~std::size_t{15};
  if (bootstrap_used + n > sizeof bootstrap) return nullptr;
  void* p = bootstrap + bootstrap_used;
  bootstrap_used += n;
  return p;  // static storage: already zeroed, as calloc promises
}

template <typename Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

void resolve() {
  resolving = true;
  next_calloc = next<CallocFn>("calloc");
  next_malloc = next<MallocFn>("malloc");
  next_realloc = next<ReallocFn>("realloc");
  next_free = next<FreeFn>("free");
  next_memalign = next<MemalignFn>("memalign");
  next_aligned_alloc = next<MemalignFn>("aligned_alloc");
  next_posix_memalign = next<PosixMemalignFn>("posix_memalign");
  resolving = false;
}

bool ready() {
  if (next_free) return true;
  if (resolving) return false;
  resolve();
  return next_free != nullptr;
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
  ready();
  pthread_t t;
  if (pthread_create(&t, nullptr, report, nullptr) == 0) pthread_detach(t);
}

__attribute__((destructor)) void remove_report() {
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/parlor-allocs.%d", static_cast<int>(getpid()));
  unlink(path);
}

void* counted_aligned(std::size_t align, std::size_t n) {
  if (!ready()) return nullptr;
  note();
  void* p = nullptr;
  return next_posix_memalign(&p, align < sizeof(void*) ? sizeof(void*) : align, n) == 0 ? p
                                                                                        : nullptr;
}

}  // namespace

extern "C" {

void* malloc(std::size_t n) {
  if (!ready()) return bootstrap_alloc(n);
  note();
  return next_malloc(n);
}

void* calloc(std::size_t a, std::size_t b) {
  if (!ready()) return bootstrap_alloc(a * b);
  note();
  return next_calloc(a, b);
}

void* realloc(void* p, std::size_t n) {
  if (!ready()) return nullptr;
  note();
  if (from_bootstrap(p)) {
    // Its size is unknown: copy what the bootstrap area can hold after it.
    void* q = next_malloc(n);
    std::size_t room =
        static_cast<std::size_t>(bootstrap + sizeof bootstrap - static_cast<char*>(p));
    if (q) std::memcpy(q, p, n < room ? n : room);
    return q;
  }
  return next_realloc(p, n);
}

void free(void* p) {
  if (!p || from_bootstrap(p) || !ready()) return;
  next_free(p);
}

void* memalign(std::size_t align, std::size_t n) {
  if (!ready()) return nullptr;
  note();
  return next_memalign(align, n);
}

void* aligned_alloc(std::size_t align, std::size_t n) {
  if (!ready()) return nullptr;
  note();
  return next_aligned_alloc(align, n);
}

int posix_memalign(void** out, std::size_t align, std::size_t n) {
  if (!ready()) return 12;  // ENOMEM
  note();
  return next_posix_memalign(out, align, n);
}

}  // extern "C"

// jemalloc defines operator new itself, so without these, allocations made
// with `new` would not reach malloc and would go uncounted. Each goes through
// malloc above (counted once); operator delete is left to the allocator,
// which frees what its malloc returned.
void* operator new(std::size_t n) {
  if (void* p = malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return malloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return malloc(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = counted_aligned(static_cast<std::size_t>(a), n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = counted_aligned(static_cast<std::size_t>(a), n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_aligned(static_cast<std::size_t>(a), n);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_aligned(static_cast<std::size_t>(a), n);
}
