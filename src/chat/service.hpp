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
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/open_file.hpp"

#include "chat/outbox.hpp"
#include "chat/raw_member.hpp"
#include "store/records.hpp"

namespace parlor::core {
struct Config;
}
namespace parlor::store {
class Executor;
}

namespace parlor::chat {

namespace files {
class Storage;
}
namespace previews {
class Fetcher;
}

// ---- REST
// A file in an upload's multipart body, as the app found it.
struct UploadPart {
  std::shared_ptr<const std::string> body;  // keeps `data` alive
  std::string_view data;
  std::string file_name;  // as the client sent it (not cleaned)
};

struct RestRequest {
  std::map<std::string, std::string> params;  // path parameters, e.g. "id"
  std::map<std::string, std::string> query;   // decoded query string
  boost::json::value body;                    // null when there was none
  std::string bearer_token;                   // from "Authorization: Bearer ..."
  std::string peer_ip;
  std::optional<UploadPart> upload;  // upload routes only
  std::string upload_problem;        // why there is none (a malformed body), if known
};
struct RestResponse {
  unsigned status = 200;
  boost::json::value body;  // an object; errors are {"error":{"code","message"}}
  unsigned retry_after_ms = 0;
  // A body that is not JSON (a stored file): sent as is, with `headers`,
  // streamed from the disk.
  std::shared_ptr<const core::OpenFile> file;
  std::vector<std::pair<std::string, std::string>> headers;
};
using RestReply = std::function<void(RestResponse)>;
using RestHandler = std::function<void(RestRequest, RestReply)>;
struct RestRoute {
  std::string method;   // "GET", "POST", "PATCH", "DELETE"
  std::string pattern;  // "/api/rooms/:id/members/:user_id"
  RestHandler handler;
  // Upload routes take a multipart/form-data body of up to this many bytes
  // (0: a JSON body, within the server's general limit).
  std::size_t upload_limit = 0;
};

// ---- Socket.IO
// Called with nothing when the connection is accepted, or with the
// CONNECT_ERROR payload ({"message":"unauthorized"}) when refused.
using ConnectReply = std::function<void(std::optional<boost::json::object> refusal)>;
// An ack's payload: `fields`, and maybe one member already serialized (a
// new message's JSON, which also went to its room).
struct AckBody {
  AckBody(boost::json::object f = {}) : fields(std::move(f)) {}  // implicit: most acks are fields
  boost::json::object fields;
  std::optional<RawMember> raw;

  std::string json() const { return serialize_with(fields, raw ? &*raw : nullptr); }
  boost::json::object object() const { return raw ? merge_parsed(fields, *raw) : fields; }
};
using AckReply = std::function<void(AckBody ack)>;

// Knobs that are not in core::Config (mostly for tests).
struct ServiceOptions {
  std::function<store::TimeMs()> clock;  // empty = the system clock (Unix ms)
  bool fast_password_hashing = false;    // tests only: libsodium's minimum argon2id cost
  // Login brute-force limits: failed attempts per IP and per account (token
  // buckets; successful logins take nothing).
  double login_failures_per_ip_burst = 50;
  double login_failures_per_ip_per_s = 1;
  double login_failures_per_account_burst = 10;
  double login_failures_per_account_per_s = 1.0 / 30;
  // Where uploaded files' bytes go; null: uploads are refused (internal).
  files::Storage* file_storage = nullptr;
  // Fetches linked pages for previews; null: messages get none.
  previews::Fetcher* link_fetcher = nullptr;
};

class Service {
 public:
  Service(const core::Config& config, store::Executor& store, Outbox& outbox,
          ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Loads what the domain keeps in memory (revoked tokens, secret). Blocking;
  // call once before serving. Throws std::runtime_error if the JWT secret
  // can be neither read nor created, or the store cannot be read.
  void start();
  // Stops timers; after this, no callback is started (pending replies are
  // dropped). Shut down in this order: service.stop(), executor.stop(), then
  // destroy the Service (queued storage jobs refer to it).
  void stop();

  std::vector<RestRoute> rest_routes();

  void connect(const ConnId& conn, const boost::json::value& auth, const std::string& peer_ip,
               ConnectReply reply);
  // `payload` is the event's first argument (null if none). `reply` is
  // always called; the app drops the result if the client asked for no ack.
  void event(const ConnId& conn, const std::string& name, boost::json::value payload,
             AckReply reply);
  // The connection is gone (closed, or missed its heartbeat).
  void disconnected(const ConnId& conn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parlor::chat
