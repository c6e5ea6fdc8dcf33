// A raw sqlite3 handle on a test database, through SQLite's default VFS, to
// look behind the store's interface: it sees only what reached the files.
#pragma once

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace parlor::store::test {

class Raw {
 public:
  explicit Raw(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open");
  }
  ~Raw() { sqlite3_close(db_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  // Every column of every row, joined by '|'.
  std::string text(const std::string& sql) {
    std::string out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* t = sqlite3_column_text(stmt, i);
        if (!out.empty()) out += '|';
        out += t ? reinterpret_cast<const char*>(t) : "NULL";
      }
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace parlor::store::test
