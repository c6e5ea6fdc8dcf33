// Moves WAL checkpoints off the committing thread. SQLite's automatic
// checkpoint runs inside the COMMIT that crosses the WAL size limit, so one
// unlucky batch pays for copying megabytes into the database file and an
// extra fsync. Instead, every connection reports the WAL size after its
// commits (sqlite3_wal_hook, which also turns the automatic checkpoint off),
// and this thread runs PASSIVE checkpoints on its own connection: they never
// block writers or readers.
//
// A WAL only starts again from its first frame when a write transaction
// begins with every frame already checkpointed. A writer that commits
// without pause always begins while the background checkpoint is still
// behind, so the WAL would grow without end (gigabytes in a long run, every
// frame appended past the end of the file). So after the background
// checkpoint, the writer finishes the job on its own connection between two
// batches (catch_up): a PASSIVE checkpoint of the few frames written
// meanwhile, after which its next transaction restarts the WAL.
//
// That catch-up holds up the writer, so the background thread leaves it as
// little as it can:
// - A checkpoint that stops short of the WAL's end (always, under load)
//   does not sync the database file; the one that reaches the end syncs
//   everything copied since. So this thread syncs the file after each of
//   its passes itself: left to the catch-up, that sync wrote the megabytes
//   of the background pass and took 5-10 ms.
// - It runs further passes over what was committed during the previous one
//   until a pass finds little, so the catch-up copies about a batch's worth.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/db.hpp"

namespace parlor::store::sqlite {

class Checkpointer {
 public:
  // Checkpoints once the WAL holds `pages` pages or more.
  Checkpointer(const std::string& path, const OpenOptions& options, int pages);
  ~Checkpointer();  // stops the thread
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Makes `db` report to this checkpointer. The Checkpointer must outlive it.
  void watch(Db& db);
  // If a background checkpoint has ended since the last call, checkpoints
  // what was committed since on `db`. Call with no transaction open on it.
  void catch_up(Db& db);

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();
  // One PASSIVE pass, then a sync of the database file; false if it failed.
  // `wal_frames`: the WAL's size in frames when the pass began.
  bool pass(int& wal_frames);

  Db db_;
  int pages_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  int last_request_ = 0;  // WAL size (pages) when a checkpoint was last asked for
  bool stopping_ = false;
  std::atomic<bool> catch_up_{false};  // a background checkpoint ended: finish it (catch_up)
  std::thread thread_;
};

}  // namespace parlor::store::sqlite
