// A file opened for reading, shared by whoever sends it: the fd stays open
// while any holder remains, so a response streams the file it found even if
// the name is removed meanwhile. Reads are positional (pread), so holders do
// not share a file offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace parlor::core {

class OpenFile {
 public:
  // nullptr if `path` cannot be opened or is not a regular file.
  static std::shared_ptr<const OpenFile> open(const std::filesystem::path& path);

  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile();

  std::uint64_t size() const { return size_; }
  // Up to `n` bytes from `offset` into `out`: how many were read (0 at the
  // end of the file), or -1 on error.
  std::ptrdiff_t read_at(std::uint64_t offset, char* out, std::size_t n) const;

 private:
  OpenFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  int fd_;
  std::uint64_t size_;
};

}  // namespace parlor::core
