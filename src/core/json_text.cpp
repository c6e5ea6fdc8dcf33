#include "core/json_text.hpp"

#include <boost/json/parse.hpp>

namespace parlor::core {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a \uXXXX escape starting at text[i] (the backslash), or -1.
int escaped_unit(std::string_view text, std::size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
  int v = 0;
  for (std::size_t k = i + 2; k < i + 6; ++k) {
    int h = hex_value(text[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

bool is_high(int u) {
  return u >= 0xD800 && u <= 0xDBFF;
}
bool is_low(int u) {
  return u >= 0xDC00 && u <= 0xDFFF;
}

}  // namespace

std::string replace_lone_surrogates(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out.push_back(c);
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= text.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    const int unit = escaped_unit(text, i);
    if (is_high(unit) && is_low(escaped_unit(text, i + 6))) {
      out.append(text.substr(i, 12));  // a valid pair
      i += 12;
    } else if (is_high(unit) || is_low(unit)) {
      out.append("\\ufffd");
      i += 6;
    } else {
      out.append(text.substr(i, 2));  // any other escape, kept whole
      i += 2;
    }
  }
  return out;
}

boost::json::value parse_client_json(std::string_view text, boost::system::error_code& ec) {
  auto v = boost::json::parse(text, ec);
  if (!ec) return v;
  // Boost.JSON names the problem differently by where the half stands
  // (illegal surrogate, syntax error): retry whenever there was one.
  std::string replaced = replace_lone_surrogates(text);
  if (replaced == text) return v;
  boost::system::error_code retry;
  v = boost::json::parse(replaced, retry);
  if (!retry) ec = {};
  return v;
}

}  // namespace parlor::core
