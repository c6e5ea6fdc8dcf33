// The storage backends the store test suite runs against. Each test gets a
// fresh, empty database of its own; destroying the TestDatabase removes it.
// A PostgreSQL backend is added here as one more entry of backends().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace parlor::store::test {

class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // Opens the database; opening again (after the previous Store is gone)
  // reaches the same data, running start-up (migrations) again.
  virtual std::unique_ptr<Store> open() = 0;
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> make;
};

std::vector<Backend> backends();

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace parlor::store::test
