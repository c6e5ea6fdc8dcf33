// Shared state between a Responder and its HTTP connection (net-internal).
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>

#include "core/open_file.hpp"

#include "net/request.hpp"

namespace parlor::net::detail {

struct ResponderState {
  boost::asio::any_io_executor executor;
  std::atomic<bool> done{false};
  // Both only touched on `executor`.
  std::function<void(Response, std::shared_ptr<const core::OpenFile>)> deliver;
  std::function<void()> cancel;
  bool peer_gone = false;  // the peer left before a cancel handler was set
};

}  // namespace parlor::net::detail
