// Engine.IO v4 packets and their encodings: one packet per WebSocket frame,
// or a long-polling payload of packets separated by '\x1e' with binary
// packets base64-encoded behind a 'b'. Pure functions, no I/O.
#pragma once

#include <boost/system/result.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace parlor::eio {

enum class PacketType : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

struct Packet {
  PacketType type = PacketType::message;
  bool binary = false;  // only for messages: `data` is raw bytes
  std::string data;

  bool operator==(const Packet&) const = default;
};

// Outbound packets are immutable and shared: a broadcast encodes once and
// every recipient's queue holds the same Frame.
using Frame = std::shared_ptr<const Packet>;
Frame make_frame(PacketType type, std::string data = {});
Frame make_binary_frame(std::string bytes);

enum class error {
  empty_packet = 1,
  unknown_packet_type,
  bad_base64,
  binary_not_message,
  too_many_packets,
};
const std::error_category& error_category();
inline std::error_code make_error_code(error e) {
  return {static_cast<int>(e), error_category()};
}

// A text WebSocket frame (or one polling packet without the 'b' form).
boost::system::result<Packet> decode_text(std::string_view text);
// A binary WebSocket frame: always a binary message.
Packet decode_binary(std::string_view bytes);
// One packet as a text frame: type character followed by the data.
// (Binary messages are sent as binary frames; see Packet::data.)
std::string encode_text(const Packet& p);

// A long-polling request body. `max_packets` bounds the work per body.
boost::system::result<std::vector<Packet>> decode_payload(std::string_view body,
                                                          std::size_t max_packets = 10000);
// A long-polling response body.
std::string encode_payload(std::span<const Frame> frames);

std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

}  // namespace parlor::eio

template <>
struct std::is_error_code_enum<parlor::eio::error> : std::true_type {};
