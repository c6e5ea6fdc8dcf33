// What a file is, from its bytes (libmagic), not from what the client said.
#pragma once

#include <string>
#include <string_view>

namespace parlor::media {

// A MIME type such as "image/png"; "application/octet-stream" when unknown.
// Thread-safe (one libmagic handle per thread).
std::string sniff_content_type(std::string_view bytes);

}  // namespace parlor::media
