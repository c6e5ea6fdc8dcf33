// What an HTTP handler sees (Request) and how it answers (Responder), plus
// helpers for the contract's JSON bodies and error format.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/open_file.hpp"

namespace parlor::net {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

struct Request {
  http::request<http::string_body> message;       // method, target, headers, body
  std::string path;                               // percent-decoded path, no query
  std::multimap<std::string, std::string> query;  // percent-decoded
  std::string peer;                               // remote address, "ip" (no port)

  http::verb method() const { return message.method(); }
  const std::string& body() const { return message.body(); }
  // Header value or empty.
  std::string_view header(std::string_view name) const;
  // First query value for `key`, if any.
  std::optional<std::string> query_param(std::string_view key) const;
};

// Splits `target` into a decoded path and query; false if it is not a valid
// origin-form target.
bool parse_target(std::string_view target, std::string& path,
                  std::multimap<std::string, std::string>& query);

namespace detail {
struct ResponderState;
}

// Answers one request. Copyable; call send() (or json()/error()) exactly once,
// from any thread: the response is posted to the connection's own thread.
// Later calls are ignored. If the client goes away first, the cancel handler
// (if any) runs on the connection's thread and send() becomes a no-op.
class Responder {
 public:
  Responder() = default;
  explicit Responder(std::shared_ptr<detail::ResponderState> state) : state_(std::move(state)) {}

  void send(Response res) const;
  // `head`'s status and headers with `file` as the body, streamed from the
  // disk; a GET's Range is honoured (206, or 416 when outside the file).
  void send_file(Response head, std::shared_ptr<const core::OpenFile> file) const;
  void json(http::status status, const boost::json::value& body) const;
  // The contract's error body {"error":{"code","message"}}.
  void error(http::status status, std::string_view code, std::string_view message) const;
  void text(http::status status, std::string body,
            std::string_view content_type = "text/plain; charset=UTF-8") const;

  // Runs `fn` on the connection's thread if the peer closes the connection
  // before the response was sent (used by long-polling). Call before the
  // response is sent, on any thread.
  void on_cancel(std::function<void()> fn) const;
  // The executor of the connection's thread (where the request was read).
  boost::asio::any_io_executor executor() const;
  // True once send() was called (or the connection is gone).
  bool done() const;

 private:
  std::shared_ptr<detail::ResponderState> state_;
};

Response make_json_response(http::status status, const boost::json::value& body);
Response make_error_response(http::status status, std::string_view code, std::string_view message);

}  // namespace parlor::net
