// The SQLite entry of the store test backends, and temp directories.
#include "backends.hpp"

#include <stdlib.h>

#include <stdexcept>

#include "store/sqlite/sqlite_store.hpp"

namespace parlor::store::test {
namespace {

class SqliteTestDatabase final : public TestDatabase {
 public:
  std::unique_ptr<Store> open() override {
    // synchronous=NORMAL: the tests need no fsync to be correct, only speed.
    return open_sqlite_store((dir_.path() / "parlor.db").string(),
                             SqliteOptions{.synchronous_full = false});
  }

 private:
  TempDir dir_;
};

}  // namespace

std::vector<Backend> backends() {
  return {Backend{"sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }}};
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "parlor-store-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace parlor::store::test
