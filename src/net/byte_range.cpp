#include "net/byte_range.hpp"

#include <charconv>
#include <optional>

#include "core/ascii.hpp"

namespace parlor::net {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only (no sign, no spaces); nullopt when empty, not a number or too large.
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

ByteRange parse_byte_range(std::string_view header, std::uint64_t size) {
  const ByteRange whole;
  header = trim(header);
  constexpr std::string_view unit = "bytes=";
  if (!core::istarts_with(header, unit)) return whole;
  std::string_view spec = trim(header.substr(unit.size()));
  if (spec.find(',') != std::string_view::npos) return whole;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view from = trim(spec.substr(0, dash));
  const std::string_view to = trim(spec.substr(dash + 1));
  ByteRange r;
  if (from.empty()) {  // "-N": the last N bytes
    auto n = number(to);
    if (!n) return whole;
    if (*n == 0 || size == 0) return {ByteRange::Kind::unsatisfiable, 0, 0};
    r.length = *n < size ? *n : size;
    r.first = size - r.length;
  } else {
    auto first = number(from);
    if (!first) return whole;
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (!to.empty()) {
      auto l = number(to);
      if (!l || *l < *first) return whole;
      if (*l < last) last = *l;
    }
    if (*first >= size) return {ByteRange::Kind::unsatisfiable, 0, 0};
    r.first = *first;
    r.length = last - *first + 1;
  }
  r.kind = ByteRange::Kind::partial;
  return r;
}

}  // namespace parlor::net
