// Serves the built web client: content types, immutable caching for hashed
// assets, no-cache for index.html, SPA fallback, no path traversal.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "net/request.hpp"

namespace parlor::net {

std::string_view mime_type(std::string_view path);

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // Builds the response for a GET/HEAD of `path` (decoded). Unknown paths
  // fall back to index.html (the client routes them); a missing file under
  // /assets/ is a 404. Reads the file synchronously: web roots are small,
  // local files and the page cache makes this cheap.
  Response serve(const Request& req) const;

 private:
  Response file_response(const std::filesystem::path& file, std::string_view cache_control,
                         bool head, unsigned version) const;
  std::filesystem::path root_;
};

}  // namespace parlor::net
