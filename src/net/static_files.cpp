// Static file serving for the web client.
#include "net/static_files.hpp"

#include <fstream>
#include <sstream>

namespace parlor::net {
namespace fs = std::filesystem;

std::string_view mime_type(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  auto ext = path.substr(dot + 1);
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry table[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"mp3", "audio/mpeg"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"pdf", "application/pdf"},
  };
  for (const auto& e : table)
    if (e.ext.size() == ext.size() &&
        std::equal(ext.begin(), ext.end(), e.ext.begin(),
                   [](char a, char b) { return std::tolower((unsigned char)a) == b; }))
      return e.type;
  return "application/octet-stream";
}

StaticFiles::StaticFiles(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root, ec);
  if (ec) root_ = std::move(root);
}

Response StaticFiles::file_response(const fs::path& file, std::string_view cache_control, bool head,
                                    unsigned version) const {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error_response(http::status::not_found, "not_found", "no such file");
  std::ostringstream ss;
  ss << in.rdbuf();
  Response res{http::status::ok, version};
  res.set(http::field::content_type, mime_type(file.filename().string()));
  res.set(http::field::cache_control, cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = ss.str();
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

Response StaticFiles::serve(const Request& req) const {
  const bool head = req.method() == http::verb::head;
  const unsigned version = req.message.version();
  const auto index = root_ / "index.html";
  constexpr std::string_view no_cache = "no-cache";

  // Any ".." segment, NUL or backslash is refused outright; the canonical
  // path check below is the second line of defence (symlinks).
  std::string_view p = req.path;
  if (p.find('\0') != std::string_view::npos || p.find('\\') != std::string_view::npos)
    return make_error_response(http::status::bad_request, "invalid", "bad path");
  fs::path rel;
  for (std::size_t i = 0; i < p.size();) {
    auto j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    auto seg = p.substr(i, j - i);
    if (seg == "..") return make_error_response(http::status::bad_request, "invalid", "bad path");
    if (!seg.empty() && seg != ".") rel /= std::string(seg);
    i = j + 1;
  }

  const bool is_asset = p.rfind("/assets/", 0) == 0;
  if (!rel.empty()) {
    std::error_code ec;
    auto full = fs::weakly_canonical(root_ / rel, ec);
    auto [root_end, _] = std::mismatch(root_.begin(), root_.end(), full.begin(), full.end());
    if (!ec && root_end == root_.end() && fs::is_regular_file(full, ec)) {
      if (full == index) return file_response(full, no_cache, head, version);
      return file_response(full, is_asset ? "public, max-age=31536000, immutable" : "no-cache",
                           head, version);
    }
  }
  if (is_asset) return make_error_response(http::status::not_found, "not_found", "no such file");
  std::error_code ec;
  if (!fs::is_regular_file(index, ec))
    return make_error_response(http::status::not_found, "not_found", "web client not built");
  return file_response(index, no_cache, head, version);
}

}  // namespace parlor::net
