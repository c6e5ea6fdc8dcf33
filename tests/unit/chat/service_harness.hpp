// A real chat::Service over a real SQLite store in a temp dir, with a
// FakeOutbox and a settable clock. Calls are made synchronous by waiting for
// the reply (a hang guard, not a timing assertion).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "chat/service.hpp"
#include "core/config.hpp"
#include "fake_outbox.hpp"
#include "store/executor.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parlor::chat::testing {

namespace json = boost::json;

template <class T>
T wait_for(std::future<T>& f) {
  if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
    throw std::runtime_error("no reply from the service");
  return f.get();
}

struct TestUser {
  store::Id id = 0;
  std::string id_s;
  std::string username;
  std::string token;
};

class Harness {
 public:
  explicit Harness(core::Config config = {}, store::ExecutorOptions executor_options = {})
      : config_(std::move(config)), executor_options_(executor_options) {
    char tmpl[] = "/tmp/parlor-chat-test-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    if (!dir) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    config_.data_dir = dir_;
    if (config_.send_burst == core::Config{}.send_burst) {
      config_.send_burst = 1e6;
      config_.send_rate_per_s = 1e6;
    }
    now_ = 1'800'000'000'000;  // 2027-01-15
    store::SqliteOptions so;
    so.synchronous_full = false;
    store_ = store::open_sqlite_store(dir_ + "/parlor.db", so);
    start_service();
  }
  ~Harness() {
    stop_service();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void start_service() {
    executor_ = std::make_unique<store::Executor>(*store_, executor_options_);
    ServiceOptions opts;
    opts.clock = [this] { return now_.load(); };
    opts.fast_password_hashing = true;
    opts.login_failures_per_account_burst = 3;
    opts.login_failures_per_account_per_s = 0.1;
    service_ = std::make_unique<Service>(config_, *executor_, outbox, opts);
    service_->start();
    routes_.clear();
    for (auto& r : service_->rest_routes()) routes_[r.method + " " + r.pattern] = r.handler;
  }
  void stop_service() {
    if (!service_) return;
    service_->stop();
    executor_->stop();
    service_.reset();
    executor_.reset();
  }

  void advance(store::TimeMs ms) { now_ += ms; }
  store::TimeMs now() const { return now_; }
  const std::string& dir() const { return dir_; }

  RestResponse rest(const std::string& method, const std::string& pattern, const std::string& token,
                    json::value body = nullptr, std::map<std::string, std::string> params = {},
                    std::map<std::string, std::string> query = {},
                    const std::string& ip = "10.0.0.1") {
    auto it = routes_.find(method + " " + pattern);
    if (it == routes_.end()) throw std::runtime_error("no route " + method + " " + pattern);
    RestRequest req;
    req.params = std::move(params);
    req.query = std::move(query);
    req.body = std::move(body);
    req.bearer_token = token;
    req.peer_ip = ip;
    std::promise<RestResponse> p;
    auto f = p.get_future();
    it->second(std::move(req), [&p](RestResponse r) { p.set_value(std::move(r)); });
    return wait_for(f);
  }

  // nullopt = accepted; otherwise the refusal payload.
  std::optional<json::object> connect(const ConnId& conn, const std::string& token) {
    json::object auth;
    auth["token"] = token;
    return connect_raw(conn, auth);
  }
  std::optional<json::object> connect_raw(const ConnId& conn, const json::value& auth) {
    std::promise<std::optional<json::object>> p;
    auto f = p.get_future();
    service_->connect(conn, auth, "10.0.0.1",
                      [&p](std::optional<json::object> r) { p.set_value(std::move(r)); });
    auto r = wait_for(f);
    // The accept reply comes before bind/subscribe; let those land.
    if (!r) flush();
    return r;
  }

  json::object emit(const ConnId& conn, const std::string& event, json::value payload) {
    std::promise<json::object> p;
    auto f = p.get_future();
    service_->event(conn, event, payload, [&p](AckBody a) { p.set_value(a.object()); });
    return wait_for(f);
  }

  void disconnect(const ConnId& conn) {
    service_->disconnected(conn);
    flush();
  }

  // Waits until the domain strand has run everything posted before.
  void flush() { emit("__flush__", "__none__", nullptr); }

  TestUser register_user(const std::string& username) {
    json::object body;
    body["username"] = username;
    body["email"] = username + "@example.com";
    body["password"] = "correct horse " + username;
    auto r = rest("POST", "/api/auth/register", "", body);
    if (r.status != 200) throw std::runtime_error("register failed: " + json::serialize(r.body));
    TestUser u;
    u.username = username;
    u.token = std::string(r.body.at("token").as_string());
    u.id_s = std::string(r.body.at("user").at("id").as_string());
    u.id = std::stoll(u.id_s);
    return u;
  }

  // Creates a room as `owner`; returns its id.
  std::string create_room(const TestUser& owner, const std::string& name,
                          const std::string& type = "public", json::array member_ids = {}) {
    json::object body;
    body["name"] = name;
    body["type"] = type;
    body["member_ids"] = std::move(member_ids);
    auto r = rest("POST", "/api/rooms", owner.token, body);
    if (r.status != 200) throw std::runtime_error("create room failed: " + json::serialize(r.body));
    return std::string(r.body.at("room").at("id").as_string());
  }

  json::object send(const ConnId& conn, const std::string& room_id, const std::string& content,
                    const std::string& cmid, json::value parent = nullptr) {
    json::object p;
    p["room_id"] = room_id;
    p["content"] = content;
    p["client_msg_id"] = cmid;
    if (!parent.is_null()) p["parent_id"] = parent;
    return emit(conn, "send_message", p);
  }

  // Reads the store directly (its own connection and read transaction).
  template <class F>
  auto read_store(F f) {
    auto c = store_->connect();
    c->begin_read();
    auto r = f(*c);
    c->commit();
    return r;
  }

  std::vector<std::pair<std::string, std::string>> routes() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, _] : routes_) {
      auto sp = key.find(' ');
      out.emplace_back(key.substr(0, sp), key.substr(sp + 1));
    }
    return out;
  }

  template <class F>
  void write_store(F f) {
    auto c = store_->connect();
    c->begin_write();
    f(*c);
    c->commit();
  }

  store::Executor& executor() { return *executor_; }

  FakeOutbox outbox;

 private:
  core::Config config_;
  store::ExecutorOptions executor_options_;
  std::string dir_;
  std::atomic<store::TimeMs> now_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Executor> executor_;
  std::unique_ptr<Service> service_;
  std::map<std::string, RestHandler> routes_;
};

inline std::string code_of(const json::object& ack) {
  if (ack.at("ok").as_bool()) return "ok";
  return std::string(ack.at("error").at("code").as_string());
}
inline std::string code_of(const RestResponse& r) {
  if (r.status == 200) return "ok";
  return std::string(r.body.at("error").at("code").as_string());
}

}  // namespace parlor::chat::testing
