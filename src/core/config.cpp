#include "core/config.hpp"

#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <iostream>

namespace parlor::core {
namespace {

// Looks for --config FILE / --config=FILE / PARLOR_CONFIG before the real parse,
// so that the file's values become the defaults that env and argv override.
std::string find_config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--config" && i + 1 < argc) return argv[i + 1];
    if (a.starts_with("--config=")) return std::string(a.substr(9));
  }
  if (const char* env = std::getenv("PARLOR_CONFIG")) return env;
  return {};
}

template <class T>
void from_toml(const toml::table& t, const char* key, T& out) {
  if (auto v = t[key].value<T>()) out = *v;
}

bool load_toml(const std::string& path, Config& c) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::cerr << "parlor: cannot read config " << path << ": " << e.description() << "\n";
    return false;
  }
  std::string listen;
  from_toml(t, "listen", listen);
  if (!listen.empty()) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      std::cerr << "parlor: config listen must be HOST:PORT\n";
      return false;
    }
    c.listen_host = listen.substr(0, colon);
    c.listen_port = static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)));
  }
  from_toml(t, "data_dir", c.data_dir);
  from_toml(t, "web_root", c.web_root);
  from_toml(t, "log_format", c.log_format);
  from_toml(t, "log_level", c.log_level);
  from_toml(t, "io_threads", c.io_threads);
  from_toml(t, "ping_interval_ms", c.ping_interval_ms);
  from_toml(t, "ping_timeout_ms", c.ping_timeout_ms);
  from_toml(t, "max_payload", c.max_payload);
  from_toml(t, "max_send_queue_bytes", c.max_send_queue_bytes);
  from_toml(t, "cors_origin", c.cors_origin);
  from_toml(t, "max_header_bytes", c.max_header_bytes);
  from_toml(t, "max_body_bytes", c.max_body_bytes);
  from_toml(t, "max_upload_bytes", c.max_upload_bytes);
  from_toml(t, "unclaimed_upload_hours", c.unclaimed_upload_hours);
  from_toml(t, "upload_quota_mib", c.upload_quota_mib);
  from_toml(t, "link_previews", c.link_previews);
  from_toml(t, "link_preview_private", c.link_preview_private);
  from_toml(t, "http_read_timeout_ms", c.http_read_timeout_ms);
  from_toml(t, "jwt_secret", c.jwt_secret);
  from_toml(t, "token_ttl_s", c.token_ttl_s);
  from_toml(t, "max_message_chars", c.max_message_chars);
  from_toml(t, "send_rate_per_s", c.send_rate_per_s);
  from_toml(t, "send_burst", c.send_burst);
  from_toml(t, "synchronous_full", c.synchronous_full);
  from_toml(t, "commit_window_us", c.commit_window_us);
  from_toml(t, "shutdown_grace_ms", c.shutdown_grace_ms);
  return true;
}

}  // namespace

std::optional<Config> parse_config(int argc, char** argv, int& exit_code) {
  Config c;
  exit_code = 0;
  if (auto path = find_config_path(argc, argv); !path.empty() && !load_toml(path, c)) {
    exit_code = 2;
    return std::nullopt;
  }

  CLI::App app{"Parlor: a real-time chat server that speaks Socket.IO", "parlor"};
  app.set_version_flag("--version", std::string("parlor ") + PARLOR_VERSION);
  std::string listen = c.listen_host + ":" + std::to_string(c.listen_port);
  std::string config_path;
  app.add_option("--config", config_path, "TOML configuration file")->envname("PARLOR_CONFIG");
  app.add_option("--listen", listen, "Address to listen on, HOST:PORT")
      ->envname("PARLOR_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", c.data_dir, "Directory for the database and uploads")
      ->envname("PARLOR_DATA_DIR")
      ->capture_default_str();
  app.add_option("--web-root", c.web_root, "Directory of the built web client")
      ->envname("PARLOR_WEB_ROOT")
      ->capture_default_str();
  app.add_option("--log-format", c.log_format, "text or json")
      ->envname("PARLOR_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->envname("PARLOR_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--io-threads", c.io_threads,
                 "I/O threads (0 = one per core but one, at least one)")
      ->envname("PARLOR_IO_THREADS")
      ->capture_default_str();
  app.add_option("--ping-interval-ms", c.ping_interval_ms, "Engine.IO ping interval")
      ->envname("PARLOR_PING_INTERVAL_MS")
      ->check(CLI::Range(50u, 600000u))
      ->capture_default_str();
  app.add_option("--ping-timeout-ms", c.ping_timeout_ms, "Engine.IO ping timeout")
      ->envname("PARLOR_PING_TIMEOUT_MS")
      ->check(CLI::Range(50u, 600000u))
      ->capture_default_str();
  app.add_option("--max-payload", c.max_payload, "Engine.IO maxPayload in bytes")
      ->envname("PARLOR_MAX_PAYLOAD")
      ->capture_default_str();
  app.add_option("--max-send-queue-bytes", c.max_send_queue_bytes,
                 "Per-socket outbound queue limit; a slower client is disconnected")
      ->envname("PARLOR_MAX_SEND_QUEUE_BYTES")
      ->capture_default_str();
  app.add_option("--cors-origin", c.cors_origin, "Access-Control-Allow-Origin value (empty: none)")
      ->envname("PARLOR_CORS_ORIGIN");
  app.add_option("--max-header-bytes", c.max_header_bytes, "HTTP header size limit")
      ->envname("PARLOR_MAX_HEADER_BYTES")
      ->capture_default_str();
  app.add_option("--max-body-bytes", c.max_body_bytes, "HTTP body size limit")
      ->envname("PARLOR_MAX_BODY_BYTES")
      ->capture_default_str();
  app.add_option("--max-upload-bytes", c.max_upload_bytes, "Size limit of one uploaded file")
      ->envname("PARLOR_MAX_UPLOAD_BYTES")
      ->capture_default_str();
  app.add_option("--upload-quota-mib", c.upload_quota_mib,
                 "MiB of stored files each user may have (0: no quota)")
      ->envname("PARLOR_UPLOAD_QUOTA_MIB")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--unclaimed-upload-hours", c.unclaimed_upload_hours,
                 "Remove an upload no message attached after this many hours (0: never)")
      ->envname("PARLOR_UNCLAIMED_UPLOAD_HOURS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--link-previews", c.link_previews,
                 "Fetch the pages a message links to and add their previews")
      ->envname("PARLOR_LINK_PREVIEWS")
      ->capture_default_str();
  app.add_option("--link-preview-private", c.link_preview_private,
                 "Let link previews fetch loopback and private addresses (tests only)")
      ->envname("PARLOR_LINK_PREVIEW_PRIVATE")
      ->capture_default_str();
  app.add_option("--http-read-timeout-ms", c.http_read_timeout_ms, "HTTP read timeout")
      ->envname("PARLOR_HTTP_READ_TIMEOUT_MS")
      ->capture_default_str();
  app.add_option("--jwt-secret", c.jwt_secret,
                 "JWT signing secret (default: generated, in data dir)")
      ->envname("PARLOR_JWT_SECRET");
  app.add_option("--token-ttl-s", c.token_ttl_s, "Login token lifetime in seconds")
      ->envname("PARLOR_TOKEN_TTL_S")
      ->capture_default_str();
  app.add_option("--max-message-chars", c.max_message_chars, "Message content limit")
      ->envname("PARLOR_MAX_MESSAGE_CHARS")
      ->capture_default_str();
  app.add_option("--send-rate-per-s", c.send_rate_per_s, "Messages per second per user")
      ->envname("PARLOR_SEND_RATE_PER_S")
      ->capture_default_str();
  app.add_option("--send-burst", c.send_burst, "Message burst per user")
      ->envname("PARLOR_SEND_BURST")
      ->capture_default_str();
  app.add_option("--synchronous-full", c.synchronous_full,
                 "SQLite synchronous=FULL (true) or NORMAL (false)")
      ->envname("PARLOR_SYNCHRONOUS_FULL")
      ->capture_default_str();
  app.add_option("--commit-window-us", c.commit_window_us,
                 "Under steady load, how long a write transaction waits for more writes to "
                 "share its commit (0: never waits)")
      ->envname("PARLOR_COMMIT_WINDOW_US")
      ->capture_default_str();
  app.add_option("--shutdown-grace-ms", c.shutdown_grace_ms, "Time allowed for a clean shutdown")
      ->envname("PARLOR_SHUTDOWN_GRACE_MS")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    std::cerr << "parlor: --listen must be HOST:PORT\n";
    exit_code = 2;
    return std::nullopt;
  }
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    c.listen_port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    std::cerr << "parlor: bad port in --listen " << listen << "\n";
    exit_code = 2;
    return std::nullopt;
  }
  c.listen_host = listen.substr(0, colon);
  if (c.listen_host.size() > 2 && c.listen_host.front() == '[') {
    c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
  }
  return c;
}

std::optional<std::string> fit_payload_to_limits(Config& c) {
  const std::size_t needed = c.max_message_chars * 12 + 64 * 1024;
  if (c.max_payload >= needed) return std::nullopt;
  std::string note = "max_payload raised from " + std::to_string(c.max_payload) + " to " +
                     std::to_string(needed) + " bytes, above what --max-message-chars " +
                     std::to_string(c.max_message_chars) + " needs";
  c.max_payload = needed;
  return note;
}

}  // namespace parlor::core
