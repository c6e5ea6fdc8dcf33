// A one-shot alarm on its own thread (typing timeouts, the sweep of
// unclaimed uploads): arm(at) makes it call `ring` once at (or just after)
// `at`, on the alarm's thread; a new arm() replaces the pending one. Times
// come from the same `now` function its owner uses, so a test clock and the
// real one behave alike.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "store/records.hpp"

namespace parlor::chat {

class AlarmThread {
 public:
  using Now = std::function<store::TimeMs()>;
  AlarmThread(Now now, std::function<void()> ring);
  ~AlarmThread();  // stop()
  AlarmThread(const AlarmThread&) = delete;
  AlarmThread& operator=(const AlarmThread&) = delete;

  void arm(store::TimeMs at);
  // Joins the thread; `ring` is not called after this returns.
  void stop();

 private:
  void run();

  Now now_;
  std::function<void()> ring_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<store::TimeMs> at_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parlor::chat
