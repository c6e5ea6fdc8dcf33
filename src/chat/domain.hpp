// The chat domain's shared machinery, used by every handler file:
//  - one domain strand: every piece of domain state below is touched only
//    there, and every notification is sent from there, in commit order;
//  - write()/read(): an Action runs as one storage job (check, then do);
//    its Outcome's `after` steps (notifications, memory updates) and the
//    reply run on the strand after the commit;
//  - the session maps (connection → user, token jti → connections) and the
//    revoked-token set;
//  - the dispatch tables: one map from event name to handler, one list of
//    REST routes. New features register into them (see register_*()).
#pragma once

#include <atomic>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chat/alarm_thread.hpp"
#include "chat/auth/passwords.hpp"
#include "chat/auth/rate_limiter.hpp"
#include "chat/auth/revocations.hpp"
#include "chat/auth/tokens.hpp"
#include "chat/error.hpp"
#include "chat/presence/hub.hpp"
#include "chat/service.hpp"
#include "chat/typing/hub.hpp"
#include "chat/views.hpp"
#include "core/config.hpp"
#include "store/executor.hpp"

namespace parlor::chat {

namespace files {
class Sweep;
}

// One accepted Socket.IO connection.
struct Session {
  ConnId conn;
  store::Id user_id = 0;
  std::string jti;
};

// The authenticated caller of a REST route.
struct Caller {
  store::Id user_id = 0;
  auth::TokenClaims claims;
};

struct Outcome {
  std::optional<Error> error;
  boost::json::object body;                  // the ack's / response's fields on success
  std::optional<RawMember> raw_body;         // one more member, already serialized
  std::vector<std::function<void()>> after;  // on the strand, after the commit, before the reply
  // On the strand after the commit, before `after`: may fill `body` too, so a
  // job can leave rendering and notifying to the strand and keep the storage
  // writer to its reads and writes.
  std::function<void(Outcome&)> complete;
};
using Action = std::function<Outcome(store::Connection&)>;
using Finish = std::function<void(Outcome&)>;

inline Outcome fail(Error e) {
  Outcome o;
  o.error = std::move(e);
  return o;
}

class Domain {
 public:
  Domain(const core::Config& config, store::Executor& executor, Outbox& outbox,
         ServiceOptions options);
  ~Domain();

  void start();
  void stop();

  // ---- threads
  void post(std::function<void()> fn);       // onto the domain strand
  void post_slow(std::function<void()> fn);  // password hashing pool
  // Runs `action` in one write job (its own savepoint; rolled back when the
  // Outcome carries an error, so a refused action changes nothing), then
  // `finish` on the strand after the commit. A full queue is answered
  // rate_limited (retry_after_ms 1000); a storage failure is internal.
  void write(Action action, Finish finish);
  void read(Action action, Finish finish);

  // ---- replies
  static Finish ack(AckReply reply);
  static Finish respond(RestReply reply);
  static RestResponse error_response(const Error& e);

  // ---- auth (strand)
  std::optional<auth::TokenClaims> authenticate(const std::string& token) const;
  std::optional<std::string> issue_token(store::Id user_id, auth::TokenClaims* claims = nullptr);
  void revoke(const auth::TokenClaims& claims);  // memory + disconnects; after the store commit
  auth::HashCost hash_cost() const;

  // ---- sessions (strand)
  const Session* session(const ConnId& conn) const;
  void add_session(Session s);
  void remove_session(const ConnId& conn);
  bool is_online(store::Id user_id) const;  // thread-safe

  // ---- dispatch
  using EventHandler = std::function<void(const Session&, const boost::json::value&, AckReply)>;
  using AuthedRestHandler = std::function<void(const Caller&, RestRequest&, RestReply)>;
  void on_event(std::string name, EventHandler h);
  void on_rest(std::string method, std::string pattern, AuthedRestHandler h);
  void on_public_rest(std::string method, std::string pattern, RestHandler h);
  // A POST route whose body is a multipart upload of up to `limit` bytes.
  void on_upload(std::string pattern, std::size_t limit, AuthedRestHandler h);
  const EventHandler* event_handler(const std::string& name) const;
  const std::vector<RestRoute>& routes() const { return routes_; }

  // ---- connect / disconnect (called by Service; presence hooks in here)
  void connect(const ConnId& conn, const boost::json::value& auth, ConnectReply reply);
  void disconnected(const ConnId& conn);
  // Subscribes the connection to every room of its user, reading the rooms
  // through the write queue so no membership change can fall between the
  // read and the subscription. Then calls `then` on the strand.
  void resubscribe(const ConnId& conn, store::Id user_id, std::function<void(bool ok)> then);

  // ---- shared state
  const core::Config& config() const { return config_; }
  Outbox& outbox() { return outbox_; }
  store::TimeMs now() const { return clock_(); }
  const StatusFn& status() const { return status_; }
  // Issue 4: presence and typing (thread-safe).
  presence::Hub& presence() { return *presence_; }
  typing::Hub& typing() { return *typing_; }
  auth::RateLimiter& send_limiter() { return send_limiter_; }
  files::Storage* file_storage() const { return options_.file_storage; }
  previews::Fetcher* link_fetcher() const { return options_.link_fetcher; }
  auth::RateLimiter& login_ip_limiter() { return login_ip_limiter_; }
  auth::RateLimiter& login_account_limiter() { return login_account_limiter_; }

 private:
  store::Executor::Done completion(const char* what, std::shared_ptr<Outcome> out, Finish finish);
  void busy(Finish finish);
  const core::Config& config_;
  store::Executor& executor_;
  Outbox& outbox_;
  ServiceOptions options_;
  std::function<store::TimeMs()> clock_;
  StatusFn status_;

  void drain_posted();
  boost::asio::thread_pool domain_pool_{1};
  boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
  // post() appends here and puts one drain on the strand per batch, so a
  // burst of events and commits wakes the domain thread once, not per item.
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  bool drain_scheduled_ = false;
  boost::asio::thread_pool slow_pool_{2};
  std::atomic<bool> stopped_{false};

  std::optional<auth::TokenSigner> signer_;
  auth::Revocations revoked_;

  std::unordered_map<ConnId, Session> sessions_;
  std::unordered_map<std::string, std::set<ConnId>> conns_by_jti_;
  std::unordered_set<ConnId> connecting_;
  mutable std::mutex online_mutex_;
  std::unordered_map<store::Id, int> online_;

  auth::RateLimiter send_limiter_;
  auth::RateLimiter login_ip_limiter_;
  auth::RateLimiter login_account_limiter_;

  std::map<std::string, EventHandler, std::less<>> events_;
  std::vector<RestRoute> routes_;

  std::unique_ptr<presence::Hub> presence_;
  std::unique_ptr<typing::Hub> typing_;
  std::unique_ptr<files::Sweep> upload_sweep_;
  std::unique_ptr<AlarmThread> typing_alarm_;  // last: stopped first
};

// Handler registration, one function per file.
void register_account_routes(Domain& d);  // rest_accounts.cpp
void register_room_routes(Domain& d);     // rest_rooms.cpp
void register_message_routes(Domain& d);  // rest_messages.cpp
void register_search_routes(Domain& d);   // rest_search.cpp
void register_file_routes(Domain& d);     // files/rest_files.cpp
void register_room_events(Domain& d);     // events_rooms.cpp
void register_message_events(Domain& d);  // events_messages.cpp
void register_sync_event(Domain& d);      // events_sync.cpp

}  // namespace parlor::chat
