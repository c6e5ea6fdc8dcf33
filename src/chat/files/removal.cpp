#include "chat/files/removal.hpp"

#include "chat/files/storage.hpp"

namespace parlor::chat::files {

void remove_after_commit(Domain& d, Outcome& o, std::vector<std::string> storage_keys) {
  if (storage_keys.empty()) return;
  o.after.push_back([&d, keys = std::move(storage_keys)]() mutable {
    if (auto* storage = d.file_storage()) storage->remove(std::move(keys));
  });
}

}  // namespace parlor::chat::files
