// @username scanning over UTF-8 text (usernames are ASCII, so bytes suffice).
#include "chat/mentions.hpp"

#include <algorithm>
#include <cctype>

namespace parlor::chat {

bool is_username_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '.' || c == '-';
}

std::vector<std::string> parse_mentions(std::string_view content, std::size_t max) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < content.size() && out.size() < max; ++i) {
    if (content[i] != '@') continue;
    if (i > 0 && (is_username_char(content[i - 1]) || content[i - 1] == '@')) continue;
    std::size_t j = i + 1;
    while (j < content.size() && is_username_char(content[j])) ++j;
    std::string name(content.substr(i + 1, j - i - 1));
    while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();
    i = j - 1;
    if (name.size() < 3 || name.size() > 32) continue;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace parlor::chat
