// Reading untrusted JSON payloads field by field. Every failure is an
// `invalid` error naming the field (or `too_large` for over-long content);
// nothing is coerced except ids, which are accepted as decimal strings (the
// contract's form) or as positive integers.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/error.hpp"
#include "store/records.hpp"

namespace parlor::chat {

struct TextRule {
  std::size_t min_chars = 0;
  std::size_t max_chars = 1000;
  bool trim = false;  // strip surrounding ASCII whitespace before checking
};

// A payload's object, not copied: valid while the payload lives.
class ObjectRef {
 public:
  explicit ObjectRef(const boost::json::object& o) : o_(&o) {}
  operator const boost::json::object&() const { return *o_; }
  const boost::json::object& get() const { return *o_; }

 private:
  const boost::json::object* o_;
};

// The payload itself must be an object (null counts as an empty object when
// `allow_null`).
Result<ObjectRef> as_object(const boost::json::value& v, bool allow_null = false);

// Our ids: decimal digits, positive; nullopt otherwise.
std::optional<store::Id> parse_id(std::string_view text);
// An id in a payload: a non-empty string (nullopt otherwise). A string that
// is not one of our ids becomes kNoSuchId, which names no row.
inline constexpr store::Id kNoSuchId = std::numeric_limits<store::Id>::max();
std::optional<store::Id> parse_id(const boost::json::value& v);

// Missing (or null) → nullopt; present and wrong → error.
Result<std::optional<std::string>> opt_text(const boost::json::object& o, std::string_view field,
                                            TextRule rule);
Result<std::string> req_text(const boost::json::object& o, std::string_view field, TextRule rule);
Result<std::optional<store::Id>> opt_id(const boost::json::object& o, std::string_view field);
// The target room of an event: room_id, or dm_id in its place (the same id
// space; both given must agree).
Result<store::Id> room_or_dm_id(const boost::json::object& o);
Result<store::Id> req_id(const boost::json::object& o, std::string_view field);
Result<std::vector<store::Id>> id_list(const boost::json::object& o, std::string_view field,
                                       std::size_t max, bool required);
Result<std::optional<bool>> opt_bool(const boost::json::object& o, std::string_view field);
// Integers only (no fractions); also accepts a decimal string, as query
// strings arrive as text.
Result<std::optional<std::int64_t>> opt_int(const boost::json::object& o, std::string_view field,
                                            std::int64_t min, std::int64_t max);

// Message content: valid UTF-8, not blank, at most max_chars code points
// (→ too_large).
Result<std::string> message_content(const boost::json::object& o, std::string_view field,
                                    std::size_t max_chars);

// Account fields.
std::optional<Error> check_username(std::string_view s);
std::optional<Error> check_email(std::string_view s);
std::optional<Error> check_password(std::string_view s);
// Reaction emoji: 1..64 bytes of valid UTF-8 without whitespace or controls.
std::optional<Error> check_emoji(std::string_view s);

std::string to_lower_ascii(std::string_view s);
// Without surrounding spaces, tabs, CRs and LFs.
std::string trim_ascii(std::string_view s);

}  // namespace parlor::chat
