// See rest.hpp.
#include "rest.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <thread>

namespace parlor::bench {

namespace http = boost::beast::http;
namespace json = boost::json;

RestClient::RestClient(boost::asio::ip::tcp::endpoint server) : server_(server) {}

boost::system::result<RestReply> RestClient::once(http::verb method, const std::string& target,
                                                  const std::string& body,
                                                  const std::string& token) {
  boost::beast::error_code ec;
  if (!stream_) {
    stream_.emplace(io_);
    stream_->expires_after(std::chrono::seconds(60));
    stream_->connect(server_, ec);
    if (ec) {
      stream_.reset();
      return ec;
    }
  }
  stream_->expires_after(std::chrono::seconds(60));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, server_.address().to_string() + ":" + std::to_string(server_.port()));
  req.set(http::field::content_type, "application/json");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(true);
  http::write(*stream_, req, ec);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) http::read(*stream_, buf, res, ec);
  if (ec) {
    stream_.reset();
    return ec;
  }
  if (!res.keep_alive()) stream_.reset();
  RestReply out;
  out.status = res.result_int();
  if (!res.body().empty()) {
    out.body = json::parse(res.body(), ec);
    if (ec) out.body = json::string(res.body());
  }
  return out;
}

boost::system::result<RestReply> RestClient::call(http::verb method, const std::string& target,
                                                  const json::value& body,
                                                  const std::string& token) {
  std::string text = body.is_null() ? std::string() : json::serialize(body);
  boost::system::result<RestReply> r = boost::system::error_code{};
  for (int attempt = 0; attempt < 50; ++attempt) {
    r = once(method, target, text, token);
    if (!r) {
      if (attempt >= 3) return r;
      continue;  // a keep-alive connection the server closed: reconnect once or twice
    }
    if (r->status != 429) return r;
    std::int64_t wait_ms = 100;
    if (auto* o = r->body.if_object())
      if (auto* e = o->if_contains("error"))
        if (auto* ms = e->as_object().if_contains("retry_after_ms"))
          if (ms->is_number()) wait_ms = ms->to_number<std::int64_t>();
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::clamp<std::int64_t>(wait_ms, 1, 5000)));
  }
  return r;
}

std::string describe_error(const RestReply& r) {
  std::string s = "HTTP " + std::to_string(r.status);
  if (auto* o = r.body.if_object())
    if (auto* e = o->if_contains("error"); e && e->is_object()) {
      auto& eo = e->as_object();
      if (auto* c = eo.if_contains("code"); c && c->is_string())
        s += " " + std::string(c->as_string());
      if (auto* m = eo.if_contains("message"); m && m->is_string())
        s += ": " + std::string(m->as_string());
    }
  return s;
}

}  // namespace parlor::bench
