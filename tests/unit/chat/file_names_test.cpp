// Uploaded files' names, keys and serving headers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <map>

#include "chat/files/names.hpp"

namespace parlor::chat::files {
namespace {

TEST(FileNames, KeepTheLastSegmentWithoutControlsOrSpaces) {
  EXPECT_EQ(clean_file_name("photo.png"), "photo.png");
  EXPECT_EQ(clean_file_name("C:\\Users\\me\\report.pdf"), "report.pdf");
  EXPECT_EQ(clean_file_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(clean_file_name("  a\tb\r\nc.txt  "), "abc.txt");
  EXPECT_EQ(clean_file_name("résumé 2026.docx"), "résumé 2026.docx");
  for (const char* empty : {"", "   ", ".", "..", "dir/", "\x01\x02"}) {
    EXPECT_EQ(clean_file_name(empty), "file") << empty;
  }
  EXPECT_EQ(clean_file_name("bad \xff utf8"), "file");
  // Cut to 255 bytes, never inside a character.
  std::string long_name(254, 'a');
  long_name += "é.txt";
  std::string cut = clean_file_name(long_name);
  EXPECT_EQ(cut, std::string(254, 'a'));
}

TEST(FileNames, StorageKeysAre32LowercaseHexDigits) {
  EXPECT_TRUE(is_storage_key("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(is_storage_key("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(is_storage_key("0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(is_storage_key("../3456789abcdef0123456789abcdef"));
}

TEST(FileNames, OurLinksGiveTheirStorageKey) {
  const std::string key = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(key_of_link("/files/" + key + "/cat.png"), key);
  EXPECT_EQ(key_of_link("https://chat.example/files/" + key + "/cat.png"), key);
  EXPECT_EQ(key_of_link("/thumbs/" + key + ".jpg"), key);
  EXPECT_EQ(key_of_link("http://localhost:8080/thumbs/" + key + ".jpg"), key);
  const std::vector<std::string> others = {"",
                                           "/",
                                           "https://elsewhere.example/a.png",
                                           "/files/" + key,
                                           "/files/" + key + "/",
                                           "/files/" + key.substr(1) + "/x",
                                           "/thumbs/" + key + ".png",
                                           "/thumbs/" + key,
                                           "/files/0123456789ABCDEF0123456789abcdef/x",
                                           "https://host",
                                           "/avatars/" + key};
  for (const auto& other : others) EXPECT_EQ(key_of_link(other), "") << other;
}

TEST(FileNames, OnlySafeTypesAreShownInline) {
  auto disposition = [](std::string_view type, std::string_view name) {
    std::map<std::string, std::string> h;
    for (auto& [k, v] : file_headers(type, name)) h[k] = v;
    EXPECT_EQ(h["Content-Type"], type);
    EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
    EXPECT_NE(h["Content-Security-Policy"].find("default-src 'none'"), std::string::npos);
    return h["Content-Disposition"];
  };
  EXPECT_EQ(disposition("image/png", "a b.png"),
            "inline; filename=\"a b.png\"; filename*=UTF-8''a%20b.png");
  EXPECT_EQ(disposition("application/pdf", "x.pdf").substr(0, 7), "inline;");
  EXPECT_EQ(disposition("video/mp4", "x.mp4").substr(0, 7), "inline;");
  EXPECT_EQ(disposition("text/html", "x.html").substr(0, 11), "attachment;");
  EXPECT_EQ(disposition("image/svg+xml", "x.svg").substr(0, 11), "attachment;");
  EXPECT_EQ(disposition("application/octet-stream", "é\"q.bin"),
            "attachment; filename=\"___q.bin\"; filename*=UTF-8''%C3%A9%22q.bin");
}

}  // namespace
}  // namespace parlor::chat::files
