// The background WAL checkpointer (see checkpointer.hpp).
#include "store/sqlite/checkpointer.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace parlor::store::sqlite {

Checkpointer::Checkpointer(const std::string& path, const OpenOptions& options, int pages)
    : db_(path, options), pages_(pages), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::watch(Db& db) {
  sqlite3_wal_hook(db.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto* c = static_cast<Checkpointer*>(self);
  {
    std::lock_guard lock(c->mutex_);
    // The WAL only restarts from its first frame once a checkpoint has
    // caught up and no reader holds an old snapshot; until then every commit
    // reports the whole WAL. Ask again only after another `pages` frames, or
    // a busy writer would keep this thread checkpointing.
    if (pages < c->last_request_) c->last_request_ = 0;  // the WAL was restarted
    if (pages < c->last_request_ + c->pages_ || c->wanted_) return SQLITE_OK;
    c->last_request_ = pages;
    c->wanted_ = true;
  }
  c->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::catch_up(Db& db) {
  if (!catch_up_.exchange(false)) return;
  // BUSY if another checkpoint runs: that one sets catch_up_ again when it ends.
  int rc =
      sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    spdlog::warn("store: WAL catch-up checkpoint failed: {}", sqlite3_errmsg(db.handle()));
  }
}

bool Checkpointer::pass(int& wal_frames) {
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                     &copied);
  // BUSY only means another checkpoint is running; the next commit asks again.
  if (rc == SQLITE_BUSY) return false;
  if (rc != SQLITE_OK) {
    spdlog::warn("store: WAL checkpoint failed: {}", sqlite3_errmsg(db_.handle()));
    return false;
  }
  sqlite3_file* file = nullptr;
  rc = sqlite3_file_control(db_.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc == SQLITE_OK && file && file->pMethods)
    rc = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK) {
    // Harmless for the data (the catch-up syncs before the WAL restarts),
    // only slower.
    spdlog::warn("store: syncing the database file after a checkpoint failed ({})", rc);
  }
  return true;
}

void Checkpointer::run() {
  pthread_setname_np(pthread_self(), "parlor-ckpt");
  // A pass that finds fewer new frames than this leaves the rest to the
  // catch-up (a batch of a few hundred messages writes about as many).
  constexpr int kFewFrames = 256;
  constexpr int kMaxPasses = 4;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    int before = 0;
    bool ok = pass(before);
    for (int n = 1; ok && n < kMaxPasses; ++n) {
      int frames = 0;
      ok = pass(frames);
      if (frames - before < kFewFrames) break;
      before = frames;
    }
    if (ok) catch_up_.store(true);
  }
}

}  // namespace parlor::store::sqlite
