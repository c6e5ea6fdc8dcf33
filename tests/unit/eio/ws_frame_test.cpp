// RFC 6455 frame parser and encoders.
#include "eio/ws_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parlor::eio::ws {
namespace {

using Kind = Parser::Event::Kind;

// A client frame: masked with `mask`, explicit header bits.
std::string client_frame(std::uint8_t b0, std::string_view payload, bool masked = true,
                         std::uint32_t mask = 0x37fa213d, int force_len_bytes = 0) {
  std::string out;
  out.push_back(static_cast<char>(b0));
  const std::uint64_t len = payload.size();
  const std::uint8_t m = masked ? 0x80 : 0;
  int ext = force_len_bytes ? force_len_bytes : len < 126 ? 0 : len <= 0xFFFF ? 2 : 8;
  if (ext == 0) {
    out.push_back(static_cast<char>(m | len));
  } else if (ext == 2) {
    out.push_back(static_cast<char>(m | 126));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(len));
  } else {
    out.push_back(static_cast<char>(m | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(len >> (8 * i)));
  }
  std::uint8_t k[4] = {static_cast<std::uint8_t>(mask >> 24), static_cast<std::uint8_t>(mask >> 16),
                       static_cast<std::uint8_t>(mask >> 8), static_cast<std::uint8_t>(mask)};
  if (masked) out.append(reinterpret_cast<const char*>(k), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(masked ? static_cast<char>(payload[i] ^ k[i % 4]) : payload[i]);
  return out;
}

std::string frame(Opcode op, std::string_view payload, bool fin = true) {
  return client_frame(static_cast<std::uint8_t>((fin ? 0x80 : 0) | static_cast<std::uint8_t>(op)),
                      payload);
}

struct Got {
  Kind kind;
  bool text;
  std::uint16_t code;
  std::string payload;
};

// Feeds `wire` in chunks of `chunk` bytes (0 = all at once) and collects
// every event.
std::vector<Got> parse(std::string wire, std::size_t max = 1 << 20, std::size_t chunk = 0) {
  Parser p(max);
  std::vector<Got> out;
  std::size_t step = chunk ? chunk : wire.size();
  for (std::size_t off = 0; off < wire.size(); off += step) {
    char* data = wire.data() + off;
    std::size_t n = std::min(step, wire.size() - off);
    for (;;) {
      auto ev = p.next(data, n);
      if (ev.kind == Kind::need_more) break;
      out.push_back({ev.kind, ev.text, ev.code, std::string(ev.payload)});
    }
    EXPECT_EQ(n, 0u);
  }
  return out;
}

TEST(WsFrame, UnmasksTextAndBinary) {
  auto got = parse(frame(Opcode::text, "4hello") + frame(Opcode::binary, std::string("\0\1\2", 3)));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Kind::message);
  EXPECT_TRUE(got[0].text);
  EXPECT_EQ(got[0].payload, "4hello");
  EXPECT_FALSE(got[1].text);
  EXPECT_EQ(got[1].payload, std::string("\0\1\2", 3));
}

TEST(WsFrame, AllLengthEncodingsAnyChunking) {
  for (std::size_t len : {0u, 1u, 125u, 126u, 127u, 1000u, 65535u, 65536u, 200000u}) {
    std::string payload(len, 'x');
    for (std::size_t i = 0; i < len; ++i) payload[i] = static_cast<char>('a' + i % 26);
    for (std::size_t chunk : {0u, 1u, 3u, 7u, 4096u}) {
      if (chunk == 1 && len > 70000) continue;
      auto got = parse(frame(Opcode::text, payload), 1 << 20, chunk);
      ASSERT_EQ(got.size(), 1u) << len << "/" << chunk;
      EXPECT_EQ(got[0].kind, Kind::message);
      EXPECT_EQ(got[0].payload, payload) << len << "/" << chunk;
    }
  }
}

TEST(WsFrame, EncodesServerHeaders) {
  std::uint8_t h[max_server_header];
  EXPECT_EQ(encode_header(h, Opcode::text, 5), 2u);
  EXPECT_EQ(h[0], 0x81);
  EXPECT_EQ(h[1], 5);
  EXPECT_EQ(encode_header(h, Opcode::binary, 126), 4u);
  EXPECT_EQ(h[0], 0x82);
  EXPECT_EQ(h[1], 126);
  EXPECT_EQ(h[2], 0);
  EXPECT_EQ(h[3], 126);
  EXPECT_EQ(encode_header(h, Opcode::text, 65535), 4u);
  EXPECT_EQ(encode_header(h, Opcode::text, 65536), 10u);
  EXPECT_EQ(h[1], 127);
  EXPECT_EQ(h[7], 1);
  EXPECT_EQ(h[8], 0);
  std::string close;
  append_close(close, close_code::too_big, "big");
  EXPECT_EQ(close, std::string("\x88\x05\x03\xf1"
                               "big",
                               7));
  close.clear();
  append_close(close, close_code::no_status);
  EXPECT_EQ(close, std::string("\x88\x00", 2));
}

TEST(WsFrame, Fragmentation) {
  auto wire = frame(Opcode::text, "4he", false) + frame(Opcode::continuation, "ll", false) +
              frame(Opcode::continuation, "o", true);
  for (std::size_t chunk : {0u, 1u, 5u}) {
    auto got = parse(wire, 1 << 20, chunk);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload, "4hello");
    EXPECT_TRUE(got[0].text);
  }
}

TEST(WsFrame, ControlFramesInsideAFragmentedMessage) {
  auto wire = frame(Opcode::binary, "ab", false) + frame(Opcode::ping, "p1") +
              frame(Opcode::continuation, "cd", false) + frame(Opcode::pong, "") +
              frame(Opcode::continuation, "ef", true) + frame(Opcode::text, "4x");
  for (std::size_t chunk : {0u, 1u, 4u}) {
    auto got = parse(wire, 1 << 20, chunk);
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].kind, Kind::ping);
    EXPECT_EQ(got[0].payload, "p1");
    EXPECT_EQ(got[1].kind, Kind::pong);
    EXPECT_EQ(got[2].kind, Kind::message);
    EXPECT_FALSE(got[2].text);
    EXPECT_EQ(got[2].payload, "abcdef");
    EXPECT_EQ(got[3].payload, "4x");
  }
}

TEST(WsFrame, Close) {
  auto got = parse(client_frame(0x88, std::string("\x03\xe8"
                                                  "bye",
                                                  5)) +
                   frame(Opcode::text, "4x"));
  ASSERT_EQ(got.size(), 1u);  // nothing after a close
  EXPECT_EQ(got[0].kind, Kind::close);
  EXPECT_EQ(got[0].code, close_code::normal);
  EXPECT_EQ(got[0].payload, "bye");

  got = parse(frame(Opcode::close, ""));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].code, close_code::no_status);
}

TEST(WsFrame, CloseCodes) {
  auto code_of = [](std::uint16_t c) {
    std::string p{static_cast<char>(c >> 8), static_cast<char>(c & 0xFF)};
    auto got = parse(frame(Opcode::close, p));
    EXPECT_EQ(got.size(), 1u);
    return got.empty() ? Got{} : got[0];
  };
  for (std::uint16_t c :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    auto g = code_of(c);
    EXPECT_EQ(g.kind, Kind::close) << c;
    EXPECT_EQ(g.code, c);
  }
  for (std::uint16_t c : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    auto g = code_of(c);
    EXPECT_EQ(g.kind, Kind::error) << c;
    EXPECT_EQ(g.code, close_code::protocol_error) << c;
  }
  // A one-byte close payload, or a reason that is not UTF-8.
  auto g = parse(frame(Opcode::close, "\x03"));
  EXPECT_EQ(g.at(0).code, close_code::protocol_error);
  g = parse(frame(Opcode::close, "\x03\xe8\xff"));
  EXPECT_EQ(g.at(0).kind, Kind::error);
  EXPECT_EQ(g.at(0).code, close_code::invalid_payload);
}

void expect_error(const std::string& wire, std::uint16_t code, std::size_t max = 1 << 20) {
  for (std::size_t chunk : {0u, 1u}) {
    auto got = parse(wire, max, chunk);
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back().kind, Kind::error);
    EXPECT_EQ(got.back().code, code);
  }
}

TEST(WsFrame, ProtocolErrors) {
  expect_error(client_frame(0x81, "4x", false), close_code::protocol_error);  // unmasked
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    expect_error(client_frame(0x80 | op, "x"), close_code::protocol_error);
  for (std::uint8_t rsv : {0x40, 0x20, 0x10})
    expect_error(client_frame(0x81 | rsv, "x"), close_code::protocol_error);
  expect_error(frame(Opcode::continuation, "x"),
               close_code::protocol_error);  // nothing to continue
  expect_error(frame(Opcode::text, "a", false) + frame(Opcode::text, "b"),
               close_code::protocol_error);                           // new message inside one
  expect_error(client_frame(0x09, "x"), close_code::protocol_error);  // fragmented ping
  expect_error(frame(Opcode::ping, std::string(126, 'x')), close_code::protocol_error);
  expect_error(client_frame(0x81, "short", true, 1, 2), close_code::protocol_error);  // not minimal
  expect_error(client_frame(0x81, std::string(300, 'x'), true, 1, 8), close_code::protocol_error);
  const std::string huge("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x00", 10);  // top bit of the length
  expect_error(huge + "mask", close_code::protocol_error);
}

TEST(WsFrame, MessageSizeLimit) {
  expect_error(frame(Opcode::binary, std::string(101, 'x')), close_code::too_big, 100);
  auto ok = parse(frame(Opcode::binary, std::string(100, 'x')), 100);
  EXPECT_EQ(ok.at(0).kind, Kind::message);
  // The limit is on the whole message, across fragments.
  expect_error(frame(Opcode::text, std::string(60, 'x'), false) +
                   frame(Opcode::continuation, std::string(41, 'x')),
               close_code::too_big, 100);
  // Control frames do not count.
  auto mixed = parse(frame(Opcode::text, std::string(60, 'x'), false) +
                         frame(Opcode::ping, std::string(100, 'p')) +
                         frame(Opcode::continuation, std::string(40, 'x')),
                     100);
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[1].payload.size(), 100u);
}

TEST(WsFrame, TextMustBeUtf8) {
  expect_error(frame(Opcode::text, "4\xff"), close_code::invalid_payload);
  expect_error(frame(Opcode::text, "\xed\xa0\x80"), close_code::invalid_payload);      // surrogate
  expect_error(frame(Opcode::text, "\xc0\xaf"), close_code::invalid_payload);          // overlong
  expect_error(frame(Opcode::text, "\xf4\x90\x80\x80"), close_code::invalid_payload);  // > U+10FFFF
  expect_error(frame(Opcode::text, "4\xe2\x82"), close_code::invalid_payload);         // truncated
  // Fails fast inside a fragmented message, before the end.
  auto got = parse(frame(Opcode::text, "ok\xff", false));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].code, close_code::invalid_payload);
  // A code point split across fragments is fine.
  auto split = parse(frame(Opcode::text, "4\xe2\x82", false) + frame(Opcode::continuation, "\xac"));
  ASSERT_EQ(split.size(), 1u);
  EXPECT_EQ(split[0].payload, "4\xe2\x82\xac");
  // Binary is not checked.
  EXPECT_EQ(parse(frame(Opcode::binary, "\xff")).at(0).kind, Kind::message);
}

TEST(WsFrame, Utf8Validator) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii, long enough for the word loop"));
  EXPECT_TRUE(valid_utf8("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
  EXPECT_FALSE(valid_utf8("\x80"));
  EXPECT_FALSE(valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(valid_utf8("\xe0\x80\x80"));
  Utf8Validator v;
  EXPECT_TRUE(v.feed("\xf0\x9f"));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed("\x98\x80"));
  EXPECT_TRUE(v.complete());
}

TEST(WsFrame, SmallMessagesAreNotCopied) {
  std::string wire = frame(Opcode::text, "4hello");
  Parser p(1000);
  char* data = wire.data();
  std::size_t n = wire.size();
  auto ev = p.next(data, n);
  ASSERT_EQ(ev.kind, Kind::message);
  EXPECT_GE(ev.payload.data(), wire.data());
  EXPECT_LT(ev.payload.data(), wire.data() + wire.size());
  EXPECT_EQ(p.buffered(), 0u);
  EXPECT_TRUE(p.idle());
}

TEST(WsFrame, AssemblyMemoryIsReleased) {
  std::string wire = frame(Opcode::binary, std::string(5000, 'x'));
  Parser p(10000);
  char* data = wire.data();
  std::size_t n = 100;  // a partial read
  EXPECT_EQ(p.next(data, n).kind, Kind::need_more);
  EXPECT_GT(p.buffered(), 0u);
  n = wire.size() - 100;
  auto ev = p.next(data, n);
  ASSERT_EQ(ev.kind, Kind::message);
  EXPECT_EQ(ev.payload.size(), 5000u);
  n = 0;
  EXPECT_EQ(p.next(data, n).kind, Kind::need_more);
  EXPECT_EQ(p.buffered(), 0u);
}

TEST(WsFrame, Unmask) {
  const std::uint8_t mask[4] = {1, 2, 3, 4};
  std::string s(19, '\0');
  unsigned pos = unmask(s.data(), 5, mask, 0);
  EXPECT_EQ(pos, 1u);
  pos = unmask(s.data() + 5, 14, mask, pos);
  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i], mask[i % 4]) << i;
}

TEST(WsFrame, KeyValidation) {
  EXPECT_TRUE(valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_FALSE(valid_key(""));
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25jZQ"));
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25j!Q=="));
  EXPECT_FALSE(valid_key("dGhlIHNhbXBsZSBub25jZXM="));  // 17 bytes
}

}  // namespace
}  // namespace parlor::eio::ws
