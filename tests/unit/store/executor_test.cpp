// The storage Executor: group commit, done order, per-job rollback, bounded
// queues, draining stop, reads after writes. Runs on every backend.
#include <gtest/gtest.h>
#include <chrono>
#include <thread>

#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends.hpp"
#include "counting_store.hpp"
#include "store/executor.hpp"

namespace parlor::store::test {
namespace {

UserRecord user_named(const std::string& name) {
  UserRecord u;
  u.username = name;
  u.email = name + "@example.com";
  return u;
}

Executor::Job create(const std::string& name) {
  return [name](Connection& c) { c.create_user(user_named(name)); };
}

// Holds the writer thread inside a job until released, so that the jobs
// submitted meanwhile are all queued when the writer next looks.
class Gate {
 public:
  Executor::Job job() {
    return [this](Connection&) {
      entered_.set_value();
      released_.get_future().wait();
    };
  }
  void wait_entered() { entered_.get_future().wait(); }
  // Queues this gate as a write and waits until the writer is inside it.
  void hold(Executor& ex) {
    ASSERT_TRUE(ex.submit_write(job(), nullptr));
    wait_entered();
  }
  void release() { released_.set_value(); }

 private:
  std::promise<void> entered_;
  std::promise<void> released_;
};

std::string message_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  }
}

// What each job's done callback was given (read after Executor::stop()).
struct Dones {
  explicit Dones(std::size_t n) : called(n), errors(n) {}
  Executor::Done at(std::size_t i) {
    return [this, i](std::exception_ptr e) {
      called[i] = true;
      errors[i] = e;
    };
  }
  std::vector<bool> called;
  std::vector<std::exception_ptr> errors;
};

class ExecutorTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = GetParam().make();
    inner_ = db_->open();
    store_ = std::make_unique<CountingStore>(*inner_);
  }

  bool user_exists(const std::string& name) {
    return static_cast<bool>(inner_->connect()->user_by_username(name));
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> inner_;
  std::unique_ptr<CountingStore> store_;
};

TEST_P(ExecutorTest, QueuedWritesShareOneCommit) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  std::atomic<int> ok{0};
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(ex.submit_write(create("u" + std::to_string(i)), [&](std::exception_ptr e) {
      if (!e) ++ok;
    }));
  }
  gate.release();
  ex.stop();
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(store_->counters.write_commits, 2);  // the gate's batch, then all 100 at once
  auto stats = ex.stats();
  EXPECT_EQ(stats.write_batches, 2u);
  EXPECT_EQ(stats.writes, 101u);
  EXPECT_EQ(stats.largest_batch, 100u);
  EXPECT_EQ(stats.write_queue, 0u);
  EXPECT_TRUE(user_exists("u0"));
  EXPECT_TRUE(user_exists("u99"));
}

TEST_P(ExecutorTest, BatchesAreCappedAtMaxBatch) {
  Executor ex(*store_, ExecutorOptions{.reader_threads = 1, .max_queue = 1000, .max_batch = 10});
  Gate gate;
  gate.hold(ex);
  for (int i = 0; i < 95; ++i) ASSERT_TRUE(ex.submit_write(create("u" + std::to_string(i)), {}));
  gate.release();
  ex.stop();
  EXPECT_EQ(store_->counters.write_commits, 1 + 10);
  EXPECT_TRUE(user_exists("u94"));
}

TEST_P(ExecutorTest, UnderSteadyLoadTheCommitWindowGathersLaterWrites) {
  using namespace std::chrono_literals;
  Executor ex(*store_, ExecutorOptions{.reader_threads = 1,
                                       .max_queue = 1000,
                                       .max_batch = 512,
                                       .commit_window = std::chrono::microseconds(500ms)});
  auto write_and_wait = [&](const std::string& name) {
    std::promise<void> done;
    ASSERT_TRUE(ex.submit_write(create(name), [&](std::exception_ptr) { done.set_value(); }));
    done.get_future().wait();
  };
  // An idle writer commits a lone write at once: no window to wait out.
  auto t0 = std::chrono::steady_clock::now();
  write_and_wait("first");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 400ms);
  EXPECT_EQ(store_->counters.write_commits, 1);
  // Right after a commit the writer counts as busy: writes arriving within
  // the window join one transaction instead of committing one by one.
  std::atomic<int> ok{0};
  ASSERT_TRUE(ex.submit_write(create("a"), [&](std::exception_ptr e) { ok += !e; }));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(ex.submit_write(create("b"), [&](std::exception_ptr e) { ok += !e; }));
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(ex.submit_write(create("c"), [&](std::exception_ptr e) { ok += !e; }));
  ex.stop();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(store_->counters.write_commits, 2);
  EXPECT_TRUE(user_exists("c"));
}

TEST_P(ExecutorTest, JobsFurtherApartThanTheWindowDoNotWaitItOut) {
  using namespace std::chrono_literals;
  using Clock = std::chrono::steady_clock;
  constexpr auto window = 300ms;
  Executor ex(
      *store_,
      ExecutorOptions{
          .reader_threads = 1, .max_queue = 1000, .max_batch = 512, .commit_window = window});
  constexpr int jobs = 6;
  std::vector<std::promise<Clock::time_point>> done(jobs);
  std::vector<Clock::time_point> submitted(jobs);
  auto submit = [&](int i) {
    submitted[i] = Clock::now();
    ASSERT_TRUE(ex.submit_write(create("j" + std::to_string(i)),
                                [&, i](std::exception_ptr) { done[i].set_value(Clock::now()); }));
  };
  // Two jobs close together, then one every 1.5 windows. Each of those
  // arrives within a window of the previous commit's end if that commit
  // had waited its window out, so "soon after a commit" alone would keep
  // every job waiting a window for nothing; the arrival rate says no.
  submit(0);
  std::this_thread::sleep_for(window / 4);
  submit(1);
  for (int i = 2; i < jobs; ++i) {
    std::this_thread::sleep_until(submitted[1] + (i - 1) * window * 3 / 2);
    submit(i);
  }
  for (int i = 0; i < jobs; ++i) {
    auto latency = done[i].get_future().get() - submitted[i];
    if (i >= 2) {
      EXPECT_LT(latency, window / 2) << "job " << i;
    }
  }
  ex.stop();
  EXPECT_EQ(store_->counters.write_commits, jobs);
}

TEST_P(ExecutorTest, DoneCallbacksRunInSubmissionOrder) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  std::mutex mutex;
  std::vector<int> order;
  for (int i = 0; i < 50; ++i) {
    // Odd jobs fail, to show failures keep their place too.
    Executor::Job job = i % 2 ? Executor::Job([](Connection&) { throw std::runtime_error("x"); })
                              : create("u" + std::to_string(i));
    ASSERT_TRUE(ex.submit_write(job, [&, i](std::exception_ptr) {
      std::lock_guard lock(mutex);
      order.push_back(i);
    }));
  }
  gate.release();
  ex.stop();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST_P(ExecutorTest, AFailingJobRollsBackOnlyItself) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  Dones dones(4);
  auto& errors = dones.errors;
  ASSERT_TRUE(ex.submit_write(create("a"), dones.at(0)));
  ASSERT_TRUE(ex.submit_write(
      [](Connection& c) {
        c.create_user(user_named("b"));
        throw std::runtime_error("job b failed");
      },
      dones.at(1)));
  ASSERT_TRUE(ex.submit_write(create("A"), dones.at(2)));  // a database error: duplicate
  ASSERT_TRUE(ex.submit_write(create("d"), dones.at(3)));
  gate.release();
  ex.stop();

  for (bool c : dones.called) EXPECT_TRUE(c);
  EXPECT_FALSE(errors[0]);
  ASSERT_TRUE(errors[1]);
  EXPECT_EQ(message_of(errors[1]), "job b failed");
  ASSERT_TRUE(errors[2]);
  EXPECT_THROW(std::rethrow_exception(errors[2]), Error);
  EXPECT_FALSE(errors[3]);
  EXPECT_TRUE(user_exists("a"));
  EXPECT_FALSE(user_exists("b"));
  EXPECT_TRUE(user_exists("d"));
  EXPECT_EQ(store_->counters.write_commits, 2);
}

// Savepoints are only paid for when a job fails after changing rows: then the
// batch starts over and the jobs before the failed one run again.
TEST_P(ExecutorTest, JobsRunWithoutSavepointsUntilOneFailsAfterChangingRows) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  int runs[5] = {};
  Dones dones(5);
  auto& errors = dones.errors;
  auto counted = [&](int i, const std::string& name) {
    return [&, i, name](Connection& c) {
      ++runs[i];
      c.create_user(user_named(name));
    };
  };
  ASSERT_TRUE(ex.submit_write(counted(0, "a"), dones.at(0)));
  ASSERT_TRUE(ex.submit_write(
      [&](Connection&) {
        ++runs[1];
        throw std::runtime_error("refused before writing");
      },
      dones.at(1)));
  ASSERT_TRUE(ex.submit_write(counted(2, "b"), dones.at(2)));
  ASSERT_TRUE(ex.submit_write(
      [&](Connection& c) {
        ++runs[3];
        c.create_user(user_named("half"));
        throw std::runtime_error("failed after writing");
      },
      dones.at(3)));
  ASSERT_TRUE(ex.submit_write(counted(4, "c"), dones.at(4)));
  gate.release();
  ex.stop();

  EXPECT_FALSE(errors[0]);
  ASSERT_TRUE(errors[1]);
  EXPECT_EQ(message_of(errors[1]), "refused before writing");
  EXPECT_FALSE(errors[2]);
  ASSERT_TRUE(errors[3]);
  EXPECT_EQ(message_of(errors[3]), "failed after writing");
  EXPECT_FALSE(errors[4]);
  EXPECT_TRUE(user_exists("a"));
  EXPECT_TRUE(user_exists("b"));
  EXPECT_TRUE(user_exists("c"));
  EXPECT_FALSE(user_exists("half"));
  // The jobs that succeeded before the half-done one ran again; the failed
  // ones did not (their errors stand).
  EXPECT_EQ(runs[0], 2);
  EXPECT_EQ(runs[1], 1);
  EXPECT_EQ(runs[2], 2);
  EXPECT_EQ(runs[3], 1);
  EXPECT_EQ(runs[4], 1);
  EXPECT_EQ(store_->counters.rollbacks, 1);   // the batch's first attempt
  EXPECT_EQ(store_->counters.savepoints, 3);  // a and b again, then c
  EXPECT_EQ(store_->counters.write_commits, 2);
}

TEST_P(ExecutorTest, AFailureThatEndsTheTransactionFailsTheWholeBatch) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  Dones dones(3);
  ASSERT_TRUE(ex.submit_write(create("before"), dones.at(0)));
  // As SQLite does on some I/O errors: the transaction is gone when the
  // job's error arrives. A later job must not run outside a transaction.
  ASSERT_TRUE(ex.submit_write(
      [](Connection& c) {
        c.rollback();
        throw std::runtime_error("disk I/O error");
      },
      dones.at(1)));
  ASSERT_TRUE(ex.submit_write(create("after"), dones.at(2)));
  gate.release();
  ex.stop();

  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(dones.called[i]);
    ASSERT_TRUE(dones.errors[i]);
    EXPECT_EQ(message_of(dones.errors[i]), "disk I/O error");
  }
  EXPECT_FALSE(user_exists("before"));
  EXPECT_FALSE(user_exists("after"));
}

TEST_P(ExecutorTest, CommitFailureReachesEveryDoneOfTheBatch) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  Dones dones(4);
  // The first job of the next batch arms the failure for that batch's commit.
  ASSERT_TRUE(ex.submit_write(
      [this](Connection& c) {
        store_->counters.fail_next_commit = true;
        c.create_user(user_named("f0"));
      },
      dones.at(0)));
  for (std::size_t i = 1; i < 4; ++i) {
    ASSERT_TRUE(ex.submit_write(create("f" + std::to_string(i)), dones.at(i)));
  }
  gate.release();
  ex.stop();
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(dones.called[i]);
    ASSERT_TRUE(dones.errors[i]);
    EXPECT_EQ(message_of(dones.errors[i]), "injected commit failure");
    EXPECT_FALSE(user_exists("f" + std::to_string(i)));
  }
  EXPECT_EQ(store_->counters.rollbacks, 1);
}

TEST_P(ExecutorTest, UpkeepRunsAfterEachBatchAndItsCallbacks) {
  Executor ex(*store_);
  Gate gate;
  gate.hold(ex);
  // What each done of the second batch saw: upkeep had run for the first
  // batch only.
  std::vector<int> seen(3, -1);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(ex.submit_write(create("b" + std::to_string(i)), [&, i](std::exception_ptr) {
      seen[i] = store_->counters.between_batches;
    }));
  }
  gate.release();
  ex.stop();
  EXPECT_EQ(seen, std::vector<int>(3, 1));
  EXPECT_EQ(store_->counters.between_batches, 2);
  EXPECT_EQ(store_->counters.between_batches_in_transaction, 0);
}

TEST_P(ExecutorTest, QueuesAreBounded) {
  Executor ex(*store_, ExecutorOptions{.reader_threads = 1, .max_queue = 3, .max_batch = 512});
  Gate gate;
  gate.hold(ex);  // the gate job has left the queue
  EXPECT_TRUE(ex.submit_write(create("a"), {}));
  EXPECT_TRUE(ex.submit_write(create("b"), {}));
  EXPECT_TRUE(ex.submit_write(create("c"), {}));
  EXPECT_FALSE(ex.submit_write(create("d"), {}));
  EXPECT_EQ(ex.stats().write_queue, 3u);

  Gate read_gate;
  ASSERT_TRUE(ex.submit_read(read_gate.job(), nullptr));
  read_gate.wait_entered();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(ex.submit_read([](Connection&) {}, {}));
  EXPECT_FALSE(ex.submit_read([](Connection&) {}, {}));

  EXPECT_EQ(ex.stats().rejected, 2u);
  gate.release();
  read_gate.release();
  ex.stop();
  EXPECT_EQ(ex.stats().reads, 4u);
  EXPECT_TRUE(user_exists("c"));
  EXPECT_FALSE(user_exists("d"));
}

TEST_P(ExecutorTest, StopDrainsEveryQueuedJob) {
  std::atomic<int> writes{0};
  std::atomic<int> reads{0};
  {
    Executor ex(*store_);
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(ex.submit_write(create("u" + std::to_string(i)), [&](std::exception_ptr e) {
        if (!e) ++writes;
      }));
      ASSERT_TRUE(ex.submit_read([](Connection& c) { c.public_rooms(); },
                                 [&](std::exception_ptr e) {
                                   if (!e) ++reads;
                                 }));
    }
    ex.stop();
    EXPECT_EQ(writes, 300);
    EXPECT_EQ(reads, 300);
    EXPECT_FALSE(ex.submit_write(create("late"), {}));
    EXPECT_FALSE(ex.submit_read([](Connection&) {}, {}));
    ex.stop();  // twice is fine; so is the destructor's
  }
  EXPECT_TRUE(user_exists("u299"));
  EXPECT_FALSE(user_exists("late"));
}

TEST_P(ExecutorTest, ReadsSeeCommittedWrites) {
  Executor ex(*store_);
  std::promise<std::optional<UserRecord>> found;
  ASSERT_TRUE(ex.submit_write(create("writer"), [&](std::exception_ptr e) {
    EXPECT_FALSE(e);
    // Done runs after the commit: a read submitted now must see the row.
    bool queued = ex.submit_read(
        [&](Connection& c) { found.set_value(c.user_by_username("writer")); }, nullptr);
    EXPECT_TRUE(queued);
  }));
  auto user = found.get_future().get();
  ASSERT_TRUE(user);
  EXPECT_EQ(user->username, "writer");
}

TEST_P(ExecutorTest, AFailingReadReportsItsError) {
  Executor ex(*store_);
  std::promise<std::exception_ptr> result;
  ASSERT_TRUE(ex.submit_read([](Connection&) { throw std::runtime_error("read failed"); },
                             [&](std::exception_ptr e) { result.set_value(e); }));
  auto e = result.get_future().get();
  ASSERT_TRUE(e);
  EXPECT_EQ(message_of(e), "read failed");

  // The reader is still in service, with no transaction left open.
  std::promise<bool> second;
  ASSERT_TRUE(
      ex.submit_read([&](Connection& c) { second.set_value(c.public_rooms().empty()); }, nullptr));
  EXPECT_TRUE(second.get_future().get());
}

TEST_P(ExecutorTest, ReadJobsCannotWrite) {
  Executor ex(*store_);
  std::promise<std::exception_ptr> result;
  ASSERT_TRUE(ex.submit_read([](Connection& c) { c.create_user(user_named("sneaky")); },
                             [&](std::exception_ptr e) { result.set_value(e); }));
  auto e = result.get_future().get();
  ASSERT_TRUE(e);
  EXPECT_THROW(std::rethrow_exception(e), Error);
  ex.stop();
  EXPECT_FALSE(user_exists("sneaky"));
}

TEST_P(ExecutorTest, AThrowingDoneDoesNotStopTheWriter) {
  Executor ex(*store_);
  ASSERT_TRUE(
      ex.submit_write(create("a"), [](std::exception_ptr) { throw std::runtime_error("bad"); }));
  std::promise<std::exception_ptr> second;
  ASSERT_TRUE(ex.submit_write(create("b"), [&](std::exception_ptr e) { second.set_value(e); }));
  EXPECT_FALSE(second.get_future().get());
  ex.stop();
  EXPECT_TRUE(user_exists("a"));
  EXPECT_TRUE(user_exists("b"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ExecutorTest, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace parlor::store::test
