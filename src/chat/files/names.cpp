#include "chat/files/names.hpp"

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
