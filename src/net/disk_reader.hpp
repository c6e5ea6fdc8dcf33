// Reads file chunks on threads of its own, so an I/O thread never waits on
// the disk: a download from a cold disk (or a slow network filesystem) stalls
// only the connections waiting for it, not every socket of its I/O thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/open_file.hpp"

namespace parlor::net {

class DiskReader {
 public:
  // Bytes read (0 at the end of the file) or -1 on error; runs on a reader
  // thread, so post to your own executor.
  using Done = std::function<void(std::ptrdiff_t got)>;

  explicit DiskReader(unsigned threads = 2);
  ~DiskReader();  // stop()
  DiskReader(const DiskReader&) = delete;
  DiskReader& operator=(const DiskReader&) = delete;

  // Reads up to `n` bytes at `offset` into `out`, which must stay valid until
  // `done` runs. False once stopped; `done` is then never called.
  bool read(std::shared_ptr<const core::OpenFile> file, std::uint64_t offset, char* out,
            std::size_t n, Done done);

  // Drops the reads still queued, waits for the running ones, joins. Any
  // thread but a reader's own.
  void stop();

 private:
  struct Job {
    std::shared_ptr<const core::OpenFile> file;
    std::uint64_t offset = 0;
    char* out = nullptr;
    std::size_t n = 0;
    Done done;
  };
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace parlor::net
