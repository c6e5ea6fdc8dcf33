#include "net/disk_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

namespace parlor::net {
namespace {

class DiskReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("parlor-disk-reader-" + std::to_string(::getpid()));
    std::ofstream(path_, std::ios::binary) << "0123456789";
    file_ = core::OpenFile::open(path_);
    ASSERT_TRUE(file_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // Reads on `reader`, waits, returns what arrived and on which thread.
  std::pair<std::string, std::thread::id> read(DiskReader& reader, std::uint64_t offset,
                                               std::size_t n) {
    std::string out(n, '\0');
    std::promise<std::pair<std::ptrdiff_t, std::thread::id>> done;
    EXPECT_TRUE(reader.read(file_, offset, out.data(), n, [&](std::ptrdiff_t got) {
      done.set_value({got, std::this_thread::get_id()});
    }));
    auto [got, thread] = done.get_future().get();
    out.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
    return {out, thread};
  }

  std::filesystem::path path_;
  std::shared_ptr<const core::OpenFile> file_;
};

TEST_F(DiskReaderTest, ReadsOnItsOwnThreads) {
  DiskReader reader(2);
  auto [bytes, thread] = read(reader, 3, 4);
  EXPECT_EQ(bytes, "3456");
  EXPECT_NE(thread, std::this_thread::get_id());
  EXPECT_EQ(read(reader, 8, 100).first, "89");  // short at the end
  EXPECT_EQ(read(reader, 10, 5).first, "");     // at the end: 0 bytes
}

TEST_F(DiskReaderTest, AfterStopReadsAreRefusedAndNeverAnswered) {
  DiskReader reader(1);
  reader.stop();
  char out[4];
  bool called = false;
  EXPECT_FALSE(reader.read(file_, 0, out, sizeof out, [&](std::ptrdiff_t) { called = true; }));
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace parlor::net
