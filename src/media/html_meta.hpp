// What a web page says of itself, from its HTML head: Open Graph tags
// (og:title, og:description, og:image, og:site_name), falling back to
// Twitter's, to <meta name="description"> and to <title>. A tolerant
// scanner, not an HTML parser: it reads tags and attributes, decodes
// character references, and ignores everything else. Untrusted input.
#pragma once

#include <string>
#include <string_view>

namespace parlor::media {

struct PageMeta {
  std::string title;
  std::string description;
  std::string image;  // as written in the page (may be relative)
  std::string site_name;
};

// Texts are cut to 300 (title, site name) or 1,000 (description) bytes at a
// character boundary, whitespace runs become one space.
PageMeta parse_html_meta(std::string_view html);

// &amp; &lt; &gt; &quot; &apos; &#39; &nbsp; and numeric references; others stay as they are.
std::string decode_entities(std::string_view text);

}  // namespace parlor::media
