#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace parlor::core {

void init_logging(const std::string& format, const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("parlor");
  if (format == "json") {
    // %v is escaped by the callers that log user data; the message is kept on
    // one line so each record is one JSON object.
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace parlor::core
