#include "chat/raw_member.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parlor::chat {

namespace json = boost::json;

std::string serialize_with(const json::object& fields, const RawMember* raw) {
  std::string out = json::serialize(fields);
  if (!raw) return out;
  const std::string key = json::serialize(json::string_view(raw->key));
  out.pop_back();  // the closing brace
  out.reserve(out.size() + key.size() + raw->json->size() + 3);
  if (!fields.empty()) out.push_back(',');
  out += key;
  out.push_back(':');
  out += *raw->json;
  out.push_back('}');
  return out;
}

json::object merge_parsed(json::object fields, const RawMember& raw) {
  fields[raw.key] = json::parse(*raw.json);
  return fields;
}

}  // namespace parlor::chat
