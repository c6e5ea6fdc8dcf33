// Token buckets keyed by a string (an IP, an account, a user id). Each key
// starts full with `burst` tokens and refills at `rate_per_s`. Thread-safe.
// Idle full buckets are forgotten, so memory stays bounded by active keys.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/records.hpp"

namespace parlor::chat::auth {

using Clock = std::function<store::TimeMs()>;

class RateLimiter {
 public:
  RateLimiter(double rate_per_s, double burst, Clock clock);

  // Takes one token: 0 when allowed, else how long until one is available
  // (ms, at least 1), and nothing is taken.
  unsigned take(const std::string& key);
  // Like take() but takes nothing.
  unsigned check(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    store::TimeMs at;
  };
  Bucket& refill(const std::string& key, store::TimeMs now);
  unsigned wait_ms(const Bucket& b) const;
  void sweep(store::TimeMs now);

  double rate_per_s_;
  double burst_;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  store::TimeMs last_sweep_ = 0;
};

}  // namespace parlor::chat::auth
