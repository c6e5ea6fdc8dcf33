// multipart/form-data parsing: delimiter search, part headers,
// Content-Disposition parameters (RFC 7578, RFC 2046, RFC 5987).
#include "net/multipart.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/ascii.hpp"

namespace parlor::net {
namespace {

using core::ascii_lower;
using core::iequals;

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// RFC 2046 bchars. Excluding CR also keeps the delimiter search linear: the
// delimiter's only CR is its first byte (see find_delimiter).
bool is_bchar(char c) {
  return is_alnum(c) || std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool valid_boundary(std::string_view b) {
  return !b.empty() && b.size() <= 70 && b.back() != ' ' &&
         std::all_of(b.begin(), b.end(), is_bchar);
}

// Parameters after a media or disposition type: *( OWS ";" OWS name OWS "="
// OWS value ), where a value is a quoted string or, leniently, anything up to
// the next ';' (trimmed). In quoted strings only \" and \\ are escapes: the
// HTML standard has browsers percent-encode '"' and leave '\' alone, so a
// backslash before anything else is kept (a Windows path keeps its
// separators). Empty parameters (";;") are skipped. Calls
// on_param(name, value), which returns false to reject; false on bad syntax.
template <class OnParam>
bool for_each_param(std::string_view s, OnParam&& on_param) {
  std::size_t i = 0;
  auto skip_ows = [&] {
    while (i < s.size() && is_ows(s[i])) ++i;
  };
  for (;;) {
    skip_ows();
    if (i == s.size()) return true;
    if (s[i] != ';') return false;
    ++i;
    skip_ows();
    if (i == s.size() || s[i] == ';') continue;
    std::size_t eq = s.find_first_of("=;", i);
    if (eq == std::string_view::npos || s[eq] != '=') return false;
    std::string_view name = trim(s.substr(i, eq - i));
    if (!is_token(name)) return false;
    i = eq + 1;
    skip_ows();
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < s.size() && (s[i] == '"' || s[i] == '\\')) c = s[i++];
        value += c;
      }
      if (!closed) return false;
    } else {
      std::size_t end = std::min(s.find(';', i), s.size());
      value = trim(s.substr(i, end - i));
      i = end;
    }
    if (!on_param(name, std::move(value))) return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// An RFC 5987 ext-value, charset'language'percent-encoded, as UTF-8.
// Unsupported charsets give nullopt (the caller falls back to filename);
// malformed values give false.
bool decode_ext_value(std::string_view v, std::optional<std::string>& out) {
  std::size_t q1 = v.find('\'');
  std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return false;
  std::string_view charset = v.substr(0, q1);
  bool latin1 = iequals(charset, "iso-8859-1");
  if (!latin1 && !iequals(charset, "utf-8")) {
    out.reset();
    return true;
  }
  std::string text;
  for (std::size_t i = q2 + 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == '%') {
      int hi = i + 2 < v.size() ? hex_value(v[i + 1]) : -1;
      int lo = hi < 0 ? -1 : hex_value(v[i + 2]);
      if (lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    auto byte = static_cast<unsigned char>(c);
    if (latin1 && byte >= 0x80) {
      text += static_cast<char>(0xc0 | (byte >> 6));
      text += static_cast<char>(0x80 | (byte & 0x3f));
    } else {
      text += c;
    }
  }
  out = std::move(text);
  return true;
}

std::optional<MultipartError> parse_disposition(std::string_view value, MultipartPart& part) {
  std::size_t semi = std::min(value.find(';'), value.size());
  if (!iequals(trim(value.substr(0, semi)), "form-data"))
    return MultipartError::missing_disposition;
  std::optional<std::string> name, filename, filename_ext;
  bool ext_seen = false;
  bool ok = for_each_param(value.substr(semi), [&](std::string_view key, std::string v) {
    // A parameter given twice is ambiguous: reject rather than pick one.
    if (iequals(key, "name")) {
      if (name) return false;
      name = std::move(v);
    } else if (iequals(key, "filename")) {
      if (filename) return false;
      filename = std::move(v);
    } else if (iequals(key, "filename*")) {
      // RFC 7578 4.2 tells senders not to use it; some non-browser clients do.
      if (ext_seen) return false;
      ext_seen = true;
      return decode_ext_value(v, filename_ext);
    }
    return true;
  });
  if (!ok || !name) return MultipartError::bad_part_headers;
  part.name = std::move(*name);
  part.filename = filename_ext ? std::move(filename_ext) : std::move(filename);
  return std::nullopt;
}

// `headers` is the part's header lines, each with its CRLF.
std::optional<MultipartError> parse_part_headers(std::string_view headers, MultipartPart& part) {
  bool have_disposition = false, have_type = false;
  while (!headers.empty()) {
    std::size_t eol = headers.find("\r\n");  // the block ends in CRLF, so found
    std::string_view line = headers.substr(0, eol);
    headers.remove_prefix(eol + 2);
    if (line.find_first_of("\r\n") != std::string_view::npos)
      return MultipartError::bad_part_headers;
    std::size_t colon = line.find(':');
    // A line starting with a space (obsolete folding) fails the token check.
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
      return MultipartError::bad_part_headers;
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
      if (have_disposition) return MultipartError::bad_part_headers;
      have_disposition = true;
      if (auto err = parse_disposition(value, part)) return err;
    } else if (iequals(name, "content-type")) {
      if (have_type) return MultipartError::bad_part_headers;
      have_type = true;
      part.content_type = value;
    }
  }
  if (!have_disposition) return MultipartError::missing_disposition;
  return std::nullopt;
}

struct Delimiter {
  std::size_t pos;   // where the data before it ends: its CRLF, or 0 at the start
  std::size_t next;  // after a part delimiter's line: the next part's first byte
  bool close;
};

// A delimiter whose `--boundary` starts at `dash` and ends its line.
std::optional<Delimiter> delimiter_at(std::string_view body, std::string_view boundary,
                                      std::size_t pos, std::size_t dash) {
  std::string_view rest = body.substr(dash);
  if (!rest.starts_with("--") || rest.substr(2, boundary.size()) != boundary) return std::nullopt;
  std::size_t i = dash + 2 + boundary.size();
  if (body.substr(i, 2) == "--") return Delimiter{pos, body.size(), true};
  while (i < body.size() && is_ows(body[i])) ++i;  // transport padding
  if (body.substr(i, 2) != "\r\n") return std::nullopt;
  return Delimiter{pos, i + 2, false};
}

// The first CRLF-preceded delimiter at or after `from`. Linear: a candidate
// compares only bytes up to the next CR (the boundary holds none), and the
// padding it skips holds none either, so each byte is looked at a bounded
// number of times. (A Boyer-Moore-Horspool search is O(n * m) on adversarial
// input, m up to 74 here.)
std::optional<Delimiter> find_delimiter(std::string_view body, std::string_view boundary,
                                        std::size_t from) {
  const std::size_t n = body.size();
  for (std::size_t cr = from; cr < n; ++cr) {
    // memchr finds a rare CR fast but costs a call per CR: look a few bytes
    // ahead by hand first, so that a body dense with CRs stays cheap too.
    const std::size_t stop = std::min(cr + 16, n);
    while (cr < stop && body[cr] != '\r') ++cr;
    if (cr == stop) cr = std::min(body.find('\r', cr), n);
    if (cr + 3 < n && body[cr + 1] == '\n' && body[cr + 2] == '-' && body[cr + 3] == '-') {
      if (auto d = delimiter_at(body, boundary, cr, cr + 2)) return d;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  std::size_t semi = std::min(content_type.find(';'), content_type.size());
  if (!iequals(trim(content_type.substr(0, semi)), "multipart/form-data")) return std::nullopt;
  std::optional<std::string> boundary;
  bool ok = for_each_param(content_type.substr(semi), [&](std::string_view key, std::string v) {
    if (!iequals(key, "boundary")) return true;
    if (boundary) return false;
    boundary = std::move(v);
    return true;
  });
  if (!ok || !boundary || !valid_boundary(*boundary)) return std::nullopt;
  return boundary;
}

std::string_view describe(MultipartError e) {
  switch (e) {
    case MultipartError::no_boundary_found:
      return "no multipart boundary found in the body";
    case MultipartError::bad_part_headers:
      return "malformed multipart part headers";
    case MultipartError::missing_disposition:
      return "multipart part without a form-data Content-Disposition";
    case MultipartError::unterminated:
      return "multipart body ends before its closing boundary";
    case MultipartError::too_many_parts:
      return "too many parts in multipart body";
    case MultipartError::headers_too_large:
      return "multipart part headers too large";
  }
  return "multipart error";
}

void throw_exception_from_error(MultipartError e, const boost::source_location&) {
  throw std::runtime_error(std::string(describe(e)));
}

boost::system::result<std::vector<MultipartPart>, MultipartError> parse_multipart(
    std::string_view body, std::string_view boundary, MultipartLimits limits) {
  if (!valid_boundary(boundary)) return MultipartError::no_boundary_found;
  auto d = delimiter_at(body, boundary, 0, 0);
  if (!d) d = find_delimiter(body, boundary, 0);
  if (!d) return MultipartError::no_boundary_found;

  std::vector<MultipartPart> parts;
  while (!d->close) {
    if (parts.size() >= limits.max_parts) return MultipartError::too_many_parts;
    std::size_t start = d->next;
    auto next = find_delimiter(body, boundary, start);
    if (!next) return MultipartError::unterminated;

    // The headers end at the first empty line. Searching for CRLFCRLF from
    // the delimiter line's own CRLF finds a part without headers too; up to
    // the next delimiter's CRLF finds headers followed by no data at all.
    std::size_t from = start - 2;
    std::size_t room = next->pos + 2 - from;  // at least 4
    bool capped = room - 4 > limits.max_header_bytes;
    std::size_t len = capped ? limits.max_header_bytes + 4 : room;
    std::size_t blank = body.substr(from, len).find("\r\n\r\n");
    if (blank == std::string_view::npos)
      return capped ? MultipartError::headers_too_large : MultipartError::bad_part_headers;

    MultipartPart part;
    if (auto err = parse_part_headers(body.substr(start, blank), part)) return *err;
    std::size_t data = std::min(from + blank + 4, next->pos);
    part.data = body.substr(data, next->pos - data);
    parts.push_back(std::move(part));
    d = next;
  }
  return parts;
}

}  // namespace parlor::net
