// libFuzzer target: Engine.IO packets and long-polling payloads from
// untrusted bytes must decode or fail cleanly, and what decodes must
// re-encode to something that decodes to the same packets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "eio/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parlor::eio;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto p = decode_text(in)) {
    auto again = decode_text(encode_text(*p));
    if (!again || !(*again == *p)) std::abort();
  }
  (void)decode_binary(in);

  auto packets = decode_payload(in, 1000);
  if (packets) {
    std::vector<Frame> frames;
    for (auto& p : *packets) frames.push_back(std::make_shared<const Packet>(p));
    auto round = decode_payload(encode_payload(frames), 1000);
    if (!round || *round != *packets) std::abort();
  }

  std::string bytes;
  if (base64_decode(in, bytes)) {
    std::string back;
    if (!base64_decode(base64_encode(bytes), back) || back != bytes) std::abort();
  }
  return 0;
}
