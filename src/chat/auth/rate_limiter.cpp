// Token-bucket arithmetic on an injected clock.
#include "chat/auth/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace parlor::chat::auth {

RateLimiter::RateLimiter(double rate_per_s, double burst, Clock clock)
    : rate_per_s_(rate_per_s), burst_(std::max(1.0, burst)), clock_(std::move(clock)) {}

RateLimiter::Bucket& RateLimiter::refill(const std::string& key, store::TimeMs now) {
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted && now > b.at) {
    b.tokens = std::min(burst_, b.tokens + rate_per_s_ * double(now - b.at) / 1000.0);
    b.at = now;
  }
  return b;
}

unsigned RateLimiter::wait_ms(const Bucket& b) const {
  if (b.tokens >= 1.0) return 0;
  if (rate_per_s_ <= 0) return 3600 * 1000;
  double ms = std::ceil((1.0 - b.tokens) * 1000.0 / rate_per_s_);
  return static_cast<unsigned>(std::max(1.0, ms));
}

void RateLimiter::sweep(store::TimeMs now) {
  if (now - last_sweep_ < 60 * 1000) return;
  last_sweep_ = now;
  std::erase_if(buckets_, [&](const auto& kv) {
    const Bucket& b = kv.second;
    return b.tokens + rate_per_s_ * double(now - b.at) / 1000.0 >= burst_;
  });
}

unsigned RateLimiter::take(const std::string& key) {
  std::lock_guard lock(mutex_);
  const store::TimeMs now = clock_();
  sweep(now);
  Bucket& b = refill(key, now);
  if (unsigned w = wait_ms(b)) return w;
  b.tokens -= 1.0;
  return 0;
}

unsigned RateLimiter::check(const std::string& key) {
  std::lock_guard lock(mutex_);
  const store::TimeMs now = clock_();
  return wait_ms(refill(key, now));
}

}  // namespace parlor::chat::auth
