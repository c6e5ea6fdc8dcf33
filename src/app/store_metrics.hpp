// The store executor's figures at /metrics: jobs run, commits, refusals and
// queue depths, copied from Executor::stats() each time /metrics renders.
#pragma once

#include <cstdint>

#include "net/metrics.hpp"
#include "store/executor.hpp"

namespace parlor::app {

class StoreMetrics {
 public:
  StoreMetrics(net::Metrics& metrics, store::Executor& executor);
  ~StoreMetrics();  // stops collecting before the executor may go
  StoreMetrics(const StoreMetrics&) = delete;
  StoreMetrics& operator=(const StoreMetrics&) = delete;

 private:
  net::Metrics& metrics_;
  std::uint64_t collector_ = 0;
};

}  // namespace parlor::app
