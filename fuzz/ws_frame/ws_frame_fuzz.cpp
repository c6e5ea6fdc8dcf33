// libFuzzer target: the WebSocket frame parser on untrusted client bytes.
// It must never crash or read out of bounds, and it must be consistent:
// feeding the same bytes in arbitrary pieces gives the same events as
// feeding them at once; messages respect the size limit; text messages and
// close reasons are valid UTF-8; after a close or an error nothing more comes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "eio/ws_frame.hpp"

namespace {

using parlor::eio::ws::Parser;
using Kind = Parser::Event::Kind;

struct Got {
  Kind kind;
  bool text;
  std::uint16_t code;
  std::string payload;
  bool operator==(const Got&) const = default;
};

constexpr std::size_t max_message = 4096;

std::vector<Got> run(std::string wire, const std::vector<std::size_t>& cuts) {
  Parser p(max_message);
  std::vector<Got> out;
  std::size_t off = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t end = i < cuts.size() ? std::min(wire.size(), off + cuts[i]) : wire.size();
    char* data = wire.data() + off;
    std::size_t n = end - off;
    const char* lo = wire.data();
    const char* hi = wire.data() + wire.size();
    for (;;) {
      auto ev = p.next(data, n);
      if (ev.kind == Kind::need_more) break;
      if (data < lo || data > hi) std::abort();
      if (ev.kind == Kind::message) {
        if (ev.payload.size() > max_message) std::abort();
        if (ev.text && !parlor::eio::ws::valid_utf8(ev.payload)) std::abort();
      }
      if (ev.kind == Kind::close && !parlor::eio::ws::valid_utf8(ev.payload)) std::abort();
      if ((ev.kind == Kind::ping || ev.kind == Kind::pong) && ev.payload.size() > 125) std::abort();
      if (!out.empty() && (out.back().kind == Kind::close || out.back().kind == Kind::error))
        std::abort();  // nothing after the end
      out.push_back({ev.kind, ev.text, ev.code, std::string(ev.payload)});
    }
    if (n != 0) std::abort();
    off = end;
    if (off == wire.size()) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks how the rest is cut into reads.
  const unsigned seed = data[0];
  std::string wire(reinterpret_cast<const char*>(data + 1), size - 1);
  auto whole = run(wire, {});
  std::vector<std::size_t> cuts;
  unsigned x = seed * 2654435761u + 1;
  for (std::size_t used = 0; used < wire.size();) {
    x = x * 1103515245u + 12345u;
    std::size_t piece = 1 + (x >> 16) % (seed % 16 == 0 ? 3 : 64);
    cuts.push_back(piece);
    used += piece;
  }
  auto pieces = run(wire, cuts);
  if (!(whole == pieces)) std::abort();
  return 0;
}
