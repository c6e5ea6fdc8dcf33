// REST: register, login, logout, me, users search/by id, PATCH /api/users/me.
#include <boost/json/array.hpp>

#include "chat/domain.hpp"
#include "chat/files/names.hpp"
#include "chat/files/removal.hpp"
#include "chat/json.hpp"
#include "chat/rest_util.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {

namespace json = boost::json;

namespace {

// An avatar that is one of our links must be a picture the user uploaded; it
// holds a claim on its file while it is the avatar, so the sweep of unclaimed
// uploads spares it. The old avatar's claim goes back: returns the storage
// keys that left unclaimed (their bytes go after the commit).
Result<std::vector<std::string>> switch_avatar(store::Connection& c, store::Id user,
                                               const std::string& before,
                                               const std::string& after) {
  if (auto key = files::key_of_link(after); !key.empty()) {
    auto f = c.file_by_key(key);
    if (!f || f->uploader_id != user || f->content_type.rfind("image/", 0) != 0)
      return invalid("avatar_url", "must be a picture you uploaded");
    c.claim_files({f->id});
  }
  if (auto key = files::key_of_link(before); !key.empty())
    if (auto f = c.file_by_key(key)) return c.release_files({f->id});
  return std::vector<std::string>{};
}

Outcome with_user(store::Connection& c, store::Id id, const StatusFn& status) {
  auto u = c.user_by_id(id);
  if (!u) return fail(not_found("user not found"));
  Outcome o;
  o.body["user"] = user_json(*u, status(*u));
  return o;
}

void reply_with_token(Domain& d, const store::UserRecord& u, const RestReply& reply) {
  auto token = d.issue_token(u.id);
  if (!token) return reply(Domain::error_response({Code::internal, "could not issue a token", 0}));
  RestResponse r;
  json::object body;
  body["token"] = *token;
  body["user"] = user_json(u, d.status()(u));
  r.body = std::move(body);
  reply(std::move(r));
}

void register_user(Domain& d, RestRequest req, RestReply reply) {
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  auto username = req_text(*body, "username", {1, 64, true});
  if (!username) return reply(Domain::error_response(username.error()));
  if (auto e = check_username(*username)) return reply(Domain::error_response(*e));
  auto email = req_text(*body, "email", {1, 254, true});
  if (!email) return reply(Domain::error_response(email.error()));
  if (auto e = check_email(*email)) return reply(Domain::error_response(*e));
  const auto* pw = body->get().if_contains("password");
  if (!pw || !pw->is_string())
    return reply(Domain::error_response(invalid("password", "must be a string")));
  std::string password(pw->get_string());
  if (auto e = check_password(password)) return reply(Domain::error_response(*e));

  store::UserRecord u;
  u.username = *username;
  u.email = to_lower_ascii(*email);
  u.display_name = *username;
  u.created_at = d.now();
  d.post_slow([&d, u, password, reply]() mutable {
    auto hash = auth::hash_password(password, d.hash_cost());
    if (!hash) {
      return d.post([reply] {
        reply(Domain::error_response({Code::internal, "password hashing failed", 0}));
      });
    }
    u.password_hash = std::move(*hash);
    auto created = std::make_shared<store::UserRecord>();
    d.write(
        [u, created](store::Connection& c) {
          if (c.user_by_username(u.username))
            return fail({Code::conflict, "username: already taken", 0});
          if (c.user_by_email(u.email))
            return fail({Code::conflict, "email: already registered", 0});
          *created = u;
          created->id = c.create_user(u);
          return Outcome{};
        },
        [&d, created, reply](Outcome& o) {
          if (o.error) return reply(Domain::error_response(*o.error));
          reply_with_token(d, *created, reply);
        });
  });
}

// A stored-looking hash to verify against when the account does not exist.
const std::string& dummy_hash(auth::HashCost cost) {
  if (cost.ops == auth::HashCost::minimal().ops) {
    static const std::string fast =
        auth::hash_password("not a password", auth::HashCost::minimal()).value_or("");
    return fast;
  }
  static const std::string slow =
      auth::hash_password("not a password", auth::HashCost::interactive()).value_or("");
  return slow;
}

void login(Domain& d, RestRequest req, RestReply reply) {
  auto body = as_object(req.body);
  if (!body) return reply(Domain::error_response(body.error()));
  auto email = opt_text(*body, "email", {1, 254, true});
  if (!email) return reply(Domain::error_response(email.error()));
  auto username = opt_text(*body, "username", {1, 254, true});
  if (!username) return reply(Domain::error_response(username.error()));
  if (!*email && !*username)
    return reply(Domain::error_response(invalid("email", "email or username is required")));
  const std::string ident = to_lower_ascii(*email ? **email : **username);
  const auto* pw = body->get().if_contains("password");
  if (!pw || !pw->is_string())
    return reply(Domain::error_response(invalid("password", "must be a string")));
  std::string password(pw->get_string());
  if (password.size() > 1024) return reply(Domain::error_response(invalid("password", "too long")));

  const std::string ip_key = "ip:" + req.peer_ip;
  const std::string account_key = "acct:" + ident;
  unsigned wait =
      std::max(d.login_ip_limiter().check(ip_key), d.login_account_limiter().check(account_key));
  if (wait) {
    return reply(
        Domain::error_response({Code::rate_limited, "too many failed logins, retry later", wait}));
  }
  auto found = std::make_shared<std::optional<store::UserRecord>>();
  d.read(
      [ident, found](store::Connection& c) {
        *found = ident.find('@') != std::string::npos ? c.user_by_email(ident)
                                                      : c.user_by_username(ident);
        return Outcome{};
      },
      [&d, found, password, ip_key, account_key, reply](Outcome& o) {
        if (o.error) return reply(Domain::error_response(*o.error));
        d.post_slow([&d, found, password, ip_key, account_key, reply] {
          // An unknown account costs one verification too, so timing does not
          // tell which usernames exist.
          bool ok = false;
          if (*found)
            ok = auth::verify_password((*found)->password_hash, password);
          else
            auth::verify_password(dummy_hash(d.hash_cost()), password);
          d.post([&d, ok, found, ip_key, account_key, reply] {
            if (!ok) {
              d.login_ip_limiter().take(ip_key);
              d.login_account_limiter().take(account_key);
              return reply(Domain::error_response({Code::unauthorized, "invalid credentials", 0}));
            }
            reply_with_token(d, **found, reply);
          });
        });
      });
}

}  // namespace

void register_account_routes(Domain& d) {
  d.on_public_rest("POST", "/api/auth/register", [&d](RestRequest req, RestReply reply) {
    register_user(d, std::move(req), reply);
  });
  d.on_public_rest("POST", "/api/auth/login",
                   [&d](RestRequest req, RestReply reply) { login(d, std::move(req), reply); });

  d.on_rest("POST", "/api/auth/logout", [&d](const Caller& caller, RestRequest&, RestReply reply) {
    auto claims = caller.claims;
    d.write(
        [&d, claims](store::Connection& c) {
          c.revoke_token(claims.jti, claims.expires_at);
          c.forget_expired_revocations(d.now());
          Outcome o;
          o.body["ok"] = true;
          o.after.push_back([&d, claims] { d.revoke(claims); });
          return o;
        },
        Domain::respond(reply));
  });

  d.on_rest("GET", "/api/auth/me", [&d](const Caller& caller, RestRequest&, RestReply reply) {
    d.read([&d, id = caller.user_id](store::Connection& c) { return with_user(c, id, d.status()); },
           Domain::respond(reply));
  });

  d.on_rest("GET", "/api/users", [&d](const Caller&, RestRequest& req, RestReply reply) {
    auto q = query_object(req);
    auto query = opt_text(q, "query", {0, 100, true});
    if (!query) return reply(Domain::error_response(query.error()));
    auto limit = opt_int(q, "limit", 1, 100);
    if (!limit) return reply(Domain::error_response(limit.error()));
    d.read(
        [&d, text = query->value_or(""), n = int(limit->value_or(20))](store::Connection& c) {
          json::array users;
          for (const auto& u : c.search_users(text, n))
            users.emplace_back(user_json(u, d.status()(u)));
          Outcome o;
          o.body["users"] = std::move(users);
          return o;
        },
        Domain::respond(reply));
  });

  d.on_rest("GET", "/api/users/:id", [&d](const Caller&, RestRequest& req, RestReply reply) {
    auto id = path_id(req, "id");
    if (!id) return reply(Domain::error_response(not_found("user not found")));
    d.read([&d, id = *id](store::Connection& c) { return with_user(c, id, d.status()); },
           Domain::respond(reply));
  });

  d.on_rest(
      "PATCH", "/api/users/me", [&d](const Caller& caller, RestRequest& req, RestReply reply) {
        auto body = as_object(req.body);
        if (!body) return reply(Domain::error_response(body.error()));
        auto display_name = opt_text(*body, "display_name", {1, 64, true});
        if (!display_name) return reply(Domain::error_response(display_name.error()));
        auto avatar_url = opt_text(*body, "avatar_url", {0, 2048, true});
        if (!avatar_url) return reply(Domain::error_response(avatar_url.error()));
        if (*avatar_url && !(*avatar_url)->empty() && (*avatar_url)->rfind("https://", 0) != 0 &&
            (*avatar_url)->rfind("http://", 0) != 0 && (*avatar_url)->rfind("/", 0) != 0)
          return reply(Domain::error_response(invalid("avatar_url", "must be an http(s) URL")));
        auto status = opt_text(*body, "status", {0, 16, true});
        if (!status) return reply(Domain::error_response(status.error()));
        if (*status && **status != "" && **status != "online" && **status != "busy")
          return reply(Domain::error_response(invalid("status", "must be online or busy")));
        auto custom_status = opt_text(*body, "custom_status", {0, 140, true});
        if (!custom_status) return reply(Domain::error_response(custom_status.error()));

        d.write(
            [&d, id = caller.user_id, dn = *display_name, av = *avatar_url, st = *status,
             cs = *custom_status](store::Connection& c) {
              auto u = c.user_by_id(id);
              if (!u) return fail(not_found("user not found"));
              const presence::Profile before{u->status, u->custom_status, u->last_seen};
              std::vector<std::string> released;
              if (av && *av != u->avatar_url) {
                auto switched = switch_avatar(c, id, u->avatar_url, *av);
                if (!switched) return fail(switched.error());
                released = std::move(*switched);
                u->avatar_url = *av;
              }
              if (dn) u->display_name = *dn;
              if (st) u->status = *st == "busy" ? "busy" : "";
              if (cs) u->custom_status = *cs;
              c.update_user_profile(*u);
              Outcome o = with_user(c, id, d.status());
              o.after.push_back(
                  [&d, id, before, after = presence::Profile{u->status, u->custom_status, 0}] {
                    d.presence().choice_changed(id, before, after);
                  });
              files::remove_after_commit(d, o, std::move(released));
              return o;
            },
            Domain::respond(reply));
      });
}

}  // namespace parlor::chat
