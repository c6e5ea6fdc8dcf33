// Engine.IO packet and payload codec.
#include "eio/packet.hpp"

#include <gtest/gtest.h>

namespace parlor::eio {
namespace {

TEST(EioPacket, DecodesEveryTextType) {
  const char types[] = "0123456";
  for (char t : std::string_view(types)) {
    auto p = decode_text(std::string(1, t) + "data");
    ASSERT_TRUE(p) << t;
    EXPECT_EQ(static_cast<char>(p->type), t);
    EXPECT_EQ(p->data, "data");
    EXPECT_FALSE(p->binary);
  }
}

TEST(EioPacket, RejectsEmptyAndUnknownTypes) {
  EXPECT_EQ(decode_text("").error(), make_error_code(error::empty_packet));
  EXPECT_EQ(decode_text("7x").error(), make_error_code(error::unknown_packet_type));
  EXPECT_EQ(decode_text("abc").error(), make_error_code(error::unknown_packet_type));
}

TEST(EioPacket, EncodesTextPacket) {
  EXPECT_EQ(encode_text(Packet{PacketType::message, false, "hello"}), "4hello");
  EXPECT_EQ(encode_text(Packet{PacketType::ping, false, "probe"}), "2probe");
}

TEST(EioPayload, SplitsOnRecordSeparator) {
  auto r = decode_payload(
      "4test1\x1e"
      "4test2\x1e"
      "4test3");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].data, "test1");
  EXPECT_EQ((*r)[2].data, "test3");
}

TEST(EioPayload, DecodesBase64Binary) {
  auto r = decode_payload(
      "4hello\x1e"
      "bAQIDBA==");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[1].binary);
  EXPECT_EQ((*r)[1].data, std::string("\x01\x02\x03\x04", 4));
}

TEST(EioPayload, RejectsBadBase64AndEmptyParts) {
  EXPECT_FALSE(decode_payload("b!!!!"));
  EXPECT_FALSE(
      decode_payload("4a\x1e\x1e"
                     "4b"));
  EXPECT_FALSE(decode_payload(""));
  EXPECT_EQ(decode_payload("b!!").error(), make_error_code(error::bad_base64));
}

TEST(EioPayload, BoundsThePacketCount) {
  std::string body = "6";
  for (int i = 0; i < 20; ++i)
    body +=
        "\x1e"
        "6";
  EXPECT_EQ(decode_payload(body, 10).error(), make_error_code(error::too_many_packets));
  EXPECT_TRUE(decode_payload(body, 21));
}

TEST(EioPayload, EncodesFramesWithSeparatorAndBase64) {
  std::vector<Frame> frames{make_frame(PacketType::message, "hello"),
                            make_binary_frame(std::string("\x01\x02\x03\x04", 4)),
                            make_frame(PacketType::ping)};
  EXPECT_EQ(encode_payload(frames),
            "4hello\x1e"
            "bAQIDBA==\x1e"
            "2");
}

TEST(EioPayload, RoundTripsArbitraryBytes) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len < 10; ++len) {
    std::vector<Frame> frames{make_binary_frame(bytes.substr(0, len)),
                              make_frame(PacketType::message, "x")};
    auto r = decode_payload(encode_payload(frames));
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].data, bytes.substr(0, len));
    EXPECT_EQ((*r)[1].data, "x");
  }
}

TEST(EioBase64, KnownVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  std::string out;
  EXPECT_TRUE(base64_decode("Zm9vYmFy", out));
  EXPECT_EQ(out, "foobar");
  EXPECT_TRUE(base64_decode("Zg==", out));
  EXPECT_EQ(out, "f");
  EXPECT_FALSE(base64_decode("Z", out));
  EXPECT_FALSE(base64_decode("Zm9v*", out));
}

}  // namespace
}  // namespace parlor::eio
