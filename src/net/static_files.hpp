// Serves the built web client: content types, immutable caching for hashed
// assets, no-cache for index.html, SPA fallback, no path traversal.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/request.hpp"

namespace parlor::net {

std::string_view mime_type(std::string_view path);

class StaticFiles {
 public:
  // Reads every regular file under `root` into memory once, here: serving
  // then never touches the disk, so an I/O thread never waits on it. A web
  // client rebuilt while the server runs is picked up at the next start.
  // Files over kMaxFile bytes, or past kMaxTotal in all, are left out (404).
  explicit StaticFiles(std::filesystem::path root);

  static constexpr std::size_t kMaxFile = 16 << 20;
  static constexpr std::size_t kMaxTotal = 128 << 20;

  // Builds the response for a GET/HEAD of `path` (decoded). Unknown paths
  // fall back to index.html (the client routes them); a missing file under
  // /assets/ is a 404.
  Response serve(const Request& req) const;

  std::size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string body;
    std::string_view type;
  };
  Response file_response(const File& file, std::string_view cache_control, bool head,
                         unsigned version) const;
  // Relative paths with '/' separators, as in URLs: "index.html", "assets/x.js".
  std::unordered_map<std::string, File> files_;
};

}  // namespace parlor::net
