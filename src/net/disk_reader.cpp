#include "net/disk_reader.hpp"

#include <pthread.h>

namespace parlor::net {

DiskReader::DiskReader(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

DiskReader::~DiskReader() {
  stop();
}

bool DiskReader::read(std::shared_ptr<const core::OpenFile> file, std::uint64_t offset, char* out,
                      std::size_t n, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    jobs_.push_back(Job{std::move(file), offset, out, n, std::move(done)});
  }
  ready_.notify_one();
  return true;
}

void DiskReader::stop() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void DiskReader::run() {
  pthread_setname_np(pthread_self(), "parlor-disk");
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto got = job.file->read_at(job.offset, job.out, job.n);
    job.done(got);
  }
}

}  // namespace parlor::net
