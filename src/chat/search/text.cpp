#include "chat/search/text.hpp"

#include <charconv>
#include <chrono>
#include <cstring>

namespace parlor::chat::search {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_wordy(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (s[pos + i] < '0' || s[pos + i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + n, value);
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::vector<std::string> query_words(std::string_view query) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && is_space(query[i])) ++i;
    std::size_t start = i;
    while (i < query.size() && !is_space(query[i])) ++i;
    std::string_view word = query.substr(start, i - start);
    for (char c : word) {
      if (is_wordy(c)) {
        words.emplace_back(word);
        break;
      }
    }
  }
  return words;
}

std::optional<store::TimeMs> parse_iso_time(std::string_view s, bool end_of_day) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, d))
    return std::nullopt;
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t day_start =
      duration_cast<milliseconds>(sys_days{date}.time_since_epoch()).count();
  if (pos == s.size()) return end_of_day ? day_start + 86'400'000 - 1 : day_start;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  if (!digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi)) return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!digits(s, pos, 2, sec)) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start || pos - start > 9) return std::nullopt;
      // Milliseconds: the first three digits, padded.
      for (std::size_t i = 0; i < 3; ++i) {
        ms = ms * 10 + (start + i < pos ? s[start + i] - '0' : 0);
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  std::int64_t offset_min = 0;
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh = 0, om = 0;
      if (!digits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (!digits(s, pos, 2, om) || oh > 23 || om > 59) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return day_start + ((h * 60 + mi) * 60 + sec) * 1000LL + ms - offset_min * 60'000;
}

std::string snippet_html(std::string_view marked) {
  const std::string_view start = store::kMatchStart;
  const std::string_view end = store::kMatchEnd;
  std::string out;
  out.reserve(marked.size() + 32);
  std::size_t i = 0;
  while (i < marked.size()) {
    std::size_t next = marked.find('\xEF', i);
    if (next == std::string_view::npos) next = marked.size();
    append_escaped(out, marked.substr(i, next - i));
    i = next;
    if (i >= marked.size()) break;
    if (marked.substr(i, start.size()) == start) {
      out += "<mark>";
      i += start.size();
    } else if (marked.substr(i, end.size()) == end) {
      out += "</mark>";
      i += end.size();
    } else {
      out += marked[i++];
    }
  }
  return out;
}

std::string leading_html(std::string_view content, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < content.size() && chars < max_chars) {
    auto u = static_cast<unsigned char>(content[i]);
    i += u < 0x80 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
    ++chars;
  }
  if (i > content.size()) i = content.size();
  std::string out;
  append_escaped(out, content.substr(0, i));
  if (i < content.size()) out += "…";
  return out;
}

}  // namespace parlor::chat::search
