#include "media/sniff.hpp"

#include <magic.h>

#include <memory>

namespace parlor::media {
namespace {

struct MagicCloser {
  void operator()(magic_t m) const { magic_close(m); }
};
using Magic = std::unique_ptr<std::remove_pointer_t<magic_t>, MagicCloser>;

// libmagic handles are not thread-safe: one per thread, loaded on first use.
magic_t thread_magic() {
  thread_local Magic handle = [] {
    Magic m(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR));
    if (m && magic_load(m.get(), nullptr) != 0) m.reset();
    return m;
  }();
  return handle.get();
}

}  // namespace

std::string sniff_content_type(std::string_view bytes) {
  constexpr const char* unknown = "application/octet-stream";
  magic_t m = thread_magic();
  if (!m || bytes.empty()) return unknown;
  const char* type = magic_buffer(m, bytes.data(), bytes.size());
  if (!type || !*type) return unknown;
  return type;
}

}  // namespace parlor::media
