// Service: register, login, tokens, logout and revocation, connect, profile.
#include <gtest/gtest.h>

#include "../store/raw_sqlite.hpp"
#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

json::object creds(const std::string& user, const std::string& email, const std::string& pw) {
  json::object o;
  if (!user.empty()) o["username"] = user;
  if (!email.empty()) o["email"] = email;
  o["password"] = pw;
  return o;
}

TEST(Accounts, RegisterReturnsTokenAndUser) {
  Harness h;
  auto r =
      h.rest("POST", "/api/auth/register", "", creds("Alice", "Alice@Example.com", "password one"));
  ASSERT_EQ(r.status, 200u) << json::serialize(r.body);
  const auto& user = r.body.at("user").as_object();
  EXPECT_TRUE(user.at("id").is_string());
  EXPECT_EQ(user.at("username"), "Alice");
  EXPECT_EQ(user.at("display_name"), "Alice");
  EXPECT_EQ(user.at("status"), "offline");
  EXPECT_FALSE(user.contains("password_hash"));
  EXPECT_FALSE(user.contains("email"));
  auto me = h.rest("GET", "/api/auth/me", std::string(r.body.at("token").as_string()));
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.body.at("user").at("id"), user.at("id"));
}

TEST(Accounts, DuplicatesAreConflictsCaseInsensitively) {
  Harness h;
  h.register_user("alice");
  auto dup_name =
      h.rest("POST", "/api/auth/register", "", creds("ALICE", "x@example.com", "password one"));
  EXPECT_EQ(dup_name.status, 409u);
  EXPECT_NE(json::serialize(dup_name.body).find("username"), std::string::npos);
  auto dup_mail = h.rest("POST", "/api/auth/register", "",
                         creds("alice2", "ALICE@example.com", "password one"));
  EXPECT_EQ(dup_mail.status, 409u);
  EXPECT_NE(json::serialize(dup_mail.body).find("email"), std::string::npos);
  EXPECT_FALSE(h.read_store([](store::Connection& c) { return c.user_by_username("alice2"); }));
}

TEST(Accounts, RegisterValidationNamesTheField) {
  Harness h;
  struct Case {
    json::value body;
    std::string field;
  };
  std::vector<Case> cases = {
      {creds("a", "a@example.com", "password one"), "username"},
      {creds("bad name", "a@example.com", "password one"), "username"},
      {creds("alice", "not-an-email", "password one"), "email"},
      {creds("alice", "a@example.com", "short"), "password"},
      {creds("", "a@example.com", "password one"), "username"},
      {json::object{{"username", 5}, {"email", "a@example.com"}, {"password", "password one"}},
       "username"},
      {json::object{{"username", "alice"}, {"email", "a@example.com"}, {"password", 12345678}},
       "password"},
      {nullptr, "payload"},
      {json::array{}, "payload"},
  };
  for (const auto& c : cases) {
    auto r = h.rest("POST", "/api/auth/register", "", c.body);
    EXPECT_EQ(r.status, 400u) << json::serialize(c.body);
    EXPECT_EQ(code_of(r), "invalid");
    EXPECT_NE(std::string(r.body.at("error").at("message").as_string()).find(c.field),
              std::string::npos)
        << json::serialize(r.body);
  }
  EXPECT_TRUE(h.read_store([](store::Connection& c) { return c.search_users("", 10); }).empty());
}

TEST(Accounts, LoginByUsernameOrEmail) {
  Harness h;
  h.register_user("bob");
  auto by_name = h.rest("POST", "/api/auth/login", "", creds("bob", "", "correct horse bob"));
  ASSERT_EQ(by_name.status, 200u) << json::serialize(by_name.body);
  EXPECT_EQ(by_name.body.at("user").at("username"), "bob");
  EXPECT_TRUE(by_name.body.at("user").as_object().contains("avatar_url"));
  auto by_mail =
      h.rest("POST", "/api/auth/login", "", creds("", "BOB@example.com", "correct horse bob"));
  ASSERT_EQ(by_mail.status, 200u);
  auto wrong = h.rest("POST", "/api/auth/login", "", creds("bob", "", "wrong password"));
  EXPECT_EQ(wrong.status, 401u);
  auto nobody = h.rest("POST", "/api/auth/login", "", creds("nobody", "", "wrong password"));
  EXPECT_EQ(nobody.status, 401u);
  auto missing = h.rest("POST", "/api/auth/login", "", json::object{{"password", "x"}});
  EXPECT_EQ(missing.status, 400u);
}

TEST(Accounts, FailedLoginsAreRateLimitedPerAccount) {
  Harness h;  // account burst 3, refill 0.1/s
  h.register_user("carol");
  for (int i = 0; i < 3; ++i) {
    auto r = h.rest("POST", "/api/auth/login", "", creds("carol", "", "wrong password"), {}, {},
                    "10.0.0." + std::to_string(i + 2));
    EXPECT_EQ(r.status, 401u);
  }
  // Even the right password from another IP waits: the account is under attack.
  auto limited = h.rest("POST", "/api/auth/login", "", creds("carol", "", "correct horse carol"),
                        {}, {}, "10.0.0.99");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(code_of(limited), "rate_limited");
  EXPECT_GT(limited.retry_after_ms, 0u);
  EXPECT_GT(limited.body.at("error").at("retry_after_ms").as_int64(), 0);
  h.advance(limited.retry_after_ms);
  auto ok = h.rest("POST", "/api/auth/login", "", creds("carol", "", "correct horse carol"));
  EXPECT_EQ(ok.status, 200u);
}

TEST(Accounts, TokensExpire) {
  Harness h;
  auto u = h.register_user("dave");
  EXPECT_EQ(h.rest("GET", "/api/auth/me", u.token).status, 200u);
  h.advance(std::int64_t(core::Config{}.token_ttl_s) * 1000 + 1);
  EXPECT_EQ(h.rest("GET", "/api/auth/me", u.token).status, 401u);
  EXPECT_TRUE(h.connect("c1", u.token));
}

TEST(Accounts, BadTokensAreRefused) {
  Harness h;
  auto u = h.register_user("erin");
  EXPECT_EQ(code_of(h.rest("GET", "/api/auth/me", "")), "unauthorized");
  EXPECT_EQ(code_of(h.rest("GET", "/api/auth/me", "garbage")), "unauthorized");
  auto refused = h.connect("c1", "garbage");
  ASSERT_TRUE(refused);
  EXPECT_EQ(json::serialize(*refused), R"({"message":"unauthorized"})");
  EXPECT_TRUE(h.connect_raw("c2", nullptr));
  EXPECT_TRUE(h.connect_raw("c3", json::object{{"token", 5}}));
  EXPECT_FALSE(h.connect("c4", u.token));
  // A refused connection cannot send events.
  EXPECT_EQ(code_of(h.emit("c1", "sync", json::object{})), "unauthorized");
}

TEST(Accounts, LogoutRevokesTheTokenAndDisconnectsItsSockets) {
  Harness h;
  auto u = h.register_user("frank");
  auto other = h.rest("POST", "/api/auth/login", "", creds("frank", "", "correct horse frank"));
  const std::string other_token(other.body.at("token").as_string());
  ASSERT_FALSE(h.connect("tab1", u.token));
  ASSERT_FALSE(h.connect("tab2", u.token));
  ASSERT_FALSE(h.connect("phone", other_token));

  auto r = h.rest("POST", "/api/auth/logout", u.token);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.at("ok"), true);
  EXPECT_TRUE(h.outbox.was_disconnected("tab1"));
  EXPECT_TRUE(h.outbox.was_disconnected("tab2"));
  EXPECT_FALSE(h.outbox.was_disconnected("phone"));
  EXPECT_EQ(h.rest("GET", "/api/auth/me", u.token).status, 401u);
  EXPECT_EQ(h.rest("GET", "/api/auth/me", other_token).status, 200u);
  EXPECT_TRUE(h.connect("tab3", u.token));

  // Revocation is durable: a restarted service still refuses the token.
  h.stop_service();
  h.start_service();
  EXPECT_EQ(h.rest("GET", "/api/auth/me", u.token).status, 401u);
  EXPECT_EQ(h.rest("GET", "/api/auth/me", other_token).status, 200u);
}

TEST(Accounts, ALogoutForgetsTheRevocationsOfExpiredTokens) {
  Harness h;
  auto u = h.register_user("hana");
  ASSERT_EQ(h.rest("POST", "/api/auth/logout", u.token).status, 200u);
  auto revocations = [&] {
    return store::test::Raw(h.dir() + "/parlor.db").text("SELECT count(*) FROM revoked_tokens");
  };
  EXPECT_EQ(revocations(), "1");
  // Past the first token's lifetime: it fails verification by itself, and
  // the next logout drops its revocation.
  h.advance(static_cast<store::TimeMs>(core::Config{}.token_ttl_s) * 1000 + 1);
  auto again = h.rest("POST", "/api/auth/login", "", creds("hana", "", "correct horse hana"));
  ASSERT_EQ(again.status, 200u) << json::serialize(again.body);
  const std::string second = std::string(again.body.at("token").as_string());
  EXPECT_EQ(h.rest("GET", "/api/auth/me", u.token).status, 401u);
  ASSERT_EQ(h.rest("POST", "/api/auth/logout", second).status, 200u);
  EXPECT_EQ(revocations(), "1");
  EXPECT_EQ(h.rest("GET", "/api/auth/me", second).status, 401u);
  // And a restart loads only what still counts.
  h.stop_service();
  h.start_service();
  EXPECT_EQ(h.rest("GET", "/api/auth/me", second).status, 401u);
}

TEST(Accounts, ConnectSubscribesToEveryRoomOfTheUser) {
  Harness h;
  auto a = h.register_user("gina");
  auto r1 = h.create_room(a, "one");
  auto r2 = h.create_room(a, "two", "private");
  ASSERT_FALSE(h.connect("c", a.token));
  EXPECT_TRUE(h.outbox.subscribed("c", std::stoll(r1)));
  EXPECT_TRUE(h.outbox.subscribed("c", std::stoll(r2)));
}

TEST(Accounts, ProfileAndUsers) {
  Harness h;
  auto a = h.register_user("hank");
  auto b = h.register_user("hannah");
  h.register_user("ivan");
  json::object patch{{"display_name", "Hank H."}, {"status", "busy"}, {"custom_status", "lunch"}};
  auto r = h.rest("PATCH", "/api/users/me", a.token, patch);
  ASSERT_EQ(r.status, 200u) << json::serialize(r.body);
  EXPECT_EQ(r.body.at("user").at("display_name"), "Hank H.");
  EXPECT_EQ(r.body.at("user").at("custom_status"), "lunch");
  EXPECT_EQ(r.body.at("user").at("status"), "offline");  // offline wins over busy
  ASSERT_FALSE(h.connect("c", a.token));
  EXPECT_EQ(h.rest("GET", "/api/auth/me", a.token).body.at("user").at("status"), "busy");

  EXPECT_EQ(code_of(h.rest("PATCH", "/api/users/me", a.token, json::object{{"status", "asleep"}})),
            "invalid");
  EXPECT_EQ(code_of(h.rest("PATCH", "/api/users/me", a.token,
                           json::object{{"display_name", std::string(65, 'x')}})),
            "invalid");
  EXPECT_EQ(code_of(h.rest("PATCH", "/api/users/me", a.token,
                           json::object{{"avatar_url", "javascript:alert(1)"}})),
            "invalid");
  EXPECT_EQ(h.read_store([&](store::Connection& c) { return c.user_by_id(a.id); })->display_name,
            "Hank H.");

  auto found = h.rest("GET", "/api/users", b.token, nullptr, {}, {{"query", "han"}});
  ASSERT_EQ(found.status, 200u);
  EXPECT_EQ(found.body.at("users").as_array().size(), 2u);
  auto limited =
      h.rest("GET", "/api/users", b.token, nullptr, {}, {{"query", "h"}, {"limit", "1"}});
  EXPECT_EQ(limited.body.at("users").as_array().size(), 1u);
  EXPECT_EQ(code_of(h.rest("GET", "/api/users", b.token, nullptr, {}, {{"limit", "0"}})),
            "invalid");
  auto one = h.rest("GET", "/api/users/:id", b.token, nullptr, {{"id", a.id_s}});
  EXPECT_EQ(one.body.at("user").at("username"), "hank");
  EXPECT_EQ(code_of(h.rest("GET", "/api/users/:id", b.token, nullptr, {{"id", "999999"}})),
            "not_found");
  EXPECT_EQ(code_of(h.rest("GET", "/api/users/:id", b.token, nullptr, {{"id", "abc"}})),
            "not_found");
}

TEST(Accounts, UnknownEventsAreInvalid) {
  Harness h;
  auto a = h.register_user("jack");
  ASSERT_FALSE(h.connect("c", a.token));
  EXPECT_EQ(code_of(h.emit("c", "no_such_event", json::object{})), "invalid");
  EXPECT_EQ(code_of(h.emit("c", "send_message", "a string")), "invalid");
  EXPECT_EQ(code_of(h.emit("c", "send_message", nullptr)), "invalid");
}

}  // namespace
}  // namespace parlor::chat::testing
