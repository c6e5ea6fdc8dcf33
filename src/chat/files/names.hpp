// Uploaded files' names and how they are served: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parlor::chat::files {

// The name to keep: the last segment of a path (browsers on Windows used to
// send one), without control characters or surrounding spaces, at most 255
// bytes of valid UTF-8; "file" when nothing is left.
std::string clean_file_name(std::string_view raw);

// %XX for every byte but ASCII letters, digits and those in `keep`.
std::string percent_encode(std::string_view s, std::string_view keep);

// 32 lowercase hex digits, as storage keys are.
bool is_storage_key(std::string_view s);

// The storage key behind one of our links, "/files/<key>/<name>" or
// "/thumbs/<key>.jpg" (absolute on any host, or relative); empty for any
// other URL.
std::string key_of_link(std::string_view url);

// The headers a stored file is served with: its type, no sniffing, no
// scripts, cached for good (the link never changes), and shown in the
// browser only for images (not SVG), audio, video, PDF and plain text;
// anything else is a download.
std::vector<std::pair<std::string, std::string>> file_headers(std::string_view content_type,
                                                              std::string_view file_name);

}  // namespace parlor::chat::files
