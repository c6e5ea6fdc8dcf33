// The chat domain's entry points, called by src/app/ (which binds them to
// Socket.IO events and HTTP routes). Every method may be called from any
// thread and returns at once; the reply callback runs later, on a domain or
// storage thread, exactly once. Replies carry the contract's shapes:
// acks are {"ok":true,...} or {"ok":false,"error":{"code","message"}}.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chat/outbox.hpp"

namespace parlor::core {
struct Config;
}
namespace parlor::store {
class Executor;
}

namespace parlor::chat {

// ---- REST
struct RestRequest {
  std::map<std::string, std::string> params;  // path parameters, e.g. "id"
  std::map<std::string, std::string> query;   // decoded query string
  boost::json::value body;                    // null when there was none
  std::string bearer_token;                   // from "Authorization: Bearer ..."
  std::string peer_ip;
};
struct RestResponse {
  unsigned status = 200;
  boost::json::value body;  // an object; errors are {"error":{"code","message"}}
  unsigned retry_after_ms = 0;
};
using RestReply = std::function<void(RestResponse)>;
using RestHandler = std::function<void(RestRequest, RestReply)>;
struct RestRoute {
  std::string method;   // "GET", "POST", "PATCH", "DELETE"
  std::string pattern;  // "/api/rooms/:id/members/:user_id"
  RestHandler handler;
};

// ---- Socket.IO
// Called with nothing when the connection is accepted, or with the
// CONNECT_ERROR payload ({"message":"unauthorized"}) when refused.
using ConnectReply = std::function<void(std::optional<boost::json::object> refusal)>;
using AckReply = std::function<void(boost::json::object ack)>;

class Service {
 public:
  Service(const core::Config& config, store::Executor& store, Outbox& outbox);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Loads what the domain keeps in memory (revoked tokens, secret). Blocking;
  // call once before serving.
  void start();
  // Stops timers; after this, no callback is started.
  void stop();

  std::vector<RestRoute> rest_routes();

  void connect(const ConnId& conn, const boost::json::value& auth, const std::string& peer_ip,
               ConnectReply reply);
  // `payload` is the event's first argument (null if none). `reply` is
  // always called; the app drops the result if the client asked for no ack.
  void event(const ConnId& conn, const std::string& name, const boost::json::value& payload,
             AckReply reply);
  // The connection is gone (closed, or missed its heartbeat).
  void disconnected(const ConnId& conn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parlor::chat
