// libFuzzer target: Socket.IO packets and binary reassembly from untrusted
// bytes. The input is split on 0x00 into Engine.IO messages; a leading 'B'
// marks a message as binary. Decoding must fail cleanly or round-trip.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sio/packet.hpp"

namespace {

// Equal JSON, except that doubles may differ in the last bits: Boost.JSON
// 1.81's number parser is not correctly rounded, so serialize(parse(x)) can
// move a large number by one ulp ("1111111111111111111111" comes back as
// 1.1111111111111112E21). Everything else must round-trip exactly.
bool same_json(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && b.is_double()) {
    double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same_json(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      auto it = y.find(kv.key());
      if (it == y.end() || !same_json(kv.value(), it->value())) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parlor::sio;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto p = decode(in)) {
    auto again = decode(encode(*p));
    if (!again || again->type != p->type || again->nsp != p->nsp || again->id != p->id ||
        again->attachments != p->attachments || again->data.has_value() != p->data.has_value() ||
        (p->data && !same_json(*again->data, *p->data)))
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
