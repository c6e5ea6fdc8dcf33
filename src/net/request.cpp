// Request accessors, target parsing and the Responder's cross-thread hand-off.
#include "net/request.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "net/responder_state.hpp"

namespace parlor::net {

std::string_view Request::header(std::string_view name) const {
  auto it = message.find(name);
  if (it == message.end()) return {};
  auto v = it->value();
  return std::string_view(v.data(), v.size());
}

std::optional<std::string> Request::query_param(std::string_view key) const {
  auto it = query.find(std::string(key));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

bool parse_target(std::string_view target, std::string& path,
                  std::multimap<std::string, std::string>& query) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  path = parsed->path();
  for (auto param : parsed->params()) query.emplace(param.key, param.value);
  return true;
}

void Responder::send(Response res) const {
  if (!state_ || state_->done.exchange(true)) return;
  boost::asio::post(state_->executor, [st = state_, r = std::move(res)]() mutable {
    if (st->deliver) st->deliver(std::move(r), nullptr);
  });
}

void Responder::send_file(Response head, std::shared_ptr<const core::OpenFile> file) const {
  if (!file) return send(std::move(head));
  if (!state_ || state_->done.exchange(true)) return;
  boost::asio::post(state_->executor,
                    [st = state_, r = std::move(head), f = std::move(file)]() mutable {
                      if (st->deliver) st->deliver(std::move(r), std::move(f));
                    });
}

void Responder::json(http::status status, const boost::json::value& body) const {
  send(make_json_response(status, body));
}

void Responder::error(http::status status, std::string_view code, std::string_view message) const {
  send(make_error_response(status, code, message));
}

void Responder::text(http::status status, std::string body, std::string_view content_type) const {
  Response res{status, 11};
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  send(std::move(res));
}

void Responder::on_cancel(std::function<void()> fn) const {
  if (!state_) return;
  boost::asio::post(state_->executor, [st = state_, f = std::move(fn)]() mutable {
    if (st->peer_gone)
      f();
    else
      st->cancel = std::move(f);
  });
}

boost::asio::any_io_executor Responder::executor() const {
  return state_ ? state_->executor : boost::asio::any_io_executor{};
}

bool Responder::done() const {
  return !state_ || state_->done.load();
}

Response make_json_response(http::status status, const boost::json::value& body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = boost::json::serialize(body);
  return res;
}

Response make_error_response(http::status status, std::string_view code, std::string_view message) {
  boost::json::object err{{"code", code}, {"message", message}};
  return make_json_response(status, boost::json::object{{"error", std::move(err)}});
}

}  // namespace parlor::net
