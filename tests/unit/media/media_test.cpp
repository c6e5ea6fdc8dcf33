// What the bytes are, image sizes and thumbnails, and the disk storage.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "media/local_storage.hpp"
#include "media/sniff.hpp"
#include "media/thumbnail.hpp"

namespace parlor::media {
namespace {

// A real PNG of w x h pixels, made by libvips.
std::string png(int w, int h) {
  inspect_image("");  // initializes libvips
  VipsImage* black = nullptr;
  EXPECT_EQ(vips_black(&black, w, h, "bands", 3, nullptr), 0);
  void* out = nullptr;
  size_t size = 0;
  EXPECT_EQ(vips_pngsave_buffer(black, &out, &size, nullptr), 0);
  std::string bytes(static_cast<const char*>(out), size);
  g_free(out);
  g_object_unref(black);
  return bytes;
}

TEST(Media, SniffsTheBytesNotTheName) {
  EXPECT_EQ(sniff_content_type(png(2, 2)), "image/png");
  EXPECT_EQ(sniff_content_type("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
            "application/pdf");
  EXPECT_EQ(sniff_content_type("just some words\n"), "text/plain");
  EXPECT_EQ(sniff_content_type(""), "application/octet-stream");
}

TEST(Media, ImagesGetTheirSizeAndABoundedJpegThumbnail) {
  auto info = inspect_image(png(900, 300));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->width, 900);
  EXPECT_EQ(info->height, 300);
  ASSERT_GE(info->thumbnail.size(), 2u);
  EXPECT_EQ(info->thumbnail.substr(0, 2), "\xff\xd8");
  auto thumb = inspect_image(info->thumbnail);
  ASSERT_TRUE(thumb);
  EXPECT_EQ(thumb->width, 400);
  EXPECT_EQ(thumb->height, 133);
  // Small images are not enlarged; huge ones get no thumbnail.
  EXPECT_EQ(inspect_image(inspect_image(png(50, 20))->thumbnail)->width, 50);
  auto huge = inspect_image(png(300, 300), 400, 1000);
  ASSERT_TRUE(huge);
  EXPECT_TRUE(huge->thumbnail.empty());
  EXPECT_FALSE(inspect_image("not an image"));
}

TEST(Media, LocalStorageWritesDurablyAndReadsBack) {
  auto dir = std::filesystem::temp_directory_path() / ("parlor-media-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  {
    LocalStorage storage(dir);
    std::mutex m;
    std::condition_variable cv;
    std::optional<chat::files::Stored> stored;
    bool done = false;
    auto body = std::make_shared<const std::string>(png(500, 500));
    storage.save(chat::UploadPart{body, *body, "x.png"},
                 [&](std::optional<chat::files::Stored> s, std::string) {
                   std::lock_guard lock(m);
                   stored = std::move(s);
                   done = true;
                   cv.notify_all();
                 });
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->storage_key.size(), 32u);
    EXPECT_EQ(stored->content_type, "image/png");
    EXPECT_EQ(stored->width, 500);
    EXPECT_TRUE(stored->has_thumbnail);
    EXPECT_TRUE(std::filesystem::exists(storage.path_of(stored->storage_key, true)));

    std::shared_ptr<const core::OpenFile> original, missing, bad_key;
    storage.open(stored->storage_key, false, [&](auto f) { original = std::move(f); });
    storage.open(std::string(32, '0'), false, [&](auto f) { missing = std::move(f); });
    storage.open("../" + stored->storage_key, false, [&](auto f) { bad_key = std::move(f); });
    ASSERT_TRUE(original);
    ASSERT_EQ(original->size(), body->size());
    std::string read(body->size(), '\0');
    ASSERT_EQ(original->read_at(0, read.data(), read.size()),
              static_cast<std::ptrdiff_t>(read.size()));
    EXPECT_EQ(read, *body);
    EXPECT_FALSE(missing);
    EXPECT_FALSE(bad_key);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace parlor::media
