// libFuzzer target: a Content-Type value (the input up to its first '\n')
// and a multipart/form-data body (the rest), both untrusted. Checks that
// every part's data views the body just before a delimiter, in order, that
// the limits hold, and that re-encoding the parts parses back to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/multipart.hpp"

namespace {

using namespace parlor::net;

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

void check(std::string_view body, std::string_view boundary, MultipartLimits limits) {
  auto parts = parse_multipart(body, boundary, limits);
  if (!parts) {
    if (describe(parts.error()).empty()) std::abort();
    return;
  }
  if (parts->size() > limits.max_parts) std::abort();
  const std::string delimiter = "\r\n--" + std::string(boundary);
  const char* previous_end = body.data();
  std::string again;
  bool encodable = true;
  for (const auto& p : *parts) {
    // Inside the body, after the previous part, followed by a delimiter.
    if (p.data.data() < previous_end || p.data.data() + p.data.size() > body.data() + body.size())
      std::abort();
    std::size_t end = static_cast<std::size_t>(p.data.data() - body.data()) + p.data.size();
    if (body.substr(end, delimiter.size()) != delimiter) std::abort();
    previous_end = p.data.data() + p.data.size();

    encodable = encodable && !has_line_break(p.name) && !has_line_break(p.content_type) &&
                !(p.filename && has_line_break(*p.filename));
    again +=
        "--" + std::string(boundary) + "\r\nContent-Disposition: form-data; name=" + quoted(p.name);
    if (p.filename) again += "; filename=" + quoted(*p.filename);
    if (!p.content_type.empty()) again += "\r\nContent-Type: " + p.content_type;
    again += "\r\n\r\n";
    again.append(p.data);
    again += "\r\n";
  }
  if (!encodable) return;
  again += "--" + std::string(boundary) + "--\r\n";
  MultipartLimits unlimited{parts->size(), again.size()};
  auto round = parse_multipart(again, boundary, unlimited);
  if (!round || round->size() != parts->size()) std::abort();
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const auto& a = (*parts)[i];
    const auto& b = (*round)[i];
    if (a.name != b.name || a.filename != b.filename || a.content_type != b.content_type ||
        a.data != b.data)
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t eol = in.find('\n');
  std::string_view content_type = in.substr(0, eol);
  std::string_view body = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);

  auto boundary = multipart_boundary(content_type);
  if (boundary && (boundary->empty() || boundary->size() > 70)) std::abort();
  // Without a usable header the body is still parsed, with a short boundary.
  std::string b = boundary ? *boundary : std::string("b");
  check(body, b, {});
  check(body, b, {.max_parts = 2, .max_header_bytes = 64});
  return 0;
}
