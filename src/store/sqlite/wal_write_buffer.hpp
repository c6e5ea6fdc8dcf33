// A VFS over SQLite's default one that gathers a transaction's WAL writes
// into one buffer and hands them to the file in one write, just before the
// commit's sync. SQLite writes every WAL frame as two calls (its 24-byte
// header, then the page): a commit of 25 frames was 50 `pwrite`s, each
// paying the syscall and the file system's per-call work.
//
// Only appends are held back. Anything that could observe the file or
// depends on order (a read, a sync, a size query, a truncate, a write that
// is not the next byte, a file control, closing) first writes what is held.
// SQLite updates the shared WAL index, which tells other connections which
// frames exist, only after the commit's sync, so no other connection can
// look for a frame that is still in the buffer: that holds with
// synchronous=FULL only, the one mode that syncs at every commit, so only
// those connections use this VFS (see Db).
#pragma once

namespace parlor::store::sqlite {

// The name to pass to sqlite3_open_v2; registers the VFS on first use.
const char* wal_write_buffer_vfs();

}  // namespace parlor::store::sqlite
