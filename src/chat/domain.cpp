// The domain strand, storage job plumbing, sessions and dispatch tables.
#include "chat/domain.hpp"

#include "chat/files/sweep.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <stdexcept>
#include <utility>

namespace parlor::chat {

namespace json = boost::json;

namespace {

// Thrown out of a write job whose Outcome is an error, so that the Executor
// rolls its savepoint back.
struct Refused {};

store::TimeMs system_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Domain::Domain(const core::Config& config, store::Executor& executor, Outbox& outbox,
               ServiceOptions options)
    : config_(config),
      executor_(executor),
      outbox_(outbox),
      options_(std::move(options)),
      clock_(options_.clock ? options_.clock : system_now),
      strand_(boost::asio::make_strand(domain_pool_.get_executor())),
      send_limiter_(config.send_rate_per_s, config.send_burst, clock_),
      login_ip_limiter_(options_.login_failures_per_ip_per_s, options_.login_failures_per_ip_burst,
                        clock_),
      login_account_limiter_(options_.login_failures_per_account_per_s,
                             options_.login_failures_per_account_burst, clock_) {
  // Issue 4: presence (audience and last_seen through the store) and typing
  // (its 5 s timeouts rung by an alarm thread, handled on the strand).
  presence_ = std::make_unique<presence::Hub>(
      outbox_, presence::store_audience(executor_, [this](auto fn) { post(std::move(fn)); }),
      presence::store_last_seen(executor_), clock_);
  typing_ = std::make_unique<typing::Hub>(outbox_, clock_,
                                          [this](store::TimeMs at) { typing_alarm_->arm(at); });
  typing_alarm_ =
      std::make_unique<AlarmThread>(clock_, [this] { post([this] { typing_->expire(); }); });
  upload_sweep_ = std::make_unique<files::Sweep>(*this);
  // Thread-safe (called from storage threads).
  status_ = [this](const store::UserRecord& u) -> std::string {
    return std::string(presence_->status(u));
  };
}

Domain::~Domain() {
  stop();
  domain_pool_.join();
  slow_pool_.join();
}

void Domain::start() {
  std::string error;
  auto secret = auth::load_or_create_secret(config_.jwt_secret, config_.data_dir, error);
  if (!secret) throw std::runtime_error("jwt secret: " + error);
  signer_.emplace(std::move(*secret), config_.token_ttl_s);

  std::promise<std::vector<store::RevokedToken>> loaded;
  auto fut = loaded.get_future();
  auto result = std::make_shared<std::vector<store::RevokedToken>>();
  const store::TimeMs now = clock_();
  bool queued = executor_.submit_read(
      [result, now](store::Connection& c) { *result = c.revoked_tokens_not_expired(now); },
      [result, &loaded](std::exception_ptr e) {
        if (e)
          loaded.set_exception(e);
        else
          loaded.set_value(std::move(*result));
      });
  if (!queued) throw std::runtime_error("store: read queue refused the start-up read");
  auto tokens = fut.get();
  // Nothing else runs on the strand before start() returns, but keep the rule.
  std::promise<void> stored;
  post([this, &tokens, &stored] {
    for (const auto& t : tokens) revoked_.add(t.jti, t.expires_at);
    stored.set_value();
  });
  stored.get_future().get();
  upload_sweep_->start();
}

void Domain::stop() {
  if (typing_alarm_) typing_alarm_->stop();
  if (upload_sweep_) upload_sweep_->stop();
  if (stopped_.exchange(true)) return;
  domain_pool_.stop();
  slow_pool_.stop();
}

void Domain::post(std::function<void()> fn) {
  if (stopped_) return;
  bool schedule = false;
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(fn));
    schedule = !std::exchange(drain_scheduled_, true);
  }
  if (schedule) boost::asio::post(strand_, [this] { drain_posted(); });
}

// Runs what was posted up to now, in order; what is posted meanwhile waits
// for the next drain, queued behind anything else on the strand.
void Domain::drain_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(posted_mutex_);
    batch.swap(posted_);
    drain_scheduled_ = false;
  }
  for (auto& fn : batch) {
    if (stopped_) return;
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("chat: handler threw: {}", e.what());
    }
  }
}

void Domain::post_slow(std::function<void()> fn) {
  if (stopped_) return;
  boost::asio::post(slow_pool_, std::move(fn));
}

void Domain::write(Action action, Finish finish) {
  auto out = std::make_shared<Outcome>();
  bool queued = executor_.submit_write(
      [action = std::move(action), out](store::Connection& c) {
        *out = action(c);
        if (out->error) throw Refused{};
      },
      completion("write", out, finish));
  if (!queued) busy(std::move(finish));
}

void Domain::read(Action action, Finish finish) {
  auto out = std::make_shared<Outcome>();
  bool queued = executor_.submit_read(
      [action = std::move(action), out](store::Connection& c) { *out = action(c); },
      completion("read", out, finish));
  if (!queued) busy(std::move(finish));
}

// After the job (and, for writes, its commit): an unexpected storage error
// becomes `internal`; a refusal already carries its error. Then the after
// steps and the finish run on the strand.
store::Executor::Done Domain::completion(const char* what, std::shared_ptr<Outcome> out,
                                         Finish finish) {
  return [this, what, out = std::move(out), finish = std::move(finish)](std::exception_ptr e) {
    if (e && !out->error) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("chat: {} failed: {}", what, ex.what());
      } catch (...) {
        spdlog::error("chat: {} failed", what);
      }
      *out = fail({Code::internal, "storage failure", 0});
    }
    post([out, finish] {
      if (!out->error) {
        if (out->complete) out->complete(*out);
        for (auto& step : out->after) step();
      }
      finish(*out);
    });
  };
}

void Domain::busy(Finish finish) {
  post([finish = std::move(finish)] {
    Outcome o = fail({Code::rate_limited, "server busy, retry later", 1000});
    finish(o);
  });
}

Finish Domain::ack(AckReply reply) {
  return [reply = std::move(reply)](Outcome& o) {
    if (o.error) return reply(error_ack(*o.error));
    AckBody a(ok_ack(std::move(o.body)));
    a.raw = std::move(o.raw_body);
    reply(std::move(a));
  };
}

RestResponse Domain::error_response(const Error& e) {
  RestResponse r;
  r.status = http_status(e.code);
  json::object body;
  body["error"] = error_object(e);
  r.body = std::move(body);
  r.retry_after_ms = e.code == Code::rate_limited ? e.retry_after_ms : 0;
  return r;
}

Finish Domain::respond(RestReply reply) {
  return [reply = std::move(reply)](Outcome& o) {
    if (o.error) return reply(error_response(*o.error));
    RestResponse r;
    r.body = o.raw_body ? merge_parsed(std::move(o.body), *o.raw_body) : std::move(o.body);
    reply(std::move(r));
  };
}

std::optional<auth::TokenClaims> Domain::authenticate(const std::string& token) const {
  if (!signer_) return std::nullopt;
  auto claims = signer_->verify(token, clock_());
  if (!claims || revoked_.contains(claims->jti)) return std::nullopt;
  return claims;
}

std::optional<std::string> Domain::issue_token(store::Id user_id, auth::TokenClaims* claims) {
  if (!signer_) return std::nullopt;
  return signer_->issue(user_id, clock_(), claims);
}

void Domain::revoke(const auth::TokenClaims& claims) {
  // Only logouts add revocations, so forgetting the expired ones here keeps
  // the set bounded (the logout's write job does the same in the store).
  revoked_.forget_expired(clock_());
  revoked_.add(claims.jti, claims.expires_at);
  auto it = conns_by_jti_.find(claims.jti);
  if (it == conns_by_jti_.end()) return;
  for (const auto& conn : it->second) outbox_.disconnect(conn);
}

auth::HashCost Domain::hash_cost() const {
  return options_.fast_password_hashing ? auth::HashCost::minimal() : auth::HashCost::interactive();
}

const Session* Domain::session(const ConnId& conn) const {
  auto it = sessions_.find(conn);
  return it == sessions_.end() ? nullptr : &it->second;
}

void Domain::add_session(Session s) {
  conns_by_jti_[s.jti].insert(s.conn);
  {
    std::lock_guard lock(online_mutex_);
    ++online_[s.user_id];
  }
  sessions_[s.conn] = std::move(s);
}

void Domain::remove_session(const ConnId& conn) {
  auto it = sessions_.find(conn);
  if (it == sessions_.end()) return;
  auto jt = conns_by_jti_.find(it->second.jti);
  if (jt != conns_by_jti_.end()) {
    jt->second.erase(conn);
    if (jt->second.empty()) conns_by_jti_.erase(jt);
  }
  {
    std::lock_guard lock(online_mutex_);
    auto ot = online_.find(it->second.user_id);
    if (ot != online_.end() && --ot->second <= 0) online_.erase(ot);
  }
  sessions_.erase(it);
}

bool Domain::is_online(store::Id user_id) const {
  std::lock_guard lock(online_mutex_);
  return online_.contains(user_id);
}

void Domain::on_event(std::string name, EventHandler h) {
  events_[std::move(name)] = std::move(h);
}

const Domain::EventHandler* Domain::event_handler(const std::string& name) const {
  auto it = events_.find(name);
  return it == events_.end() ? nullptr : &it->second;
}

void Domain::on_rest(std::string method, std::string pattern, AuthedRestHandler h) {
  auto handler = [this, h = std::move(h)](RestRequest req, RestReply reply) {
    post([this, h, req = std::move(req), reply = std::move(reply)]() mutable {
      auto claims = authenticate(req.bearer_token);
      if (!claims) return reply(error_response({Code::unauthorized, "unauthorized", 0}));
      Caller caller{claims->user_id, *claims};
      h(caller, req, reply);
    });
  };
  routes_.push_back(RestRoute{std::move(method), std::move(pattern), std::move(handler)});
}

void Domain::on_upload(std::string pattern, std::size_t limit, AuthedRestHandler h) {
  on_rest("POST", std::move(pattern), std::move(h));
  routes_.back().upload_limit = limit;
}

void Domain::on_public_rest(std::string method, std::string pattern, RestHandler h) {
  auto handler = [this, h = std::move(h)](RestRequest req, RestReply reply) {
    post([h, req = std::move(req), reply = std::move(reply)]() mutable {
      h(std::move(req), reply);
    });
  };
  routes_.push_back(RestRoute{std::move(method), std::move(pattern), std::move(handler)});
}

void Domain::connect(const ConnId& conn, const json::value& auth, ConnectReply reply) {
  auto refuse = [&reply] {
    json::object r;
    r["message"] = "unauthorized";
    reply(std::move(r));
  };
  std::string token;
  if (auth.is_object()) {
    auto it = auth.get_object().find("token");
    if (it != auth.get_object().end() && it->value().is_string())
      token = std::string(it->value().get_string());
  }
  auto claims = authenticate(token);
  if (!claims) return refuse();
  connecting_.insert(conn);
  const store::Id user_id = claims->user_id;
  auto rooms = std::make_shared<std::vector<store::Id>>();
  auto profile = std::make_shared<presence::Profile>();
  // Through the write queue: see resubscribe().
  write(
      [user_id, rooms, profile](store::Connection& c) {
        auto user = c.user_by_id(user_id);
        if (!user) return fail({Code::unauthorized, "unknown user", 0});
        *profile = presence::Profile{user->status, user->custom_status, user->last_seen};
        *rooms = c.room_ids_of_user(user_id);
        return Outcome{};
      },
      [this, conn, claims = *claims, rooms, profile, reply](Outcome& o) {
        const bool still_there = connecting_.erase(conn) > 0;
        if (o.error || !still_there || revoked_.contains(claims.jti)) {
          json::object r;
          r["message"] = "unauthorized";
          return reply(std::move(r));
        }
        reply(std::nullopt);
        outbox_.bind_user(conn, claims.user_id);
        for (auto room : *rooms) outbox_.subscribe(conn, room);
        add_session(Session{conn, claims.user_id, claims.jti});
        presence_->connected(conn, claims.user_id, *profile);
      });
}

void Domain::disconnected(const ConnId& conn) {
  connecting_.erase(conn);
  remove_session(conn);
  // Engine.IO closes a socket that misses its heartbeat after
  // ping_interval_ms + ping_timeout_ms (10 s + 10 s by default), and then we
  // get here: a sleeping laptop shows offline within 20 s.
  presence_->disconnected(conn);
  typing_->disconnected(conn);
}

void Domain::resubscribe(const ConnId& conn, store::Id user_id, std::function<void(bool)> then) {
  auto rooms = std::make_shared<std::vector<store::Id>>();
  write(
      [user_id, rooms](store::Connection& c) {
        *rooms = c.room_ids_of_user(user_id);
        return Outcome{};
      },
      [this, conn, rooms, then](Outcome& o) {
        if (o.error || !session(conn)) return then(false);
        for (auto room : *rooms) outbox_.subscribe(conn, room);
        then(true);
      });
}

}  // namespace parlor::chat
