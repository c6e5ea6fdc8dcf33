// Small helpers for REST handlers: path ids and the query string as a JSON
// object (so the payload validators apply to it too).
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "chat/service.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {

inline std::optional<store::Id> path_id(const RestRequest& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return std::nullopt;
  return parse_id(std::string_view(it->second));
}

inline boost::json::object query_object(const RestRequest& req) {
  boost::json::object o;
  for (const auto& [k, v] : req.query)
    if (!v.empty()) o[k] = v;
  return o;
}

}  // namespace parlor::chat
