// Static files: content types, caching, SPA fallback, traversal.
#include "net/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace parlor::net {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("parlor-static-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_ / "web" / "assets");
    write(root_ / "web" / "index.html", "<html>index</html>");
    write(root_ / "web" / "assets" / "app-abc123.js", "console.log(1)");
    write(root_ / "web" / "favicon.svg", "<svg/>");
    write(root_ / "secret.txt", "secret");
  }
  void TearDown() override { fs::remove_all(root_); }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  static Request request(const std::string& path, http::verb method = http::verb::get) {
    Request r;
    r.message.method(method);
    r.path = path;
    return r;
  }
  Response get(const std::string& path) { return StaticFiles(root_ / "web").serve(request(path)); }
  fs::path root_;
};

TEST_F(StaticFilesTest, HashedAssetsAreImmutable) {
  auto res = get("/assets/app-abc123.js");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(res[http::field::cache_control], "public, max-age=31536000, immutable");
  EXPECT_EQ(res.body(), "console.log(1)");
}

TEST_F(StaticFilesTest, IndexIsNotCached) {
  auto res = get("/");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::cache_control], "no-cache");
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res.body(), "<html>index</html>");
}

TEST_F(StaticFilesTest, UnknownPathsFallBackToIndex) {
  auto res = get("/rooms/42");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "<html>index</html>");
  EXPECT_EQ(get("/assets/missing.js").result(), http::status::not_found);
}

TEST_F(StaticFilesTest, OtherFilesHaveTheirType) {
  auto res = get("/favicon.svg");
  EXPECT_EQ(res[http::field::content_type], "image/svg+xml");
}

TEST_F(StaticFilesTest, NoTraversal) {
  EXPECT_EQ(get("/../secret.txt").result(), http::status::bad_request);
  EXPECT_EQ(get("/assets/../../secret.txt").result(), http::status::bad_request);
  EXPECT_NE(get("/..%2fsecret.txt").body(), "secret");
}

TEST_F(StaticFilesTest, SymlinksOutOfTheRootAreNotServed) {
  fs::create_symlink(root_ / "secret.txt", root_ / "web" / "leak.txt");
  fs::create_symlink(root_, root_ / "web" / "up");
  EXPECT_NE(get("/leak.txt").body(), "secret");
  EXPECT_NE(get("/up/secret.txt").body(), "secret");
}

TEST_F(StaticFilesTest, HeadHasTheLengthButNoBody) {
  auto res = StaticFiles(root_ / "web").serve(request("/assets/app-abc123.js", http::verb::head));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_length], "14");
  EXPECT_TRUE(res.body().empty());
}

TEST_F(StaticFilesTest, FilesAreReadOnceAtStart) {
  StaticFiles files(root_ / "web");
  EXPECT_EQ(files.file_count(), 3u);
  fs::remove(root_ / "web" / "favicon.svg");
  EXPECT_EQ(files.serve(request("/favicon.svg")).body(), "<svg/>");  // served from memory
}

TEST_F(StaticFilesTest, NoRootMeansNotBuilt) {
  auto res = StaticFiles(root_ / "missing").serve(request("/"));
  EXPECT_EQ(res.result(), http::status::not_found);
}

TEST(MimeType, KnownAndUnknown) {
  EXPECT_EQ(mime_type("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("a.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace parlor::net
