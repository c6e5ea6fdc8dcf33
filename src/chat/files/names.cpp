#include "chat/files/names.hpp"

#include <algorithm>

#include "chat/utf8.hpp"

namespace parlor::chat::files {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool shown_inline(std::string_view type) {
  if (type == "image/svg+xml") return false;
  return starts_with(type, "image/") || starts_with(type, "audio/") ||
         starts_with(type, "video/") || type == "application/pdf" || type == "text/plain";
}

// RFC 5987/6266: filename="ascii fallback"; filename*=UTF-8''percent-encoded
std::string disposition(bool inline_, std::string_view name) {
  std::string ascii;
  for (char c : name)
    ascii += (static_cast<unsigned char>(c) < 0x80 && c != '"' && c != '\\') ? c : '_';
  return std::string(inline_ ? "inline" : "attachment") + "; filename=\"" + ascii +
         "\"; filename*=UTF-8''" + percent_encode(name, "!#$&+-.^_`|~");
}

}  // namespace

std::string percent_encode(std::string_view s, std::string_view keep) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
        keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string clean_file_name(std::string_view raw) {
  auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw = raw.substr(slash + 1);
  std::string name;
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) name += c;
  }
  auto first = name.find_first_not_of(' ');
  auto last = name.find_last_not_of(' ');
  name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
  if (!is_valid_utf8(name)) return "file";
  name.resize(utf8_prefix(name, 255).size());
  if (name.empty() || name == "." || name == "..") return "file";
  return name;
}

bool is_storage_key(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string key_of_link(std::string_view url) {
  // An absolute link's path: what follows "scheme://host".
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    auto path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view{} : url.substr(path);
  }
  constexpr std::string_view files = "/files/", thumbs = "/thumbs/";
  auto after_key = [&](std::size_t at) { return url.substr(std::min(url.size(), at + 32)); };
  if (url.starts_with(files)) {
    auto key = url.substr(files.size(), 32);
    auto rest = after_key(files.size());
    if (is_storage_key(key) && rest.size() > 1 && rest[0] == '/') return std::string(key);
  } else if (url.starts_with(thumbs)) {
    auto key = url.substr(thumbs.size(), 32);
    if (is_storage_key(key) && after_key(thumbs.size()) == ".jpg") return std::string(key);
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> file_headers(std::string_view content_type,
                                                              std::string_view file_name) {
  return {
      {"Content-Type", std::string(content_type)},
      {"Content-Disposition", disposition(shown_inline(content_type), file_name)},
      {"X-Content-Type-Options", "nosniff"},
      {"Content-Security-Policy",
       "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"},
      {"Cache-Control", "private, max-age=31536000, immutable"},
  };
}

}  // namespace parlor::chat::files
