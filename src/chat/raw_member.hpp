// A member of a JSON object whose value is already serialized. A new
// message's JSON goes to its room ({"message":M}) and into its sender's ack
// ({"ok":true,"message":M}); with M serialized once, both are spliced from
// the same text.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>

namespace parlor::chat {

struct RawMember {
  std::string key;
  std::shared_ptr<const std::string> json;  // valid JSON text
};

// `fields` as JSON text, with `raw` as its last member (when not null). A
// key in both is the caller's bug: `raw` would repeat it.
std::string serialize_with(const boost::json::object& fields, const RawMember* raw);
// `fields` with `raw` parsed back in (for readers that want values: REST
// replies, tests).
boost::json::object merge_parsed(boost::json::object fields, const RawMember& raw);

}  // namespace parlor::chat
