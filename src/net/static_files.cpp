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
  auto base = fs::weakly_canonical(root, ec);
  if (ec || !fs::is_directory(base, ec)) return;
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(base, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    // Symlinks are followed only to files inside the root.
    auto full = fs::weakly_canonical(it->path(), fec);
    auto [root_end, _] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
    if (fec || root_end != base.end()) continue;
    auto size = it->file_size(fec);
    if (fec || size > kMaxFile || total + size > kMaxTotal) continue;
    std::ifstream in(full, std::ios::binary);
    if (!in) continue;
    std::ostringstream ss;
    ss << in.rdbuf();
    auto rel = it->path().lexically_relative(base).generic_string();
    File f{ss.str(), mime_type(it->path().filename().string())};
    total += f.body.size();
    files_.insert_or_assign(std::move(rel), std::move(f));
  }
}

Response StaticFiles::file_response(const File& file, std::string_view cache_control, bool head,
                                    unsigned version) const {
  Response res{http::status::ok, version};
  res.set(http::field::content_type, file.type);
  res.set(http::field::cache_control, cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  if (head) {
    res.content_length(file.body.size());
  } else {
    res.body() = file.body;
    res.prepare_payload();
  }
  return res;
}

Response StaticFiles::serve(const Request& req) const {
  const bool head = req.method() == http::verb::head;
  const unsigned version = req.message.version();
  constexpr std::string_view no_cache = "no-cache";

  // Any ".." segment, NUL or backslash is refused outright; only files read
  // at start (inside the root) can be served anyway.
  std::string_view p = req.path;
  if (p.find('\0') != std::string_view::npos || p.find('\\') != std::string_view::npos)
    return make_error_response(http::status::bad_request, "invalid", "bad path");
  std::string rel;
  for (std::size_t i = 0; i < p.size();) {
    auto j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    auto seg = p.substr(i, j - i);
    if (seg == "..") return make_error_response(http::status::bad_request, "invalid", "bad path");
    if (!seg.empty() && seg != ".") {
      if (!rel.empty()) rel.push_back('/');
      rel += seg;
    }
    i = j + 1;
  }

  const bool is_asset = p.rfind("/assets/", 0) == 0;
  if (!rel.empty()) {
    auto it = files_.find(rel);
    if (it != files_.end()) {
      if (rel == "index.html") return file_response(it->second, no_cache, head, version);
      return file_response(
          it->second, is_asset ? "public, max-age=31536000, immutable" : "no-cache", head, version);
    }
  }
  if (is_asset) return make_error_response(http::status::not_found, "not_found", "no such file");
  auto index = files_.find("index.html");
  if (index == files_.end())
    return make_error_response(http::status::not_found, "not_found", "web client not built");
  return file_response(index->second, no_cache, head, version);
}

}  // namespace parlor::net
