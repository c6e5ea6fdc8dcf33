// Link previews' pure parts: a page's head, and which addresses are public.
#include <gtest/gtest.h>

#include "media/html_meta.hpp"
#include "media/public_address.hpp"

namespace parlor::media {
namespace {

TEST(HtmlMeta, OpenGraphFirstThenTwitterThenTheHead) {
  auto m = parse_html_meta(R"(<!doctype html><html><head>
    <title>  The &amp; Title
    </title>
    <meta name="description" content="plain description">
    <meta name=twitter:title content='Twitter title'>
    <META PROPERTY="og:title" CONTENT="OG &quot;title&quot; &#233;&#x263A;">
    <meta property="og:image" content="/img/a.png"/>
    <meta property="og:site_name" content="Example">
    </head><body><meta property="og:description" content="too late"></body>)");
  EXPECT_EQ(m.title, "OG \"title\" é☺");
  EXPECT_EQ(m.description, "plain description");
  EXPECT_EQ(m.image, "/img/a.png");
  EXPECT_EQ(m.site_name, "Example");

  auto plain = parse_html_meta("<html><head><title>Only\n\t a   title</title></head>");
  EXPECT_EQ(plain.title, "Only a title");
  EXPECT_EQ(plain.description, "");
  EXPECT_EQ(parse_html_meta("<html><body>no head</body>").title, "");
}

TEST(HtmlMeta, ToleratesBrokenMarkupAndCutsLongTexts) {
  EXPECT_EQ(parse_html_meta("<meta property=\"og:title\" content=\"unterminated").title,
            "unterminated");
  EXPECT_EQ(parse_html_meta("<title>cut off").title, "cut off");  // a head cut at max_body
  EXPECT_EQ(parse_html_meta("<!-- <title>hidden</title> --><title>shown</title>").title, "shown");
  EXPECT_EQ(parse_html_meta("<<<meta =x ==y content=\"c\" property=og:title>").title, "c");
  std::string long_title = "<title>" + std::string(400, 'x') + "é</title>";
  EXPECT_EQ(parse_html_meta(long_title).title.size(), 300u);
  EXPECT_EQ(decode_entities("&unknown; & &#0; &#xZZ; &lt;b&gt;"),
            "&unknown; & \xEF\xBF\xBD &#xZZ; <b>");
}

TEST(PublicAddress, OnlyThePublicInternet) {
  auto pub = [](const char* a) { return is_public_address(boost::asio::ip::make_address(a)); };
  for (const char* a : {"93.184.216.34", "8.8.8.8", "2606:2800:220:1::1", "172.32.0.1"})
    EXPECT_TRUE(pub(a)) << a;
  for (const char* a :
       {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2001:db8::1"})
    EXPECT_FALSE(pub(a)) << a;
}

}  // namespace
}  // namespace parlor::media
