// The login tokens revoked by a logout, until each would have expired
// anyway: past its expiry a token fails verification by itself, so its
// revocation is forgotten and memory stays bounded by the tokens revoked
// within one token lifetime. Not thread-safe (the domain strand owns it).
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "store/records.hpp"

namespace parlor::chat::auth {

class Revocations {
 public:
  // A later expiry for the same token wins.
  void add(const std::string& jti, store::TimeMs expires_at);
  bool contains(const std::string& jti) const { return expiry_.contains(jti); }
  // Forgets every revocation whose token expires at or before `now`.
  void forget_expired(store::TimeMs now);
  std::size_t size() const { return expiry_.size(); }

 private:
  std::unordered_map<std::string, store::TimeMs> expiry_;
  std::multimap<store::TimeMs, std::string> by_expiry_;
};

}  // namespace parlor::chat::auth
