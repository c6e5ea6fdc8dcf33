// parlor: load the configuration, build the server, run until a signal.
#include <spdlog/spdlog.h>

#include "core/config.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto config = parlor::core::parse_config(argc, argv, exit_code);
  if (!config) return exit_code;
  parlor::core::init_logging(config->log_format, config->log_level);
  spdlog::info("parlor {} starting on {}:{}", PARLOR_VERSION, config->listen_host,
               config->listen_port);
  return 0;
}
