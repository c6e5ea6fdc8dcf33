// Socket.IO v5 packet codec, after the reference socket.io-parser.
#include "sio/packet.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "core/json_text.hpp"

namespace parlor::sio {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "socket.io"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::empty:
        return "empty packet";
      case error::unknown_type:
        return "unknown packet type";
      case error::bad_attachments:
        return "illegal attachments";
      case error::too_many_attachments:
        return "too many attachments";
      case error::bad_id:
        return "invalid ack id";
      case error::bad_json:
        return "invalid JSON payload";
      case error::invalid_payload:
        return "invalid payload";
      case error::unexpected_binary:
        return "binary data without a binary packet";
      case error::unexpected_text:
        return "text packet while reconstructing a binary packet";
    }
    return "socket.io error";
  }
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A number too large for a double ("1e400") parses to infinity, which has no
// JSON spelling: passing it on would make us emit a packet no client can parse.
bool all_finite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& e : v.get_array())
        if (!all_finite(e)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object())
        if (!all_finite(kv.value())) return false;
      return true;
    default:
      return true;
  }
}

bool reserved(std::string_view name) {
  return name == "connect" || name == "connect_error" || name == "disconnect" ||
         name == "disconnecting" || name == "newListener" || name == "removeListener";
}

bool payload_valid(PacketType t, const std::optional<boost::json::value>& data) {
  switch (t) {
    case PacketType::connect:
      return !data || data->is_object();
    case PacketType::disconnect:
      return !data;
    case PacketType::connect_error:
      return data && (data->is_string() || data->is_object());
    case PacketType::event:
    case PacketType::binary_event: {
      if (!data || !data->is_array() || data->as_array().empty()) return false;
      const auto& first = data->as_array().front();
      return first.is_string() && !reserved(first.as_string());
    }
    case PacketType::ack:
    case PacketType::binary_ack:
      return data && data->is_array();
  }
  return false;
}

}  // namespace

const std::error_category& error_category() {
  static const Category cat;
  return cat;
}

boost::system::result<Packet> decode(std::string_view s, std::size_t max_attachments) {
  if (s.empty()) return make_error_code(error::empty);
  if (s[0] < '0' || s[0] > '6') return make_error_code(error::unknown_type);
  Packet p;
  p.type = static_cast<PacketType>(s[0] - '0');
  std::size_t i = 1;
  if (p.type == PacketType::binary_event || p.type == PacketType::binary_ack) {
    auto dash = s.find('-', i);
    if (dash == std::string_view::npos || dash == i || dash - i > 6)
      return make_error_code(error::bad_attachments);
    std::size_t n = 0;
    for (auto k = i; k < dash; ++k) {
      if (!is_digit(s[k])) return make_error_code(error::bad_attachments);
      n = n * 10 + static_cast<std::size_t>(s[k] - '0');
    }
    if (n > max_attachments) return make_error_code(error::too_many_attachments);
    p.attachments = n;
    i = dash + 1;
  }
  if (i < s.size() && s[i] == '/') {
    auto comma = s.find(',', i);
    if (comma == std::string_view::npos) {
      p.nsp = std::string(s.substr(i));
      i = s.size();
    } else {
      p.nsp = std::string(s.substr(i, comma - i));
      i = comma + 1;
    }
  }
  if (i < s.size() && is_digit(s[i])) {
    std::uint64_t id = 0;
    std::size_t digits = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (++digits > 15) return make_error_code(error::bad_id);
      id = id * 10 + static_cast<std::uint64_t>(s[i] - '0');
      ++i;
    }
    p.id = id;
  }
  if (i < s.size()) {
    boost::system::error_code ec;
    auto v = core::parse_client_json(s.substr(i), ec);
    if (ec || !all_finite(v)) return make_error_code(error::bad_json);
    p.data = std::move(v);
  }
  if (!payload_valid(p.type, p.data)) return make_error_code(error::invalid_payload);
  return p;
}

std::string encode(const Packet& p) {
  std::string out;
  out.push_back(static_cast<char>('0' + static_cast<int>(p.type)));
  if (p.type == PacketType::binary_event || p.type == PacketType::binary_ack) {
    out += std::to_string(p.attachments);
    out.push_back('-');
  }
  if (p.nsp != "/") {
    out += p.nsp;
    out.push_back(',');
  }
  if (p.id) out += std::to_string(*p.id);
  if (p.data) out += boost::json::serialize(*p.data);
  return out;
}

std::string encode_event(std::string_view nsp, std::string_view event,
                         const boost::json::value& arg) {
  return encode_event_json(nsp, event, boost::json::serialize(arg));
}

namespace {

void put_type_and_nsp(std::string& out, PacketType type, std::string_view nsp) {
  out.push_back(static_cast<char>('0' + static_cast<int>(type)));
  if (nsp != "/") {
    out += nsp;
    out.push_back(',');
  }
}

}  // namespace

std::string encode_event_json(std::string_view nsp, std::string_view event,
                              std::string_view arg_json) {
  std::string name = boost::json::serialize(boost::json::string_view(event.data(), event.size()));
  std::string out;
  out.reserve(nsp.size() + name.size() + arg_json.size() + 5);
  put_type_and_nsp(out, PacketType::event, nsp);
  out.push_back('[');
  out += name;
  out.push_back(',');
  out += arg_json;
  out.push_back(']');
  return out;
}

std::string encode_ack_json(std::string_view nsp, std::uint64_t id, std::string_view arg_json) {
  std::string out;
  out.reserve(nsp.size() + arg_json.size() + 24);
  put_type_and_nsp(out, PacketType::ack, nsp);
  out += std::to_string(id);
  out.push_back('[');
  out += arg_json;
  out.push_back(']');
  return out;
}

boost::json::object placeholder(std::size_t num) {
  return boost::json::object{{"_placeholder", true}, {"num", num}};
}

boost::system::result<std::optional<Decoder::Message>> Decoder::on_text(std::string_view text) {
  if (partial_) return make_error_code(error::unexpected_text);
  auto p = decode(text, max_attachments_);
  if (!p) return p.error();
  Message m{std::move(*p), {}};
  if (m.packet.attachments == 0) return std::optional<Message>(std::move(m));
  m.attachments.reserve(m.packet.attachments);
  partial_ = std::move(m);
  return std::optional<Message>();
}

boost::system::result<std::optional<Decoder::Message>> Decoder::on_binary(std::string bytes) {
  if (!partial_) return make_error_code(error::unexpected_binary);
  partial_->attachments.push_back(std::move(bytes));
  if (partial_->attachments.size() < partial_->packet.attachments) return std::optional<Message>();
  auto m = std::move(partial_);
  partial_.reset();
  return m;
}

}  // namespace parlor::sio
