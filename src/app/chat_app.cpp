#include "app/chat_app.hpp"

#include <spdlog/spdlog.h>
#include <filesystem>
#include <stdexcept>

#include "app/chat_binding.hpp"
#include "media/link_fetcher.hpp"
#include "media/local_storage.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parlor::app {

ChatApp::ChatApp(const core::Config& config, sio::Namespace& ns, net::Server& http,
                 net::Metrics& metrics) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create data directory " + config.data_dir + ": " +
                             ec.message());
  }
  auto db_path = (std::filesystem::path(config.data_dir) / "parlor.db").string();
  store::SqliteOptions sqlite_options;
  sqlite_options.synchronous_full = config.synchronous_full;
  store_ = store::open_sqlite_store(db_path, sqlite_options);
  store::ExecutorOptions executor_options;
  executor_options.commit_window = std::chrono::microseconds(config.commit_window_us);
  executor_ = std::make_unique<store::Executor>(*store_, executor_options);
  store_metrics_ = std::make_unique<StoreMetrics>(metrics, *executor_);
  outbox_ = std::make_unique<SocketOutbox>(ns);
  files_ = std::make_unique<media::LocalStorage>(std::filesystem::path(config.data_dir) / "files");
  chat::ServiceOptions service_options;
  service_options.file_storage = files_.get();
  if (config.link_previews) {
    media::LinkFetcherOptions fetch_options;
    fetch_options.allow_private = config.link_preview_private;
    links_ = std::make_unique<media::LinkFetcher>(fetch_options);
    service_options.link_fetcher = links_.get();
  }
  service_ = std::make_unique<chat::Service>(config, *executor_, *outbox_, service_options);
  service_->start();
  bind_socket_events(*service_, *outbox_, ns);
  bind_rest_routes(*service_, http, upload_parsing_.get_executor());
  spdlog::info("chat store: {} (synchronous={})", db_path,
               config.synchronous_full ? "FULL" : "NORMAL");
}

ChatApp::~ChatApp() {
  stop();
}

void ChatApp::stop() {
  if (stopped_) return;
  stopped_ = true;
  upload_parsing_.join();  // uploads still being parsed reach the domain, which drops them
  service_->stop();
  // Uploads still being written finish here; their replies are dropped.
  files_.reset();
  links_.reset();
  executor_->stop();
  auto s = executor_->stats();
  spdlog::info("store: {} writes in {} commits (largest {}), {} reads, {} refused", s.writes,
               s.write_batches, s.largest_batch, s.reads, s.rejected);
}

}  // namespace parlor::app
