// Domain errors as values: the contract's error codes, how they map to HTTP
// statuses, and how they are written into acks and REST bodies.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace parlor::chat {

enum class Code {
  unauthorized,
  forbidden,
  not_found,
  invalid,
  conflict,
  too_large,
  rate_limited,
  internal
};

struct Error {
  Code code = Code::internal;
  std::string message;
  unsigned retry_after_ms = 0;  // rate_limited only
};

std::string_view code_name(Code code);
unsigned http_status(Code code);

// {"code","message"} (+ "retry_after_ms" when rate limited)
boost::json::object error_object(const Error& e);
// {"ok":false,"error":{...}}
boost::json::object error_ack(const Error& e);
// {"ok":true, ...fields}
boost::json::object ok_ack(boost::json::object fields = {});

inline Error invalid(std::string field, std::string_view why) {
  return {Code::invalid, field + ": " + std::string(why), 0};
}
inline Error forbidden(std::string message) {
  return {Code::forbidden, std::move(message), 0};
}
inline Error not_found(std::string message) {
  return {Code::not_found, std::move(message), 0};
}

// Lets boost::system::result<T, Error>::value() throw when misused.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace parlor::chat
