#include "net/byte_range.hpp"

#include <gtest/gtest.h>

namespace parlor::net {
namespace {

using Kind = ByteRange::Kind;

void expect_part(std::string_view header, std::uint64_t size, std::uint64_t first,
                 std::uint64_t length) {
  auto r = parse_byte_range(header, size);
  EXPECT_EQ(r.kind, Kind::partial) << header;
  EXPECT_EQ(r.first, first) << header;
  EXPECT_EQ(r.length, length) << header;
}

TEST(ByteRange, OneRangeInEachForm) {
  expect_part("bytes=0-99", 1000, 0, 100);
  expect_part("bytes=100-", 1000, 100, 900);
  expect_part("bytes=-10", 1000, 990, 10);
  expect_part("bytes=999-999", 1000, 999, 1);
  expect_part(" BYTES=5-9 ", 1000, 5, 5);
}

TEST(ByteRange, EndsPastTheFileAreCut) {
  expect_part("bytes=900-5000", 1000, 900, 100);
  expect_part("bytes=-5000", 1000, 0, 1000);
}

TEST(ByteRange, StartsPastTheEndAreUnsatisfiable) {
  EXPECT_EQ(parse_byte_range("bytes=1000-", 1000).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=1000-1001", 1000).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=-0", 1000).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=0-", 0).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=-5", 0).kind, Kind::unsatisfiable);
}

TEST(ByteRange, WhatIsNotServedMeansTheWholeBody) {
  for (std::string_view h :
       {"", "bytes", "bytes=", "bytes=-", "bytes=5", "bytes=9-5", "bytes=0-1,5-6", "items=0-5",
        "bytes=a-5", "bytes=-x", "bytes=+1-5", "bytes=0-99999999999999999999999"}) {
    EXPECT_EQ(parse_byte_range(h, 1000).kind, Kind::whole) << h;
  }
}

}  // namespace
}  // namespace parlor::net
