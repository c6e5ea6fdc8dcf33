// Login tokens: JWT HS256 (libjwt) carrying the user id (sub), an expiry
// (exp) and a unique id (jti) that logout revokes. Thread-safe: the signer
// only reads its secret.
#pragma once

#include <optional>
#include <string>

#include "store/records.hpp"

namespace parlor::chat::auth {

struct TokenClaims {
  store::Id user_id = 0;
  std::string jti;
  store::TimeMs expires_at = 0;  // ms, from exp (seconds)
};

class TokenSigner {
 public:
  TokenSigner(std::string secret, unsigned ttl_s);

  // nullopt only if libjwt fails (out of memory).
  std::optional<std::string> issue(store::Id user_id, store::TimeMs now,
                                   TokenClaims* claims = nullptr) const;
  // nullopt for anything but a well-formed HS256 token signed with our
  // secret, with a positive sub, a jti, and exp after `now`.
  std::optional<TokenClaims> verify(const std::string& token, store::TimeMs now) const;

 private:
  std::string secret_;
  unsigned ttl_s_;
};

// The secret: `configured` if not empty; else the one kept in
// <data_dir>/jwt_secret, created (random, mode 0600) on first use. nullopt
// with `error` set when the file can be neither read nor created.
std::optional<std::string> load_or_create_secret(const std::string& configured,
                                                 const std::string& data_dir, std::string& error);

}  // namespace parlor::chat::auth
