// Store executor figures copied into the metrics registry (see store_metrics.hpp).
#include "app/store_metrics.hpp"

namespace parlor::app {

StoreMetrics::StoreMetrics(net::Metrics& metrics, store::Executor& executor) : metrics_(metrics) {
  auto& writes = metrics.counter("parlor_store_writes_total", "Write jobs run");
  auto& commits = metrics.counter("parlor_store_commits_total",
                                  "Write transactions committed (one fsync each)");
  auto& reads = metrics.counter("parlor_store_reads_total", "Read jobs run");
  auto& refused = metrics.counter("parlor_store_refused_total",
                                  "Jobs refused because their queue was full (answered busy)");
  auto& write_queue = metrics.gauge("parlor_store_write_queue", "Write jobs waiting");
  auto& read_queue = metrics.gauge("parlor_store_read_queue", "Read jobs waiting");
  auto& largest = metrics.gauge("parlor_store_largest_batch", "Most write jobs in one commit");
  // Pointers, by value: the registry's entries outlive this constructor.
  collector_ =
      metrics.add_collector([e = &executor, w = &writes, c = &commits, r = &reads, x = &refused,
                             wq = &write_queue, rq = &read_queue, l = &largest] {
        const auto s = e->stats();
        w->set(s.writes);
        c->set(s.write_batches);
        r->set(s.reads);
        x->set(s.rejected);
        wq->set(static_cast<std::int64_t>(s.write_queue));
        rq->set(static_cast<std::int64_t>(s.read_queue));
        l->set(static_cast<std::int64_t>(s.largest_batch));
      });
}

StoreMetrics::~StoreMetrics() {
  metrics_.remove_collector(collector_);
}

}  // namespace parlor::app
