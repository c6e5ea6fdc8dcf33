// Logging set-up: human-readable lines by default, JSON lines on request.
#pragma once

#include <spdlog/spdlog.h>
#include <string>

namespace parlor::core {

// Installs the default spdlog logger (stderr) in the given format and level.
void init_logging(const std::string& format, const std::string& level);

}  // namespace parlor::core
