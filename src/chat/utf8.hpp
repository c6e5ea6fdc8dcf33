// UTF-8 checks for user text: strict validity (no overlongs, surrogates or
// code points past U+10FFFF) and length in code points.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace parlor::chat {

bool is_valid_utf8(std::string_view s);
// Number of code points, or nullopt when `s` is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);
// The longest prefix of `s` of at most `max_bytes` that does not end inside
// a character.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

}  // namespace parlor::chat
