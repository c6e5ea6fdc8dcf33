// Asks for the previews of a stored message's links, and stores them when
// they come (strand).
#pragma once

#include "store/records.hpp"

namespace parlor::chat {
class Domain;
}

namespace parlor::chat::previews {

// Does nothing without a fetcher or without links.
void request(Domain& d, const store::MessageRecord& m);

}  // namespace parlor::chat::previews
