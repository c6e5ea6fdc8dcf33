// JWT issue/verify with libjwt 1.x, and the secret kept in the data dir.
#include "chat/auth/tokens.hpp"

#include <fcntl.h>
#include <jwt.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace parlor::chat::auth {

namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

std::string random_hex(std::size_t bytes) {
  if (sodium_init() < 0) return {};
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

}  // namespace

TokenSigner::TokenSigner(std::string secret, unsigned ttl_s)
    : secret_(std::move(secret)), ttl_s_(ttl_s) {}

std::optional<std::string> TokenSigner::issue(store::Id user_id, store::TimeMs now,
                                              TokenClaims* claims) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return std::nullopt;
  JwtPtr j(raw);
  const long iat = static_cast<long>(now / 1000);
  const long exp = iat + static_cast<long>(ttl_s_);
  std::string jti = random_hex(16);
  std::string sub = std::to_string(user_id);
  if (jti.empty() || jwt_add_grant(j.get(), "sub", sub.c_str()) != 0 ||
      jwt_add_grant(j.get(), "jti", jti.c_str()) != 0 ||
      jwt_add_grant_int(j.get(), "iat", iat) != 0 || jwt_add_grant_int(j.get(), "exp", exp) != 0 ||
      jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                  static_cast<int>(secret_.size())) != 0)
    return std::nullopt;
  char* encoded = jwt_encode_str(j.get());
  if (!encoded) return std::nullopt;
  std::string token(encoded);
  std::free(encoded);
  if (claims)
    *claims = TokenClaims{user_id, std::move(jti), static_cast<store::TimeMs>(exp) * 1000};
  return token;
}

std::optional<TokenClaims> TokenSigner::verify(const std::string& token, store::TimeMs now) const {
  if (token.empty() || token.size() > 4096) return std::nullopt;
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0)
    return std::nullopt;
  JwtPtr j(raw);
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return std::nullopt;
  const char* sub = jwt_get_grant(j.get(), "sub");
  const char* jti = jwt_get_grant(j.get(), "jti");
  errno = 0;
  const long exp = jwt_get_grant_int(j.get(), "exp");
  if (!sub || !jti || *jti == '\0' || errno != 0 || exp <= 0) return std::nullopt;
  store::Id id = 0;
  std::string_view s(sub);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || p != s.data() + s.size() || id <= 0) return std::nullopt;
  const store::TimeMs expires_at = static_cast<store::TimeMs>(exp) * 1000;
  if (expires_at <= now) return std::nullopt;
  return TokenClaims{id, jti, expires_at};
}

std::optional<std::string> load_or_create_secret(const std::string& configured,
                                                 const std::string& data_dir, std::string& error) {
  if (!configured.empty()) return configured;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  const fs::path path = fs::path(data_dir) / "jwt_secret";
  {
    std::ifstream in(path);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
      if (s.size() >= 32) return s;
      error = path.string() + ": secret too short";
      return std::nullopt;
    }
  }
  std::string secret = random_hex(32);
  if (secret.empty()) {
    error = "libsodium failed to initialise";
    return std::nullopt;
  }
  // O_EXCL: if another process raced us, read theirs instead of overwriting.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_secret(configured, data_dir, error);
    error = path.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) {
    error = path.string() + ": write failed";
    return std::nullopt;
  }
  return secret;
}

}  // namespace parlor::chat::auth
