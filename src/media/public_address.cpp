#include "media/public_address.hpp"

#include <cstdint>

namespace parlor::media {
namespace {

bool in(std::uint32_t ip, std::uint32_t net, int bits) {
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (ip & mask) == (net & mask);
}

bool public_v4(const boost::asio::ip::address_v4& a) {
  std::uint32_t ip = a.to_uint();
  constexpr struct {
    std::uint32_t net;
    int bits;
  } blocked[] = {
      {0x00000000, 8},  {0x0A000000, 8},  {0x64400000, 10}, {0x7F000000, 8},  {0xA9FE0000, 16},
      {0xAC100000, 12}, {0xC0000000, 24}, {0xC0000200, 24}, {0xC0A80000, 16}, {0xC6120000, 15},
      {0xC6336400, 24}, {0xCB007100, 24}, {0xE0000000, 4},  {0xF0000000, 4},
  };
  for (const auto& b : blocked)
    if (in(ip, b.net, b.bits)) return false;
  return true;
}

}  // namespace

bool is_public_address(const boost::asio::ip::address& a) {
  if (a.is_v4()) return public_v4(a.to_v4());
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped())
    return public_v4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  if (v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_site_local() ||
      v6.is_multicast())
    return false;
  const auto bytes = v6.to_bytes();
  if ((bytes[0] & 0xFE) == 0xFC) return false;  // unique local fc00::/7
  if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8)
    return false;  // documentation 2001:db8::/32
  if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B)
    return false;  // NAT64 64:ff9b::/96 (could reach private IPv4)
  return true;
}

}  // namespace parlor::media
