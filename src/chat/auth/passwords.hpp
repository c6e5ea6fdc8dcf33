// Password hashing with argon2id (libsodium's crypto_pwhash_str format).
// Hashing is deliberately slow: call it from a worker thread, never from the
// domain strand or an I/O thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parlor::chat::auth {

struct HashCost {
  unsigned long long ops;
  std::size_t mem;
  static HashCost interactive();  // libsodium's INTERACTIVE limits: the default
  static HashCost minimal();      // for tests only
};

// nullopt when libsodium fails (out of memory).
std::optional<std::string> hash_password(std::string_view password, HashCost cost);
bool verify_password(const std::string& hash, std::string_view password);

}  // namespace parlor::chat::auth
