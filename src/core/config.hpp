// Parlor's run-time configuration: defaults, then a TOML file (--config),
// then PARLOR_* environment variables, then the command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace parlor::core {

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string data_dir = "./data";
  std::string web_root = "./web/dist";  // the built web client; served at /
  std::string log_format = "text";      // text | json
  std::string log_level = "info";
  unsigned io_threads = 0;  // 0 = one per core but one, at least one

  // Engine.IO
  unsigned ping_interval_ms = 10000;
  unsigned ping_timeout_ms = 10000;  // a sleeping laptop is offline within 20 s
  std::size_t max_payload = 2 * 1024 * 1024;
  std::size_t max_send_queue_bytes = 8 * 1024 * 1024;  // per socket; past it the socket is closed
  std::string cors_origin;                             // empty = no CORS headers

  // HTTP
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  std::size_t max_upload_bytes = 25 * 1024 * 1024;  // one uploaded file
  double upload_quota_mib = 1024;                   // all of one user's stored files; 0: no quota
  double unclaimed_upload_hours = 72;  // then an upload no message attached is removed; 0: kept
  bool link_previews = true;           // fetch linked pages for previews
  bool link_preview_private = false;   // also from loopback/private addresses (tests)
  unsigned http_read_timeout_ms = 30000;

  // Accounts and chat
  std::string jwt_secret;  // empty = generated once and kept in data_dir
  unsigned token_ttl_s = 7 * 24 * 3600;
  std::size_t max_message_chars = 40000;
  double send_rate_per_s = 10;  // token bucket per user
  double send_burst = 30;
  bool synchronous_full = true;  // SQLite synchronous=FULL
  // Under steady load, a write transaction stays open this long for more
  // jobs, so they share one commit (fsync). 0 = commit whatever is queued.
  unsigned commit_window_us = 500;

  unsigned shutdown_grace_ms = 5000;
};

// Parses argv (and the environment, and the --config file). Returns nullopt
// and sets exit_code when the program should exit (--help, --version, bad
// arguments); the message has already been printed.
std::optional<Config> parse_config(int argc, char** argv, int& exit_code);

// The contract: Engine.IO's maxPayload sits above every limit, so an
// over-limit event is answered, not cut off. Raises max_payload to what the
// longest message can take as JSON text (\uXXXX escapes, 12 bytes for a
// character outside the BMP, plus room for the event's other fields) and
// returns a note for the log when it did.
std::optional<std::string> fit_payload_to_limits(Config& c);

}  // namespace parlor::core
