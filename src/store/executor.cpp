// The storage executor: one group-committing writer thread and a pool of
// reader threads, each with its own connection (see executor.hpp).
#include "store/executor.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace parlor::store {
namespace {

// Runs `step`, logging what it throws: for steps whose failure must not
// take a storage thread down.
template <class Step>
void logging_errors(const char* what, Step&& step) {
  try {
    step();
  } catch (const std::exception& e) {
    spdlog::error("store: {}: {}", what, e.what());
  } catch (...) {
    spdlog::error("store: {}", what);
  }
}

// A `done` that throws is a caller bug.
void finish(const Executor::Done& done, std::exception_ptr error) {
  if (!done) return;
  logging_errors("a done callback threw", [&] { done(std::move(error)); });
}

}  // namespace

Executor::Executor(Store& store, ExecutorOptions options) : store_(store), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  // Connections are opened here so that a bad database fails the constructor.
  auto writer = store_.connect();
  std::vector<std::unique_ptr<Connection>> readers;
  for (unsigned i = 0; i < options_.reader_threads; ++i) readers.push_back(store_.connect_reader());
  try {
    threads_.emplace_back(
        [this, conn = std::move(writer)]() mutable { writer_loop(std::move(conn)); });
    for (auto& reader : readers) {
      threads_.emplace_back(
          [this, conn = std::move(reader)]() mutable { reader_loop(std::move(conn)); });
    }
  } catch (...) {
    stop();  // joins the threads already started
    throw;
  }
}

Executor::~Executor() {
  stop();
}

bool Executor::submit_write(Job job, Done done) {
  return push(writes_, Item{std::move(job), std::move(done)});
}

bool Executor::submit_read(Job job, Done done) {
  if (options_.reader_threads == 0) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return push(reads_, Item{std::move(job), std::move(done)});
}

bool Executor::push(Queue& q, Item item) {
  bool wake = false;
  {
    std::lock_guard lock(q.mutex);
    if (q.stopping || q.items.size() >= options_.max_queue) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    q.items.push_back(std::move(item));
    ++q.pushed;
    wake = q.sleepers > 0 || q.items.size() >= options_.max_batch;
  }
  if (wake) q.ready.notify_one();
  return true;
}

void Executor::stop() {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  for (Queue* q : {&writes_, &reads_}) {
    {
      std::lock_guard lock(q->mutex);
      q->stopping = true;
    }
    q->ready.notify_all();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Executor::writer_loop(std::unique_ptr<Connection> conn) {
  pthread_setname_np(pthread_self(), "parlor-writer");
  using Clock = std::chrono::steady_clock;
  std::vector<Item> batch;
  std::vector<std::exception_ptr> errors;
  batch.reserve(options_.max_batch);
  errors.reserve(options_.max_batch);
  const auto window = options_.commit_window;
  Clock::time_point last_commit{};
  // How many jobs arrive within one window, from the rate seen between the
  // openings of successive transactions (smoothed). Waiting out the window
  // only pays when more than one is expected: at a slower pace each job
  // would wait in vain, and the writer would wake four times for nothing.
  double per_window = 0;
  Clock::time_point last_opened{};
  std::uint64_t pushed_at_last_open = 0;
  for (;;) {
    batch.clear();
    errors.clear();
    std::uint64_t pushed = 0;
    {
      std::unique_lock lock(writes_.mutex);
      ++writes_.sleepers;
      writes_.ready.wait(lock, [&] { return writes_.stopping || !writes_.items.empty(); });
      --writes_.sleepers;
      if (writes_.items.empty()) return;  // stopping, and everything is drained
      pushed = writes_.pushed;
    }
    const auto opened = Clock::now();
    if (window.count() > 0 && last_opened != Clock::time_point{}) {
      const auto elapsed = std::chrono::duration<double>(opened - last_opened).count();
      const auto arrived = static_cast<double>(pushed - pushed_at_last_open);
      const double now_per_window =
          elapsed > 0 ? arrived / elapsed * std::chrono::duration<double>(window).count() : 0;
      per_window = 0.75 * per_window + 0.25 * now_per_window;
    }
    last_opened = opened;
    pushed_at_last_open = pushed;
    const bool steady = window.count() > 0 && opened - last_commit < window && per_window > 1;

    // Takes what is queued now; under steady load, waits for more until the
    // window since `opened` ends, looking every quarter window (pushes do not
    // wake it: see Queue::sleepers). False when nothing more will join.
    auto take = [&](bool may_wait) {
      std::unique_lock lock(writes_.mutex);
      while (writes_.items.empty() && may_wait && !writes_.stopping) {
        const auto now = Clock::now();
        if (now >= opened + window) break;
        writes_.ready.wait_until(lock, std::min(opened + window, now + window / 4));
      }
      std::size_t before = batch.size();
      while (!writes_.items.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(writes_.items.front()));
        writes_.items.pop_front();
      }
      return batch.size() > before;
    };

    // Runs job i in a savepoint: a failure undoes only that job.
    auto run_guarded = [&](std::size_t i) {
      conn->savepoint();
      try {
        batch[i].job(*conn);
      } catch (...) {
        errors[i] = std::current_exception();
        // If this throws, the transaction is gone (SQLite rolls back by
        // itself on some errors): the whole batch fails below.
        conn->rollback_to_savepoint();
        return;
      }
      conn->release_savepoint();
    };
    // Savepoints cost about 15 % of the writer's CPU per message (SQLite
    // copies every page a job touches again), and jobs that fail almost
    // always fail before changing anything. So a job runs bare; only when
    // one fails after changing rows is the batch begun again, the jobs
    // before it re-run in savepoints, and the rest of the batch too.
    bool guarded = false;
    auto run = [&](std::size_t i) {
      if (guarded) return run_guarded(i);
      const std::uint64_t before = conn->rows_changed();
      try {
        batch[i].job(*conn);
        return;
      } catch (...) {
        errors[i] = std::current_exception();
      }
      if (!conn->in_transaction()) std::rethrow_exception(errors[i]);  // the batch is lost
      if (conn->rows_changed() == before) return;
      conn->rollback();
      conn->begin_write();
      guarded = true;
      for (std::size_t j = 0; j < i; ++j) {
        if (!errors[j]) run_guarded(j);
      }
    };

    std::exception_ptr batch_error;
    try {
      take(false);
      conn->begin_write();
      for (std::size_t i = 0;; ++i) {
        if (i == batch.size()) {
          if (!steady || batch.size() >= options_.max_batch || Clock::now() >= opened + window)
            break;
          if (!take(true)) break;
        }
        errors.push_back(nullptr);
        run(i);
      }
      conn->commit();
    } catch (...) {
      batch_error = std::current_exception();
      logging_errors("rollback after a failed batch failed", [&] { conn->rollback(); });
    }
    last_commit = Clock::now();
    errors.resize(batch.size(), nullptr);  // jobs never started when the batch failed early
    write_batches_.fetch_add(1, std::memory_order_relaxed);
    writes_run_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (batch.size() > largest_batch_.load(std::memory_order_relaxed)) {
      largest_batch_.store(batch.size(), std::memory_order_relaxed);  // only this thread writes it
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      finish(batch[i].done, errors[i] ? errors[i] : batch_error);
    }
    logging_errors("upkeep between batches failed", [&] { conn->between_batches(); });
  }
}

void Executor::reader_loop(std::unique_ptr<Connection> conn) {
  pthread_setname_np(pthread_self(), "parlor-reader");
  for (;;) {
    Item item;
    {
      std::unique_lock lock(reads_.mutex);
      ++reads_.sleepers;
      reads_.ready.wait(lock, [&] { return reads_.stopping || !reads_.items.empty(); });
      --reads_.sleepers;
      if (reads_.items.empty()) return;
      item = std::move(reads_.items.front());
      reads_.items.pop_front();
    }
    std::exception_ptr error;
    try {
      conn->begin_read();
      try {
        item.job(*conn);
      } catch (...) {
        error = std::current_exception();
      }
      // A read transaction changes nothing: ending it either way only
      // releases the snapshot.
      if (error) {
        conn->rollback();
      } else {
        conn->commit();
      }
    } catch (...) {
      if (!error) error = std::current_exception();
      try {
        conn->rollback();
      } catch (...) {
      }
    }
    reads_run_.fetch_add(1, std::memory_order_relaxed);
    finish(item.done, error);
  }
}

ExecutorStats Executor::stats() {
  ExecutorStats s;
  s.write_batches = write_batches_.load(std::memory_order_relaxed);
  s.writes = writes_run_.load(std::memory_order_relaxed);
  s.reads = reads_run_.load(std::memory_order_relaxed);
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.largest_batch = largest_batch_.load(std::memory_order_relaxed);
  {
    std::lock_guard lock(writes_.mutex);
    s.write_queue = writes_.items.size();
  }
  {
    std::lock_guard lock(reads_.mutex);
    s.read_queue = reads_.items.size();
  }
  return s;
}

}  // namespace parlor::store
