#include "media/thumbnail.hpp"

#include <vips/vips.h>

#include <memory>
#include <mutex>

namespace parlor::media {
namespace {

void init_vips_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    VIPS_INIT("parlor");
    // One thread per job and no operation cache: uploads are rare, and
    // memory matters more here than a second core.
    vips_concurrency_set(1);
    vips_cache_set_max(0);
  });
}

struct Unref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
using Image = std::unique_ptr<VipsImage, Unref>;

std::string jpeg_thumbnail(std::string_view bytes, int box) {
  VipsImage* raw = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &raw, box, "height", box,
                            "size", VIPS_SIZE_DOWN, nullptr) != 0) {
    vips_error_clear();
    return {};
  }
  Image thumb(raw);
  if (vips_image_hasalpha(thumb.get())) {
    VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    VipsImage* flat = nullptr;
    int failed = vips_flatten(thumb.get(), &flat, "background", white, nullptr);
    vips_area_unref(VIPS_AREA(white));
    if (failed) {
      vips_error_clear();
      return {};
    }
    thumb.reset(flat);
  }
  void* out = nullptr;
  size_t size = 0;
  if (vips_jpegsave_buffer(thumb.get(), &out, &size, "Q", 80, "strip", TRUE, nullptr) != 0) {
    vips_error_clear();
    return {};
  }
  std::string jpeg(static_cast<const char*>(out), size);
  g_free(out);
  return jpeg;
}

}  // namespace

bool is_thumbnailable(std::string_view t) {
  return t == "image/jpeg" || t == "image/png" || t == "image/gif" || t == "image/webp";
}

std::optional<ImageInfo> inspect_image(std::string_view bytes, int box, long long max_pixels) {
  init_vips_once();
  ImageInfo info;
  {
    // Reads the header only.
    Image header(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                            VIPS_ACCESS_SEQUENTIAL, nullptr));
    if (!header) {
      vips_error_clear();
      return std::nullopt;
    }
    info.width = vips_image_get_width(header.get());
    info.height = vips_image_get_height(header.get());
  }
  if (info.width <= 0 || info.height <= 0) return std::nullopt;
  if (static_cast<long long>(info.width) * info.height <= max_pixels)
    info.thumbnail = jpeg_thumbnail(bytes, box);
  return info;
}

}  // namespace parlor::media
