// Engine.IO v4 packet codec.
#include "eio/packet.hpp"

#include <array>

namespace parlor::eio {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "engine.io"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::empty_packet:
        return "empty packet";
      case error::unknown_packet_type:
        return "unknown packet type";
      case error::bad_base64:
        return "invalid base64 in binary packet";
      case error::binary_not_message:
        return "binary packet that is not a message";
      case error::too_many_packets:
        return "too many packets in one payload";
    }
    return "engine.io error";
  }
};

constexpr char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<signed char, 256> make_b64_table() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(b64_chars[i])] = static_cast<signed char>(i);
  return t;
}
constexpr auto b64_table = make_b64_table();

}  // namespace

const std::error_category& error_category() {
  static const Category cat;
  return cat;
}

Frame make_frame(PacketType type, std::string data) {
  return std::make_shared<const Packet>(Packet{type, false, std::move(data)});
}

Frame make_binary_frame(std::string bytes) {
  return std::make_shared<const Packet>(Packet{PacketType::message, true, std::move(bytes)});
}

boost::system::result<Packet> decode_text(std::string_view text) {
  if (text.empty()) return make_error_code(error::empty_packet);
  char t = text[0];
  if (t < '0' || t > '6') return make_error_code(error::unknown_packet_type);
  return Packet{static_cast<PacketType>(t), false, std::string(text.substr(1))};
}

Packet decode_binary(std::string_view bytes) {
  return Packet{PacketType::message, true, std::string(bytes)};
}

std::string encode_text(const Packet& p) {
  std::string out;
  out.reserve(p.data.size() + 1);
  out.push_back(static_cast<char>(p.type));
  out += p.data;
  return out;
}

boost::system::result<std::vector<Packet>> decode_payload(std::string_view body,
                                                          std::size_t max_packets) {
  std::vector<Packet> out;
  for (;;) {
    if (out.size() == max_packets) return make_error_code(error::too_many_packets);
    auto sep = body.find('\x1e');
    auto part = body.substr(0, sep);
    if (!part.empty() && part[0] == 'b') {
      Packet p{PacketType::message, true, {}};
      if (!base64_decode(part.substr(1), p.data)) return make_error_code(error::bad_base64);
      out.push_back(std::move(p));
    } else {
      auto p = decode_text(part);
      if (!p) return p.error();
      out.push_back(std::move(*p));
    }
    if (sep == std::string_view::npos) break;
    body.remove_prefix(sep + 1);
  }
  return out;
}

std::string encode_payload(std::span<const Frame> frames) {
  std::size_t size = 0;
  for (const auto& f : frames) size += f->data.size() * (f->binary ? 4 : 3) / 3 + 4;
  std::string out;
  out.reserve(size);
  bool first = true;
  for (const auto& f : frames) {
    if (!first) out.push_back('\x1e');
    first = false;
    if (f->binary) {
      out.push_back('b');
      out += base64_encode(f->data);
    } else {
      out.push_back(static_cast<char>(f->type));
      out += f->data;
    }
  }
  return out;
}

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(b64_chars[(v >> 18) & 63]);
    out.push_back(b64_chars[(v >> 12) & 63]);
    out.push_back(b64_chars[(v >> 6) & 63]);
    out.push_back(b64_chars[v & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned v = byte(i) << 16;
    out.push_back(b64_chars[(v >> 18) & 63]);
    out.push_back(b64_chars[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(b64_chars[(v >> 18) & 63]);
    out.push_back(b64_chars[(v >> 12) & 63]);
    out.push_back(b64_chars[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return false;
  out.reserve(in.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = b64_table[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace parlor::eio
