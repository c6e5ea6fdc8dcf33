// Server-side @username mention parsing. The client's own `mentions` field
// is never trusted: the server reads them from the content.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parlor::chat {

// Distinct usernames (lower-cased, first-seen order, at most `max`) written
// as @name where '@' starts the text or follows a character that cannot be
// part of a username (so "bob@example.com" mentions nobody). A trailing '.'
// or '-' ends the sentence, not the name.
std::vector<std::string> parse_mentions(std::string_view content, std::size_t max = 50);

bool is_username_char(char c);

}  // namespace parlor::chat
