// Image sizes and thumbnails (libvips), for JPEG, PNG, GIF and WebP.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parlor::media {

struct ImageInfo {
  int width = 0;
  int height = 0;
  std::string thumbnail;  // JPEG; empty when none could be made
};

// Whether `content_type` is an image this module reads.
bool is_thumbnailable(std::string_view content_type);

// nullopt when the bytes are not a readable image. Images over
// max_pixels get their size but no thumbnail (decoding them would cost
// too much memory). Blocking: call from a worker thread.
std::optional<ImageInfo> inspect_image(std::string_view bytes, int box = 400,
                                       long long max_pixels = 100'000'000);

}  // namespace parlor::media
