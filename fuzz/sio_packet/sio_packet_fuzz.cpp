// libFuzzer target: Socket.IO packets and binary reassembly from untrusted
// bytes. The input is split on 0x00 into Engine.IO messages; a leading 'B'
// marks a message as binary. Decoding must fail cleanly or round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sio/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parlor::sio;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto p = decode(in)) {
    auto again = decode(encode(*p));
    if (!again || again->type != p->type || again->nsp != p->nsp || again->id != p->id ||
        again->attachments != p->attachments || again->data != p->data)
      std::abort();
  }

  Decoder decoder(8);
  std::size_t start = 0;
  while (start <= in.size()) {
    auto end = in.find('\0', start);
    if (end == std::string_view::npos) end = in.size();
    auto msg = in.substr(start, end - start);
    auto r = (!msg.empty() && msg[0] == 'B') ? decoder.on_binary(std::string(msg.substr(1)))
                                             : decoder.on_text(msg);
    if (!r) break;  // the connection would be closed
    if (*r && (*r)->attachments.size() != (*r)->packet.attachments) std::abort();
    start = end + 1;
  }
  return 0;
}
