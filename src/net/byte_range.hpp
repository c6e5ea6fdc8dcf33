// The Range request header (RFC 9110 §14), one byte range: what part of a
// body of `size` bytes to send. Anything this does not serve (another unit,
// several ranges, bad syntax) means the whole body, as the RFC allows.
#pragma once

#include <cstdint>
#include <string_view>

namespace parlor::net {

struct ByteRange {
  enum class Kind { whole, partial, unsatisfiable };
  Kind kind = Kind::whole;
  std::uint64_t first = 0;   // partial: the first byte
  std::uint64_t length = 0;  // partial: how many bytes (at least one)
};

ByteRange parse_byte_range(std::string_view header, std::uint64_t size);

}  // namespace parlor::net
