// The background WAL checkpointer (see checkpointer.hpp).
#include "store/sqlite/checkpointer.hpp"

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
  if (pages < c->pages_) return SQLITE_OK;
  {
    std::lock_guard lock(c->mutex_);
    if (c->wanted_) return SQLITE_OK;
    c->wanted_ = true;
  }
  c->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                       nullptr);
    // BUSY only means another checkpoint is running; the next commit asks again.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("store: WAL checkpoint failed: {}", sqlite3_errmsg(db_.handle()));
    }
  }
}

}  // namespace parlor::store::sqlite
