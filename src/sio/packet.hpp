// Socket.IO v5 packets: the text encoding (type, attachments, namespace, ack
// id, JSON payload) and the reassembly of binary packets from their
// Engine.IO attachments. Pure functions and a small state machine, no I/O.
#pragma once

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace parlor::sio {

enum class PacketType {
  connect = 0,
  disconnect = 1,
  event = 2,
  ack = 3,
  connect_error = 4,
  binary_event = 5,
  binary_ack = 6,
};

// Binary attachments, referenced from the JSON payload by placeholders
// {"_placeholder":true,"num":i} (see placeholder()).
using Attachments = std::vector<std::string>;

struct Packet {
  PacketType type = PacketType::event;
  std::string nsp = "/";
  std::optional<std::uint64_t> id;
  std::optional<boost::json::value> data;  // absent when the packet has none
  std::size_t attachments = 0;             // binary types only
};

enum class error {
  empty = 1,
  unknown_type,
  bad_attachments,
  too_many_attachments,
  bad_id,
  bad_json,
  invalid_payload,
  unexpected_binary,
  unexpected_text,
};
const std::error_category& error_category();
inline std::error_code make_error_code(error e) {
  return {static_cast<int>(e), error_category()};
}

// Decodes the text part of a packet and validates its payload as the
// reference parser does (e.g. EVENT needs a non-empty array whose first
// element is a non-reserved event name).
boost::system::result<Packet> decode(std::string_view text, std::size_t max_attachments = 64);
// Encodes the text part; for binary types the "<n>-" prefix is written from
// `attachments`.
std::string encode(const Packet& p);
// The EVENT packet `["event",arg]` in namespace `nsp`, serialized straight
// from `arg` (no copy into a Packet): the same text as encode() would give.
std::string encode_event(std::string_view nsp, std::string_view event,
                         const boost::json::value& arg);
// The same with `arg_json` already serialized (valid JSON text, spliced in
// as is), for a value serialized once and sent in several packets.
std::string encode_event_json(std::string_view nsp, std::string_view event,
                              std::string_view arg_json);
// The ACK packet `[arg]` for ack id `id`, `arg_json` already serialized.
std::string encode_ack_json(std::string_view nsp, std::uint64_t id, std::string_view arg_json);

boost::json::object placeholder(std::size_t num);

// Reassembles packets from a stream of Engine.IO messages.
class Decoder {
 public:
  explicit Decoder(std::size_t max_attachments = 64) : max_attachments_(max_attachments) {}
  struct Message {
    Packet packet;
    Attachments attachments;
  };
  // A complete packet, nothing yet (waiting for attachments), or an error
  // (the connection should be closed).
  boost::system::result<std::optional<Message>> on_text(std::string_view text);
  boost::system::result<std::optional<Message>> on_binary(std::string bytes);

 private:
  std::size_t max_attachments_;
  std::optional<Message> partial_;
};

}  // namespace parlor::sio

template <>
struct std::is_error_code_enum<parlor::sio::error> : std::true_type {};
