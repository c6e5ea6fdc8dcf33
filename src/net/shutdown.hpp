// Running a server until SIGINT/SIGTERM, then stopping it in order: stop
// accepting, close sessions, wait (bounded) for them to drain, stop the I/O.
#pragma once

#include <chrono>
#include <functional>

#include "net/http_server.hpp"
#include "net/io_pool.hpp"

namespace parlor::net {

// Starts the pool if needed and blocks until a signal arrives; then stops
// `http` accepting, calls `begin_close` (e.g. eio::Server::close_all), waits
// until `drained()` is true or `grace` has passed, and stops the pool.
// Returns the signal number.
int run_until_signal(IoPool& pool, Server& http, const std::function<void()>& begin_close,
                     const std::function<bool()>& drained, std::chrono::milliseconds grace);

}  // namespace parlor::net
