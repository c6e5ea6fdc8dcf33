#include "chat/previews/links.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "chat/files/names.hpp"
#include "chat/json_writer.hpp"
#include "core/ascii.hpp"

namespace parlor::chat::previews {
namespace {

bool ends_link(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '<' || c == '>' || c == '"' ||
         c == '\'' || c == '`';
}

// Drops what a sentence or a surrounding bracket adds after a link.
std::string_view trim_link(std::string_view link) {
  while (!link.empty()) {
    char c = link.back();
    if (std::string_view(".,;:!?*_~").find(c) != std::string_view::npos) {
      link.remove_suffix(1);
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (std::count(link.begin(), link.end(), open) < std::count(link.begin(), link.end(), c)) {
        link.remove_suffix(1);
        continue;
      }
    }
    break;
  }
  return link;
}

}  // namespace

std::vector<std::string> find_links(std::string_view text, std::size_t max) {
  constexpr std::size_t kMaxLink = 2048;
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < max) {
    bool at_start = i == 0 || ends_link(text[i - 1]) || text[i - 1] == '(' || text[i - 1] == '[';
    std::string_view rest = text.substr(i);
    if (!at_start ||
        !(core::istarts_with(rest, "http://") || core::istarts_with(rest, "https://"))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !ends_link(text[end])) ++end;
    std::string_view link = trim_link(text.substr(i, end - i));
    std::string_view after_scheme = link.substr(link.find("//") + 2);
    if (link.size() <= kMaxLink && !after_scheme.empty() && after_scheme[0] != '/' &&
        std::find(out.begin(), out.end(), link) == out.end())
      out.emplace_back(link);
    i = end;
  }
  return out;
}

std::string previews_json(const std::vector<LinkPreview>& previews) {
  std::string out;
  JsonWriter w(out);
  auto text_or_null = [&w](const std::string& s) { s.empty() ? w.null() : w.string(s); };
  w.begin_array();
  for (const auto& p : previews) {
    w.begin_object();
    w.key("url").string(p.url);
    w.key("title").string(p.title);
    w.key("description");
    text_or_null(p.description);
    w.key("image_url");
    text_or_null(p.image_url);
    w.key("site_name");
    text_or_null(p.site_name);
    w.end_object();
  }
  w.end_array();
  return out;
}

std::vector<std::string> thumbnail_keys(std::string_view previews_json) {
  std::vector<std::string> keys;
  if (previews_json.empty()) return keys;
  boost::system::error_code ec;
  auto v = boost::json::parse(previews_json, ec);
  if (ec || !v.is_array()) return keys;
  constexpr std::string_view prefix = "/thumbs/", suffix = ".jpg";
  for (const auto& p : v.get_array()) {
    const auto* url = p.is_object() ? p.get_object().if_contains("image_url") : nullptr;
    if (!url || !url->is_string()) continue;
    std::string_view u = url->get_string();
    if (!u.starts_with(prefix) || !u.ends_with(suffix)) continue;
    std::string key(u.substr(prefix.size(), u.size() - prefix.size() - suffix.size()));
    if (files::is_storage_key(key)) keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace parlor::chat::previews
