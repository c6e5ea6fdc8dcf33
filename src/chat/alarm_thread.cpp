// One-shot alarm thread (see alarm_thread.hpp).
#include "chat/alarm_thread.hpp"

#include <chrono>
#include <utility>

namespace parlor::chat {

AlarmThread::AlarmThread(Now now, std::function<void()> ring)
    : now_(std::move(now)), ring_(std::move(ring)), thread_([this] { run(); }) {}

AlarmThread::~AlarmThread() {
  stop();
}

void AlarmThread::arm(store::TimeMs at) {
  {
    std::lock_guard lock(mutex_);
    at_ = at;
  }
  changed_.notify_one();
}

void AlarmThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AlarmThread::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!at_) {
      changed_.wait(lock);
      continue;
    }
    store::TimeMs wait = *at_ - now_();
    if (wait > 0) {
      changed_.wait_for(lock, std::chrono::milliseconds(wait));
      continue;
    }
    at_.reset();
    lock.unlock();
    ring_();
    lock.lock();
  }
}

}  // namespace parlor::chat
