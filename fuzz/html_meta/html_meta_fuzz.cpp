// parse_html_meta on arbitrary bytes: no crash, no read past the input, and
// the texts keep their documented bounds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "media/html_meta.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view html(reinterpret_cast<const char*>(data), size);
  auto m = parlor::media::parse_html_meta(html);
  if (m.title.size() > 300 || m.site_name.size() > 300 || m.description.size() > 1000 ||
      m.image.size() > 2048)
    std::abort();
  for (char c : m.title)
    if (c == '\n' || c == '\t') std::abort();  // whitespace runs became spaces
  (void)parlor::media::decode_entities(html);
  return 0;
}
