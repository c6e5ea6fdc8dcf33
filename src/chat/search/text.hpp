// The pure parts of message search: a query's words, ISO times for the
// from/to filters, and snippets as escaped HTML.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace parlor::chat::search {

// Splits on whitespace and keeps the words that hold a letter or digit (or
// any non-ASCII character): punctuation alone would match nothing.
std::vector<std::string> query_words(std::string_view query);

// "2026-11-22", "2026-11-22T10:30", "2026-11-22T10:30:00", with optional
// ".mmm" and "Z" or "+hh:mm"/"-hh:mm" (none: UTC). A date alone is that
// day's first millisecond, or its last when `end_of_day` (an inclusive `to`).
std::optional<store::TimeMs> parse_iso_time(std::string_view text, bool end_of_day = false);

// A store snippet (matches between store::kMatchStart and kMatchEnd) as
// HTML: the text escaped, each match in <mark>…</mark>.
std::string snippet_html(std::string_view marked);
// The start of the content (up to `max_chars` code points, "…" when cut),
// escaped: the snippet of a search without words.
std::string leading_html(std::string_view content, std::size_t max_chars = 160);

}  // namespace parlor::chat::search
