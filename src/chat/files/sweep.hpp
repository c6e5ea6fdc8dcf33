// Removes uploads that no message claimed within the configured hours
// (--unclaimed-upload-hours), as Zulip does with unclaimed attachments: a
// file uploaded for a message never sent would otherwise stay forever.
// Each pass deletes up to a batch of records in one write job, then the
// bytes; a full batch runs the next pass at once, otherwise one waits a
// quarter of the age limit (at least a second, at most an hour).
#pragma once

#include <memory>

#include "chat/alarm_thread.hpp"
#include "store/records.hpp"

namespace parlor::chat {
class Domain;
}

namespace parlor::chat::files {

class Sweep {
 public:
  // Does nothing unless the domain has file storage and the limit is set.
  explicit Sweep(Domain& d);
  ~Sweep();  // stop()
  void start();
  void stop();

 private:
  void pass();  // on the domain strand

  Domain& d_;
  store::TimeMs max_age_ms_ = 0;
  store::TimeMs interval_ms_ = 0;
  std::unique_ptr<AlarmThread> alarm_;
};

}  // namespace parlor::chat::files
