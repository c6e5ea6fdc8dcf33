#include "core/open_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace parlor::core {

std::shared_ptr<const OpenFile> OpenFile::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return nullptr;
  }
  return std::shared_ptr<const OpenFile>(new OpenFile(fd, static_cast<std::uint64_t>(st.st_size)));
}

OpenFile::~OpenFile() {
  ::close(fd_);
}

std::ptrdiff_t OpenFile::read_at(std::uint64_t offset, char* out, std::size_t n) const {
  for (;;) {
    ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got >= 0 || errno != EINTR) return got;
  }
}

}  // namespace parlor::core
