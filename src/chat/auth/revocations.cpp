// Revoked tokens until their expiry (see revocations.hpp).
#include "chat/auth/revocations.hpp"

namespace parlor::chat::auth {

void Revocations::add(const std::string& jti, store::TimeMs expires_at) {
  auto [it, inserted] = expiry_.try_emplace(jti, expires_at);
  if (!inserted) {
    if (expires_at <= it->second) return;
    // Drop the old position in the expiry order.
    auto range = by_expiry_.equal_range(it->second);
    for (auto e = range.first; e != range.second; ++e) {
      if (e->second == jti) {
        by_expiry_.erase(e);
        break;
      }
    }
    it->second = expires_at;
  }
  by_expiry_.emplace(expires_at, jti);
}

void Revocations::forget_expired(store::TimeMs now) {
  auto end = by_expiry_.upper_bound(now);
  for (auto e = by_expiry_.begin(); e != end; ++e) expiry_.erase(e->second);
  by_expiry_.erase(by_expiry_.begin(), end);
}

}  // namespace parlor::chat::auth
