// Router matching and the contract's error format.
#include "net/router.hpp"

#include <gtest/gtest.h>

namespace parlor::net {
namespace {

TEST(Router, MatchesPathParameters) {
  Router r;
  int hit = 0;
  r.add(http::verb::delete_, "/api/rooms/:id/members/:user_id",
        [&](const Request&, Params, Responder) { ++hit; });
  const RouteHandler* h = nullptr;
  Params p;
  ASSERT_EQ(r.match(http::verb::delete_, "/api/rooms/r1/members/u%202", h, p),
            Router::Match::found);
  EXPECT_EQ(p.get("id"), "r1");
  EXPECT_EQ(p.get("user_id"), "u%202");
  EXPECT_FALSE(p.has("nope"));
  (*h)(Request{}, p, Responder{});
  EXPECT_EQ(hit, 1);
}

TEST(Router, DistinguishesWrongMethodFromUnknownPath) {
  Router r;
  r.add(http::verb::get, "/api/rooms/:id", [](const Request&, Params, Responder) {});
  const RouteHandler* h = nullptr;
  Params p;
  EXPECT_EQ(r.match(http::verb::post, "/api/rooms/1", h, p), Router::Match::wrong_method);
  EXPECT_EQ(r.match(http::verb::get, "/api/rooms/1/x", h, p), Router::Match::none);
  EXPECT_EQ(r.match(http::verb::get, "/api/rooms", h, p), Router::Match::none);
  EXPECT_EQ(r.match(http::verb::head, "/api/rooms/1", h, p), Router::Match::found);
}

TEST(Router, FirstMatchingRouteWins) {
  Router r;
  int which = 0;
  r.add(http::verb::get, "/api/users/me", [&](const Request&, Params, Responder) { which = 1; });
  r.add(http::verb::get, "/api/users/:id", [&](const Request&, Params, Responder) { which = 2; });
  const RouteHandler* h = nullptr;
  Params p;
  ASSERT_EQ(r.match(http::verb::get, "/api/users/me", h, p), Router::Match::found);
  (*h)(Request{}, p, Responder{});
  EXPECT_EQ(which, 1);
  ASSERT_EQ(r.match(http::verb::get, "/api/users/42", h, p), Router::Match::found);
  (*h)(Request{}, p, Responder{});
  EXPECT_EQ(which, 2);
}

TEST(ErrorResponse, HasTheContractShape) {
  auto res = make_error_response(http::status::not_found, "not_found", "no such room");
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(res.body(), R"({"error":{"code":"not_found","message":"no such room"}})");
  EXPECT_EQ(res[http::field::content_type], "application/json");
}

TEST(ParseTarget, DecodesPathAndQuery) {
  std::string path;
  std::multimap<std::string, std::string> q;
  ASSERT_TRUE(parse_target("/api/users?query=a%20b&limit=5", path, q));
  EXPECT_EQ(path, "/api/users");
  EXPECT_EQ(q.find("query")->second, "a b");
  EXPECT_EQ(q.find("limit")->second, "5");
  EXPECT_FALSE(parse_target("http://x/y", path, q));
}

}  // namespace
}  // namespace parlor::net
