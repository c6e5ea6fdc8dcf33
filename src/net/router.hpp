// A small router for JSON REST routes with path parameters
// ("/api/rooms/:id/members/:user_id").
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/request.hpp"

namespace parlor::net {

// Path parameters by name (without the colon), percent-decoded.
class Params {
 public:
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }

 private:
  std::unordered_map<std::string, std::string> values_;
};

// Called on the connection's I/O thread: must not block. Hand slow work to
// another thread and answer later through the Responder (from any thread).
using RouteHandler = std::function<void(const Request&, Params, Responder)>;

// Routes are added before the server starts; matching is then read-only and
// thread-safe.
class Router {
 public:
  // `pattern` segments starting with ':' capture one path segment.
  void add(http::verb verb, std::string_view pattern, RouteHandler handler);

  enum class Match { found, wrong_method, none };
  // Finds the handler for the request; on `found` fills `params`.
  Match match(http::verb verb, std::string_view path, const RouteHandler*& handler,
              Params& params) const;

  // Answers the request: the route's handler, 405 for a known path with
  // another verb, or 404 (all errors in the contract's JSON format).
  void dispatch(const Request& req, Responder responder) const;

 private:
  struct Route {
    http::verb verb;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace parlor::net
