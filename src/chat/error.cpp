// The contract's error codes and their HTTP statuses.
#include "chat/error.hpp"

#include <cstdint>
#include <stdexcept>

namespace parlor::chat {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::unauthorized:
      return "unauthorized";
    case Code::forbidden:
      return "forbidden";
    case Code::not_found:
      return "not_found";
    case Code::invalid:
      return "invalid";
    case Code::conflict:
      return "conflict";
    case Code::too_large:
      return "too_large";
    case Code::rate_limited:
      return "rate_limited";
    case Code::internal:
      return "internal";
  }
  return "internal";
}

unsigned http_status(Code code) {
  switch (code) {
    case Code::unauthorized:
      return 401;
    case Code::forbidden:
      return 403;
    case Code::not_found:
      return 404;
    case Code::invalid:
      return 400;
    case Code::conflict:
      return 409;
    case Code::too_large:
      return 413;
    case Code::rate_limited:
      return 429;
    case Code::internal:
      return 500;
  }
  return 500;
}

boost::json::object error_object(const Error& e) {
  boost::json::object o;
  o["code"] = code_name(e.code);
  o["message"] = e.message.empty() ? std::string(code_name(e.code)) : e.message;
  if (e.code == Code::rate_limited)
    o["retry_after_ms"] = static_cast<std::int64_t>(e.retry_after_ms);
  return o;
}

boost::json::object error_ack(const Error& e) {
  boost::json::object o;
  o["ok"] = false;
  o["error"] = error_object(e);
  return o;
}

boost::json::object ok_ack(boost::json::object fields) {
  boost::json::object o(fields.storage());
  o.reserve(fields.size() + 1);
  o["ok"] = true;
  for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
  return o;
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(code_name(e.code)) + ": " + e.message);
}

}  // namespace parlor::chat
