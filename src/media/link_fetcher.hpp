// chat::previews::Fetcher over HTTP and HTTPS: fetches each linked page's
// head (at most max_body bytes, following a few redirects, within a
// deadline) on its own thread and reads its title, description and image
// (html_meta), then the image itself (for the domain to keep a thumbnail of,
// so readers never load it from the linked site). Only public addresses are contacted unless
// allow_private (tests); the checked addresses are the ones connected to, so a name that resolves
// differently a moment later changes nothing. TLS certificates are verified against the system's
// CAs and the host name.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <thread>

#include "chat/previews/previewer.hpp"

namespace parlor::media {

struct LinkFetcherOptions {
  bool allow_private = false;
  std::chrono::milliseconds timeout{5000};  // per page, redirects included
  std::size_t max_body = 512 * 1024;
  bool fetch_images = true;
  std::size_t max_image = 5 * 1024 * 1024;
  int max_redirects = 3;
};

class LinkFetcher final : public chat::previews::Fetcher {
 public:
  explicit LinkFetcher(LinkFetcherOptions options = {});
  ~LinkFetcher() override;  // abandons fetches in flight (their `done` is not called)

  void fetch(std::vector<std::string> urls,
             std::function<void(std::vector<chat::previews::LinkPreview>)> done) override;

 private:
  LinkFetcherOptions options_;
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace parlor::media
