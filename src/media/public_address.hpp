// Whether an address is on the public internet: link previews fetch only
// such addresses (unless told otherwise), so a message cannot make the
// server reach into its own network (loopback, private ranges, link-local
// cloud metadata services, ...).
#pragma once

#include <boost/asio/ip/address.hpp>

namespace parlor::media {

bool is_public_address(const boost::asio::ip::address& a);

}  // namespace parlor::media
