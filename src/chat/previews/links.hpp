// Finding a message's links, and writing previews as the message's JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chat/previews/previewer.hpp"

namespace parlor::chat::previews {

// The http(s) links in `text`, each once, in order, at most `max`. A link
// starts at "http://" or "https://" (at the start or after a space or an
// opening bracket) and ends at whitespace or <>"; trailing punctuation that
// ends a sentence is not part of it, nor is a closing bracket it did not open.
std::vector<std::string> find_links(std::string_view text, std::size_t max = 3);

// [{url, title, description, image_url, site_name}] as JSON text (empty
// strings as null, except url and title).
std::string previews_json(const std::vector<LinkPreview>& previews);

// The storage keys of the thumbnails (`/thumbs/<key>.jpg`) that previews
// JSON, as stored with a message, shows; what is not JSON gives none.
std::vector<std::string> thumbnail_keys(std::string_view previews_json);

}  // namespace parlor::chat::previews
