// Removing stored files' bytes once the records that named them are gone.
#pragma once

#include <string>
#include <vector>

#include "chat/domain.hpp"

namespace parlor::chat::files {

// The bytes (and thumbnails) of files whose records `o`'s change deleted go
// after its commit (never before: a rollback would leave records without
// bytes); their links then stop working.
void remove_after_commit(Domain& d, Outcome& o, std::vector<std::string> storage_keys);

}  // namespace parlor::chat::files
