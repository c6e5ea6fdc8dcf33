// Appends JSON text to a string, for a hot path that would otherwise build
// a boost::json::object only to serialize it (a new message: its JSON goes
// to the room and into the ack). Strings are escaped exactly as
// Boost.JSON's serializer escapes them, so the text is the same. The writer
// places the commas; the caller keeps the nesting balanced.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parlor::chat {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The next member's key; its value follows. Written as given: a name
  // that needs no escaping (the contract's field names).
  JsonWriter& key(std::string_view k);
  JsonWriter& string(std::string_view s);
  JsonWriter& number(std::int64_t v);
  // A number as a decimal string ("42"): the contract's ids.
  JsonWriter& decimal_string(std::int64_t v);
  JsonWriter& boolean(bool b);
  JsonWriter& null();
  // A value that is already JSON text, written as it is.
  JsonWriter& raw(std::string_view json);

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();
  void escaped(std::string_view s);

  std::string& out_;
  bool first_ = true;       // the next value opens its container
  bool after_key_ = false;  // the next value is a member's
};

}  // namespace parlor::chat
