#include "core/json_text.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace parlor::core {
namespace {

TEST(JsonText, LoneSurrogatesBecomeReplacementCharacters) {
  EXPECT_EQ(replace_lone_surrogates(R"(["a\ud800b"])"), R"(["a\ufffdb"])");
  EXPECT_EQ(replace_lone_surrogates(R"(["\udc00", "\uDBFF\u0041"])"),
            R"(["\ufffd", "\ufffd\u0041"])");
  // A reversed pair is two lone halves.
  EXPECT_EQ(replace_lone_surrogates(R"("\udc00\ud800")"), R"("\ufffd\ufffd")");
  // At the very end of the text.
  EXPECT_EQ(replace_lone_surrogates(R"("\ud83d)"), R"("\ufffd)");
}

TEST(JsonText, EverythingElseIsKeptByteForByte) {
  for (std::string_view s :
       {R"({"emoji":"\ud83d\ude00","x":"\\ud800","y":"\"\ud7ff\ue000"})", R"("\\\\")",
        R"({"ud800": 1, "k": "\u00e9"})", "\"caf\xc3\xa9\"", R"("\)"}) {
    EXPECT_EQ(replace_lone_surrogates(s), s) << s;
  }
}

TEST(JsonText, ClientJsonParsesWithTheReplacement) {
  boost::system::error_code ec;
  auto v = parse_client_json(R"({"content":"half \ud83d"})", ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(v.at("content").as_string(), "half \xEF\xBF\xBD");
  // Other errors stay errors.
  parse_client_json(R"({"content":)", ec);
  EXPECT_TRUE(ec);
  parse_client_json(R"(["\ud800", )", ec);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace parlor::core
