// Runs storage work off the I/O threads.
//
// Writes go to one writer thread that commits them in groups: it takes every
// job queued (up to max_batch), runs them inside one transaction, commits
// once (one fsync), then calls every job's `done`, in submission order, on
// the writer thread. With a commit_window, a writer that
// is under steady load (its last commit ended less than a window ago, and
// jobs have lately been arriving at more than one per window) keeps the
// transaction open up to that long for jobs still arriving, so a stream of
// messages shares one fsync instead of paying one each; an idle writer, or
// one whose jobs come further apart than a window, commits a lone job at
// once. A job that throws has what it changed
// undone and its `done` gets the exception; the others still commit.
// If the commit itself fails, every `done` of the batch gets that error.
//
// A write job may run more than once before its commit: when a job fails
// after changing rows, the transaction starts over and the jobs before it
// run again, each in a savepoint. So a job must act only through its
// Connection and on state that its next run overwrites (not appends to).
//
// Reads go to a small pool of reader threads, each with its own connection
// and a read transaction around the job.
//
// The queues are bounded: submit_* returns false (and drops the job) when
// full, so callers can answer "overloaded" instead of growing memory.
// `done` callbacks must be quick: post to your own executor. They must not
// call stop() (it joins the thread they run on); submitting more work from
// them is fine. With reader_threads = 0, submit_read always returns false.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace parlor::store {

struct ExecutorOptions {
  unsigned reader_threads = 2;
  std::size_t max_queue = 65536;  // per queue (writes, reads)
  std::size_t max_batch = 512;
  std::chrono::microseconds commit_window{0};
};

// Counters since start, for logs and the bench (read with Executor::stats()).
struct ExecutorStats {
  std::uint64_t write_batches = 0;  // write transactions (one commit each)
  std::uint64_t writes = 0;         // write jobs run
  std::uint64_t reads = 0;          // read jobs run
  std::uint64_t rejected = 0;       // submits refused: queue full or stopped
  std::size_t largest_batch = 0;
  std::size_t write_queue = 0;  // jobs waiting now
  std::size_t read_queue = 0;
};

class Executor {
 public:
  using Job = std::function<void(Connection&)>;
  using Done = std::function<void(std::exception_ptr)>;  // null = success

  Executor(Store& store, ExecutorOptions options = {});
  ~Executor();  // stop()
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  bool submit_write(Job job, Done done);
  bool submit_read(Job job, Done done);

  // Finishes every queued job, then joins the threads. Later submits fail.
  void stop();

  // Any thread.
  ExecutorStats stats();

 private:
  struct Item {
    Job job;
    Done done;
  };
  struct Queue {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<Item> items;
    bool stopping = false;
    // Threads blocked until an item arrives. A writer holding a transaction
    // open for its commit window is not among them: it looks again on its
    // own, so a stream of jobs costs no wake-up per job.
    int sleepers = 0;
    std::uint64_t pushed = 0;  // items ever pushed
  };
  bool push(Queue& q, Item item);
  void writer_loop(std::unique_ptr<Connection> conn);
  void reader_loop(std::unique_ptr<Connection> conn);

  Store& store_;
  ExecutorOptions options_;
  Queue writes_;
  Queue reads_;
  std::vector<std::thread> threads_;
  std::mutex stop_mutex_;
  bool stopped_ = false;
  std::atomic<std::uint64_t> write_batches_{0};
  std::atomic<std::uint64_t> writes_run_{0};
  std::atomic<std::uint64_t> reads_run_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::size_t> largest_batch_{0};
};

}  // namespace parlor::store
