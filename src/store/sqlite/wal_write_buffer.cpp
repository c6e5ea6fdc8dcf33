// The WAL write-gathering VFS (see wal_write_buffer.hpp).
#include "store/sqlite/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace parlor::store::sqlite {
namespace {

constexpr char kName[] = "parlor-wal-buffer";
// The default VFS writes at most 0x1ffff bytes per call (it masks the
// length, since it never writes more than a page), so a full buffer is
// written out before it reaches that: each flush is one write.
constexpr int kCapacity = 124 * 1024;

sqlite3_vfs g_vfs;
sqlite3_vfs* g_base = nullptr;

// What SQLite allocates per open file: the default VFS's own file object
// first (its methods run on this same pointer), then this.
struct Held {
  const sqlite3_io_methods* base = nullptr;
  char* data = nullptr;
  sqlite3_int64 start = 0;  // file offset of data[0]
  int size = 0;
};

int held_offset() {
  constexpr int align = alignof(Held);
  return (g_base->szOsFile + align - 1) / align * align;
}

Held& held(sqlite3_file* f) {
  return *reinterpret_cast<Held*>(reinterpret_cast<char*>(f) + held_offset());
}

int flush(sqlite3_file* f) {
  Held& h = held(f);
  if (h.size == 0) return SQLITE_OK;
  int rc = h.base->xWrite(f, h.data, h.size, h.start);
  h.size = 0;
  return rc;
}

int buffered_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  Held& h = held(f);
  const bool appends = h.size > 0 && offset == h.start + h.size;
  if ((!appends && h.size > 0) || (appends && h.size + amount > kCapacity)) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (amount > kCapacity) return h.base->xWrite(f, data, amount, offset);
  if (!h.data) {
    h.data = static_cast<char*>(std::malloc(kCapacity));
    if (!h.data) return h.base->xWrite(f, data, amount, offset);
  }
  if (h.size == 0) h.start = offset;
  std::memcpy(h.data + h.size, data, static_cast<std::size_t>(amount));
  h.size += amount;
  return SQLITE_OK;
}

int close_file(sqlite3_file* f) {
  Held& h = held(f);
  int flushed = flush(f);
  int rc = h.base->xClose(f);
  std::free(h.data);
  h = Held{};
  return flushed != SQLITE_OK ? flushed : rc;
}

int read_file(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return held(f).base->xRead(f, out, amount, offset);
}

int truncate_file(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return held(f).base->xTruncate(f, size);
}

int sync_file(sqlite3_file* f, int flags) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return held(f).base->xSync(f, flags);
}

int file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return held(f).base->xFileSize(f, size);
}

int lock(sqlite3_file* f, int level) {
  return held(f).base->xLock(f, level);
}

int unlock(sqlite3_file* f, int level) {
  return held(f).base->xUnlock(f, level);
}

int check_reserved_lock(sqlite3_file* f, int* out) {
  return held(f).base->xCheckReservedLock(f, out);
}

int file_control(sqlite3_file* f, int op, void* arg) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return held(f).base->xFileControl(f, op, arg);
}

int sector_size(sqlite3_file* f) {
  return held(f).base->xSectorSize(f);
}

int device_characteristics(sqlite3_file* f) {
  return held(f).base->xDeviceCharacteristics(f);
}

// Memory-mapped reads of the WAL are never used, and the shared-memory
// index belongs to the database file, which this VFS leaves alone; these
// only forward.
int shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return held(f).base->xShmMap(f, page, size, extend, out);
}

int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return held(f).base->xShmLock(f, offset, n, flags);
}

void shm_barrier(sqlite3_file* f) {
  held(f).base->xShmBarrier(f);
}

int shm_unmap(sqlite3_file* f, int remove) {
  return held(f).base->xShmUnmap(f, remove);
}

int fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return held(f).base->xFetch(f, offset, amount, out);
}

int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return held(f).base->xUnfetch(f, offset, page);
}

const sqlite3_io_methods g_methods = {
    3,
    close_file,
    read_file,
    buffered_write,
    truncate_file,
    sync_file,
    file_size,
    lock,
    unlock,
    check_reserved_lock,
    file_control,
    sector_size,
    device_characteristics,
    shm_map,
    shm_lock,
    shm_barrier,
    shm_unmap,
    fetch,
    unfetch,
};

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  int rc = g_base->xOpen(g_base, name, f, flags, out_flags);
  // Every other file keeps the default VFS's methods: no indirection at all.
  if (rc != SQLITE_OK || !(flags & SQLITE_OPEN_WAL) || !f->pMethods) return rc;
  // The default VFS's methods must be version 3, or forwarding a newer
  // method would call through a null pointer.
  if (f->pMethods->iVersion < 3) return rc;
  held(f) = Held{f->pMethods};
  f->pMethods = &g_methods;
  return rc;
}

// Everything but opening a file is the default VFS's own.
int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_base->xDelete(g_base, name, sync_dir);
}
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_base->xAccess(g_base, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) {
  return g_base->xDlOpen(g_base, name);
}
void vfs_dl_error(sqlite3_vfs*, int n, char* out) {
  g_base->xDlError(g_base, n, out);
}
void (*vfs_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_base->xDlSym(g_base, handle, symbol);
}
void vfs_dl_close(sqlite3_vfs*, void* handle) {
  g_base->xDlClose(g_base, handle);
}
int vfs_randomness(sqlite3_vfs*, int n, char* out) {
  return g_base->xRandomness(g_base, n, out);
}
int vfs_sleep(sqlite3_vfs*, int micros) {
  return g_base->xSleep(g_base, micros);
}
int vfs_current_time(sqlite3_vfs*, double* out) {
  return g_base->xCurrentTime(g_base, out);
}
int vfs_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_base->xGetLastError ? g_base->xGetLastError(g_base, n, out) : 0;
}
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_base->xCurrentTimeInt64(g_base, out);
}

}  // namespace

const char* wal_write_buffer_vfs() {
  static std::once_flag once;
  static const char* name = nullptr;
  std::call_once(once, [] {
    g_base = sqlite3_vfs_find(nullptr);
    // Without a version-2 default VFS (xCurrentTimeInt64), fall back to it.
    if (!g_base || g_base->iVersion < 2) return;
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = held_offset() + static_cast<int>(sizeof(Held));
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kName;
    g_vfs.xOpen = open_file;
    g_vfs.xDelete = vfs_delete;
    g_vfs.xAccess = vfs_access;
    g_vfs.xFullPathname = vfs_full_pathname;
    g_vfs.xDlOpen = vfs_dl_open;
    g_vfs.xDlError = vfs_dl_error;
    g_vfs.xDlSym = vfs_dl_sym;
    g_vfs.xDlClose = vfs_dl_close;
    g_vfs.xRandomness = vfs_randomness;
    g_vfs.xSleep = vfs_sleep;
    g_vfs.xCurrentTime = vfs_current_time;
    g_vfs.xGetLastError = vfs_get_last_error;
    g_vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    if (sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK) name = kName;
  });
  return name;
}

}  // namespace parlor::store::sqlite
