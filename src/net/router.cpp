// Router: segment-by-segment matching, first route wins.
#include "net/router.hpp"

namespace parlor::net {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string_view Params::get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? std::string_view{} : std::string_view(it->second);
}

bool Params::has(std::string_view name) const {
  return values_.count(std::string(name)) > 0;
}

void Router::add(http::verb verb, std::string_view pattern, RouteHandler handler) {
  Route r{verb, {}, std::move(handler)};
  for (auto s : split_path(pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

Router::Match Router::match(http::verb verb, std::string_view path, const RouteHandler*& handler,
                            Params& params) const {
  auto parts = split_path(path);
  bool path_known = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    Params p;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = r.segments[i];
      if (!seg.empty() && seg[0] == ':')
        p.set(seg.substr(1), std::string(parts[i]));
      else
        ok = seg == parts[i];
    }
    if (!ok) continue;
    // HEAD is answered by the GET route.
    if (r.verb != verb && !(verb == http::verb::head && r.verb == http::verb::get)) {
      path_known = true;
      continue;
    }
    handler = &r.handler;
    params = std::move(p);
    return Match::found;
  }
  return path_known ? Match::wrong_method : Match::none;
}

void Router::dispatch(const Request& req, Responder responder) const {
  const RouteHandler* handler = nullptr;
  Params params;
  switch (match(req.method(), req.path, handler, params)) {
    case Match::found:
      (*handler)(req, std::move(params), std::move(responder));
      return;
    case Match::wrong_method:
      responder.error(http::status::method_not_allowed, "invalid", "method not allowed");
      return;
    case Match::none:
      responder.error(http::status::not_found, "not_found", "no such endpoint");
      return;
  }
}

}  // namespace parlor::net
