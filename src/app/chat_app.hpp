// The chat application's parts, in start order: the SQLite store in the data
// directory, its group-commit executor, the Socket.IO outbox, the domain
// service, and their bindings to the namespace "/" and the REST router.
// Stop order is the reverse (see stop()).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>

#include "app/socket_outbox.hpp"
#include "app/store_metrics.hpp"
#include "chat/files/storage.hpp"
#include "chat/previews/previewer.hpp"
#include "chat/service.hpp"
#include "core/config.hpp"
#include "net/http_server.hpp"
#include "net/metrics.hpp"
#include "sio/server.hpp"
#include "store/executor.hpp"
#include "store/store.hpp"

namespace parlor::app {

class ChatApp {
 public:
  // Opens (and migrates) the database; throws std::runtime_error with a
  // readable message when the data directory or database can't be used.
  ChatApp(const core::Config& config, sio::Namespace& ns, net::Server& http, net::Metrics& metrics);
  ~ChatApp();

  // After the sockets are closed: stops the domain's timers, then drains
  // and joins the storage threads (every acked write is already committed).
  void stop();

 private:
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Executor> executor_;
  std::unique_ptr<StoreMetrics> store_metrics_;
  std::unique_ptr<SocketOutbox> outbox_;
  std::unique_ptr<chat::files::Storage> files_;
  std::unique_ptr<chat::previews::Fetcher> links_;
  std::unique_ptr<chat::Service> service_;
  boost::asio::thread_pool upload_parsing_{1};
  bool stopped_ = false;
};

}  // namespace parlor::app
