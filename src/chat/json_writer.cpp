#include "chat/json_writer.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstring>

namespace parlor::chat {

namespace {

// As Boost.JSON: '"' and '\\' escaped, control characters as \b \t \n \f \r
// or \u00XX (lower-case hex), every other byte (UTF-8 included) as is. 0:
// as is; otherwise the character after the backslash.
constexpr std::array<char, 256> escapes = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 'u';
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

}  // namespace

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
  } else if (!first_) {
    out_.push_back(',');
  }
  first_ = false;
}

JsonWriter& JsonWriter::open(char c) {
  separate();
  out_.push_back(c);
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
  out_.push_back(c);
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  assert(std::none_of(k.begin(), k.end(),
                      [](char c) { return escapes[static_cast<unsigned char>(c)]; }));
  // The comma, the quoted name and the colon in one append: a message has
  // twenty keys, and each append of a std::string checks its capacity.
  char buf[64];
  if (k.size() + 4 > sizeof buf) {
    separate();
    out_.push_back('"');
    out_.append(k);
    out_.append("\":", 2);
  } else {
    std::size_t n = 0;
    if (!first_ && !after_key_) buf[n++] = ',';
    first_ = false;
    buf[n++] = '"';
    std::memcpy(buf + n, k.data(), k.size());
    n += k.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
  separate();
  escaped(s);
  return *this;
}

JsonWriter& JsonWriter::number(std::int64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::decimal_string(std::int64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.push_back('"');
  out_.append(buf, r.ptr);
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

void JsonWriter::escaped(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out_.push_back('"');
  const char* run = s.data();  // the bytes not yet copied start here
  const char* const end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    const char e = escapes[c];
    if (!e) continue;
    out_.append(run, static_cast<std::size_t>(p - run));
    run = p + 1;
    if (e != 'u') {
      const char two[2] = {'\\', e};
      out_.append(two, 2);
    } else {
      const char six[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
      out_.append(six, 6);
    }
  }
  out_.append(run, static_cast<std::size_t>(end - run));
  out_.push_back('"');
}

}  // namespace parlor::chat
