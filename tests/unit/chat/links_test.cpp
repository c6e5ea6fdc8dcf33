// Finding a message's links, and the previews' JSON.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "chat/previews/links.hpp"

namespace parlor::chat::previews {
namespace {

using Links = std::vector<std::string>;

TEST(Links, FoundInTextWithoutTheirPunctuation) {
  EXPECT_EQ(find_links("see https://example.com/a?b=1#c, and http://x.org."),
            (Links{"https://example.com/a?b=1#c", "http://x.org"}));
  EXPECT_EQ(find_links("(https://en.wikipedia.org/wiki/C_(language)) [https://a.b/c]"),
            (Links{"https://en.wikipedia.org/wiki/C_(language)", "https://a.b/c"}));
  EXPECT_EQ(find_links("HTTPS://Example.com!"), (Links{"HTTPS://Example.com"}));
  EXPECT_EQ(find_links("<https://a.io> \"https://b.io\""), (Links{"https://a.io", "https://b.io"}));
  // Each once, at most three, not inside words, not without a host.
  EXPECT_EQ(find_links("https://a.io https://a.io https://b.io https://c.io https://d.io"),
            (Links{"https://a.io", "https://b.io", "https://c.io"}));
  EXPECT_TRUE(find_links("xhttps://a.io ftp://b.io https:// http:///path").empty());
  EXPECT_TRUE(find_links("no links here").empty());
}

TEST(Links, PreviewsAsJson) {
  LinkPreview full{"https://a.io", "A \"title\"", "desc", "https://a.io/i.png", "A", nullptr};
  LinkPreview bare{"https://b.io", "B", "", "", "", nullptr};
  auto v = boost::json::parse(previews_json({full, bare}));
  EXPECT_EQ(v, boost::json::parse(R"([
    {"url":"https://a.io","title":"A \"title\"","description":"desc",
     "image_url":"https://a.io/i.png","site_name":"A"},
    {"url":"https://b.io","title":"B","description":null,"image_url":null,"site_name":null}])"));
  EXPECT_EQ(previews_json({}), "[]");
}

TEST(Links, ThumbnailKeysOfStoredPreviews) {
  const std::string key(32, 'a');
  LinkPreview ours{"https://a.io", "A", "", "/thumbs/" + key + ".jpg", "", nullptr};
  LinkPreview theirs{"https://b.io", "B", "", "https://b.io/i.jpg", "", nullptr};
  LinkPreview odd{"https://c.io", "C", "", "/thumbs/../x.jpg", "", nullptr};
  EXPECT_EQ(thumbnail_keys(previews_json({ours, theirs, odd})), std::vector<std::string>{key});
  EXPECT_TRUE(thumbnail_keys("").empty());
  EXPECT_TRUE(thumbnail_keys("not json").empty());
  EXPECT_TRUE(thumbnail_keys("{}").empty());
}

}  // namespace
}  // namespace parlor::chat::previews
