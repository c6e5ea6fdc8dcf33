// A tiny process-wide metrics registry (counters and gauges on atomics)
// rendered in the Prometheus text format at /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace parlor::net {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  // For a total counted elsewhere and copied in by a collector.
  void set(std::uint64_t n) { value_.store(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub(std::int64_t n = 1) { value_.fetch_sub(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { value_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Registration takes a lock and returns a reference that stays valid for the
// registry's life; updating a metric is one relaxed atomic operation, safe
// from any thread. Registering the same name+labels twice returns the same
// metric. `labels` is the inside of the braces, e.g. `transport="polling"`.
class Metrics {
 public:
  Counter& counter(const std::string& name, const std::string& help,
                   const std::string& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const std::string& labels = {});

  // A collector copies figures kept elsewhere into its metrics; every render
  // runs them all first. remove_collector() returns once the collector is not
  // running and will not run again. A collector must not add or remove one.
  using Collector = std::function<void()>;
  std::uint64_t add_collector(Collector c);
  void remove_collector(std::uint64_t id);

  // Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  struct Entry {
    std::string name, help, labels;
    bool is_counter;
    Counter counter;
    Gauge gauge;
  };
  Entry& find_or_add(const std::string& name, const std::string& help, const std::string& labels,
                     bool is_counter);

  mutable std::mutex mu_;
  std::deque<Entry> entries_;         // deque: references stay valid as it grows
  mutable std::mutex collectors_mu_;  // held while collectors run
  std::map<std::uint64_t, Collector> collectors_;
  std::uint64_t next_collector_ = 1;
};

}  // namespace parlor::net
