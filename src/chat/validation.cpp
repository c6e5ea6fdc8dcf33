// Field-by-field payload checks with errors that name the field.
#include "chat/validation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "chat/mentions.hpp"
#include "chat/utf8.hpp"
#include "core/ascii.hpp"

namespace parlor::chat {

namespace json = boost::json;

std::string trim_ascii(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return std::string(s);
}

namespace {

const json::value* find(const json::object& o, std::string_view field) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

}  // namespace

std::string to_lower_ascii(std::string_view s) {
  return core::ascii_lower(s);
}

Result<ObjectRef> as_object(const json::value& v, bool allow_null) {
  static const json::object empty;
  if (v.is_object()) return ObjectRef(v.get_object());
  if (allow_null && v.is_null()) return ObjectRef(empty);
  return invalid("payload", "must be an object");
}

std::optional<store::Id> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  store::Id id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::optional<store::Id> parse_id(const json::value& v) {
  // Ids are opaque strings: one that is not ours names nothing, and is
  // answered like any id that names nothing (not_found, or the field's own
  // refusal), not as malformed. Only a non-string (or empty) id is invalid.
  if (!v.is_string() || v.get_string().empty()) return std::nullopt;
  return parse_id(std::string_view(v.get_string())).value_or(kNoSuchId);
}

Result<std::optional<std::string>> opt_text(const json::object& o, std::string_view field,
                                            TextRule rule) {
  const json::value* v = find(o, field);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return invalid(std::string(field), "must be a string");
  std::string_view raw = v->get_string();
  // Four bytes per code point at most: longer input cannot fit, skip decoding it.
  if (raw.size() > rule.max_chars * 4) return invalid(std::string(field), "too long");
  std::string s = rule.trim ? trim_ascii(raw) : std::string(raw);
  auto len = utf8_length(s);
  if (!len) return invalid(std::string(field), "not valid UTF-8");
  if (*len < rule.min_chars) {
    return invalid(std::string(field), rule.min_chars == 1 ? "must not be empty" : "too short");
  }
  if (*len > rule.max_chars) return invalid(std::string(field), "too long");
  return std::optional<std::string>(std::move(s));
}

Result<std::string> req_text(const json::object& o, std::string_view field, TextRule rule) {
  auto r = opt_text(o, field, rule);
  if (!r) return r.error();
  if (!*r) return invalid(std::string(field), "is required");
  return std::move(**r);
}

Result<std::optional<store::Id>> opt_id(const json::object& o, std::string_view field) {
  const json::value* v = find(o, field);
  if (!v) return std::optional<store::Id>{};
  auto id = parse_id(*v);
  if (!id) return invalid(std::string(field), "must be an id (a string)");
  return std::optional<store::Id>(*id);
}

Result<store::Id> room_or_dm_id(const json::object& o) {
  auto room = opt_id(o, "room_id");
  if (!room) return room.error();
  auto dm = opt_id(o, "dm_id");
  if (!dm) return dm.error();
  if (*room && *dm && **room != **dm) return invalid("dm_id", "conflicts with room_id");
  if (*room) return **room;
  if (*dm) return **dm;
  return invalid("room_id", "is required");
}

Result<store::Id> req_id(const json::object& o, std::string_view field) {
  auto r = opt_id(o, field);
  if (!r) return r.error();
  if (!*r) return invalid(std::string(field), "is required");
  return **r;
}

Result<std::vector<store::Id>> id_list(const json::object& o, std::string_view field,
                                       std::size_t max, bool required) {
  const json::value* v = find(o, field);
  std::vector<store::Id> out;
  if (!v) {
    if (required) return invalid(std::string(field), "is required");
    return out;
  }
  if (!v->is_array()) return invalid(std::string(field), "must be an array of ids");
  if (v->get_array().size() > max) return invalid(std::string(field), "too many ids");
  for (const auto& e : v->get_array()) {
    auto id = parse_id(e);
    if (!id) return invalid(std::string(field), "must be an array of ids");
    if (std::find(out.begin(), out.end(), *id) == out.end()) out.push_back(*id);
  }
  return out;
}

Result<std::optional<bool>> opt_bool(const json::object& o, std::string_view field) {
  const json::value* v = find(o, field);
  if (!v) return std::optional<bool>{};
  if (!v->is_bool()) return invalid(std::string(field), "must be a boolean");
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<std::int64_t>> opt_int(const json::object& o, std::string_view field,
                                            std::int64_t min, std::int64_t max) {
  const json::value* v = find(o, field);
  if (!v) return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    if (v->get_uint64() > std::uint64_t(max)) return invalid(std::string(field), "out of range");
    n = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_string()) {
    std::string_view s = v->get_string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size())
      return invalid(std::string(field), "must be an integer");
  } else {
    return invalid(std::string(field), "must be an integer");
  }
  if (n < min || n > max) return invalid(std::string(field), "out of range");
  return std::optional<std::int64_t>(n);
}

Result<std::string> message_content(const json::object& o, std::string_view field,
                                    std::size_t max_chars) {
  const json::value* v = find(o, field);
  if (!v) return invalid(std::string(field), "is required");
  if (!v->is_string()) return invalid(std::string(field), "must be a string");
  std::string_view s = v->get_string();
  auto len = utf8_length(s);
  if (!len) return invalid(std::string(field), "not valid UTF-8");
  if (*len > max_chars) {
    return Error{Code::too_large,
                 std::string(field) + ": longer than " + std::to_string(max_chars) + " characters",
                 0};
  }
  if (trim_ascii(s).empty()) return invalid(std::string(field), "must not be empty");
  return std::string(s);
}

std::optional<Error> check_username(std::string_view s) {
  if (s.size() < 3 || s.size() > 32) return invalid("username", "must be 3 to 32 characters");
  for (char c : s)
    if (!is_username_char(c)) return invalid("username", "only letters, digits, '_', '.', '-'");
  if (s.back() == '.' || s.back() == '-') return invalid("username", "must not end in '.' or '-'");
  return std::nullopt;
}

std::optional<Error> check_email(std::string_view s) {
  if (s.size() < 3 || s.size() > 254) return invalid("email", "not an email address");
  auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= s.size() ||
      s.find('@', at + 1) != std::string_view::npos)
    return invalid("email", "not an email address");
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return invalid("email", "not an email address");
  }
  if (!is_valid_utf8(s)) return invalid("email", "not valid UTF-8");
  return std::nullopt;
}

std::optional<Error> check_password(std::string_view s) {
  if (s.size() < 8) return invalid("password", "must be at least 8 characters");
  if (s.size() > 1024) return invalid("password", "too long");
  if (!is_valid_utf8(s)) return invalid("password", "not valid UTF-8");
  return std::nullopt;
}

std::optional<Error> check_emoji(std::string_view s) {
  if (s.empty() || s.size() > 64) return invalid("emoji", "must be 1 to 64 bytes");
  if (!is_valid_utf8(s)) return invalid("emoji", "not valid UTF-8");
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return invalid("emoji", "must not contain spaces");
  }
  return std::nullopt;
}

}  // namespace parlor::chat
