// The pure parts of message search: words, ISO times, snippets as HTML.
#include <gtest/gtest.h>

#include "chat/search/text.hpp"

namespace parlor::chat::search {
namespace {

TEST(SearchText, WordsSplitOnWhitespaceAndDropPunctuationOnly) {
  EXPECT_EQ(query_words("  hello\tbig \n world "),
            (std::vector<std::string>{"hello", "big", "world"}));
  EXPECT_EQ(query_words("-- ... !!! a.b \"x\""), (std::vector<std::string>{"a.b", "\"x\""}));
  EXPECT_EQ(query_words("café 日本"), (std::vector<std::string>{"café", "日本"}));
  EXPECT_TRUE(query_words("   ").empty());
  EXPECT_TRUE(query_words("?! --").empty());
}

TEST(SearchText, IsoTimes) {
  EXPECT_EQ(parse_iso_time("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_time("1970-01-01", true), 86'400'000 - 1);
  EXPECT_EQ(parse_iso_time("2026-11-22T10:30:00.123Z"), 1795343400123);
  EXPECT_EQ(parse_iso_time("2026-11-22T10:30:00.1Z"), 1795343400100);
  EXPECT_EQ(parse_iso_time("2026-11-22T10:30Z"), 1795343400000);
  EXPECT_EQ(parse_iso_time("2026-11-22T10:30:00"), 1795343400000);
  EXPECT_EQ(parse_iso_time("2026-11-22T12:30:00+02:00"), 1795343400000);
  EXPECT_EQ(parse_iso_time("2026-11-22T05:30:00-0500"), 1795343400000);
  // A time of day is exact, even with end_of_day.
  EXPECT_EQ(parse_iso_time("2026-11-22T10:30:00Z", true), 1795343400000);
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-11-22T25:00",
                          "2026-11-22T10:61", "2026-11-22T10:30:00.Z", "2026-11-22T10:30Zx",
                          "2026-11-22x", "tomorrow", "2026-11-22T10:30+2"}) {
    EXPECT_FALSE(parse_iso_time(bad)) << bad;
  }
}

TEST(SearchText, SnippetIsEscapedWithMarksAroundMatches) {
  std::string marked =
      std::string("a <b> & \"q\" 'x' ") + store::kMatchStart + "fox" + store::kMatchEnd + "…";
  EXPECT_EQ(snippet_html(marked), "a &lt;b&gt; &amp; &quot;q&quot; &#39;x&#39; <mark>fox</mark>…");
  // Other characters that share the markers' first byte pass through whole.
  EXPECT_EQ(snippet_html("\xEF\xBC\xA1 <"), "\xEF\xBC\xA1 &lt;");
  EXPECT_EQ(snippet_html(""), "");
}

TEST(SearchText, LeadingTextIsCutByCodePoints) {
  EXPECT_EQ(leading_html("short <i>", 160), "short &lt;i&gt;");
  EXPECT_EQ(leading_html("héllo wörld", 5), "héllo…");
  EXPECT_EQ(leading_html("ab", 2), "ab");
}

}  // namespace
}  // namespace parlor::chat::search
