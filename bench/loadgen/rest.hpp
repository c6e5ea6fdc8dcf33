// A blocking keep-alive HTTP/1.1 JSON client for the set-up phase (register,
// create rooms). Not thread-safe: use one per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>

namespace parlor::bench {

struct RestReply {
  unsigned status = 0;
  boost::json::value body;
};

class RestClient {
 public:
  explicit RestClient(boost::asio::ip::tcp::endpoint server);

  // Sends `body` as JSON; retries on a dropped keep-alive connection and on
  // 429 (honouring retry_after_ms). A non-2xx reply is returned, not an error.
  boost::system::result<RestReply> call(boost::beast::http::verb method, const std::string& target,
                                        const boost::json::value& body,
                                        const std::string& token = {});

 private:
  boost::system::result<RestReply> once(boost::beast::http::verb method, const std::string& target,
                                        const std::string& body, const std::string& token);

  boost::asio::ip::tcp::endpoint server_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
};

// "unauthorized: bad token" from a {"error":{code,message}} reply, or the status.
std::string describe_error(const RestReply& r);

}  // namespace parlor::bench
