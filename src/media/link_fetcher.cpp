#include "media/link_fetcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <optional>

#include "core/ascii.hpp"
#include "media/html_meta.hpp"
#include "media/public_address.hpp"

namespace parlor::media {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using chat::previews::LinkPreview;

namespace {

using Clock = std::chrono::steady_clock;

struct Page {
  unsigned status = 0;
  std::string location;      // redirects
  std::string content_type;  // lower case
  std::string body;          // at most max_body bytes
};

// What to ask for and which bodies to read: a page's HTML head, or an image.
struct Want {
  const char* accept;
  bool (*wanted)(std::string_view content_type);  // read the body of a 200 of this type
  std::size_t max_body;
  bool whole;  // a body cut at max_body is useless (an image), not just shorter (a page's head)
};

bool is_html(std::string_view type) {
  return type.starts_with("text/html") || type.starts_with("application/xhtml+xml");
}
bool is_image(std::string_view type) {
  return type.starts_with("image/");
}

// One request and its response (head always, body only when wanted).
template <class Stream>
asio::awaitable<Page> exchange(Stream& stream, const urls::url_view& u, const Want& want) {
  std::string target(u.encoded_path());
  if (target.empty()) target = "/";
  if (u.has_query()) target += "?" + std::string(u.encoded_query());
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, u.encoded_host_and_port());
  req.set(http::field::user_agent, "Parlor-LinkPreview/1.0 (+chat link previews)");
  req.set(http::field::accept, want.accept);
  req.set(http::field::accept_encoding, "identity");
  req.set(http::field::connection, "close");
  co_await http::async_write(stream, req, asio::use_awaitable);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(32 * 1024);
  // No limit for Beast to refuse a long page by: the loop below stops
  // reading once the head has had max_body bytes.
  parser.body_limit(boost::none);
  co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
  Page page;
  page.status = parser.get().result_int();
  page.location = std::string(parser.get()[http::field::location]);
  page.content_type = core::ascii_lower(parser.get()[http::field::content_type]);
  if (page.status == 200 && want.wanted(page.content_type)) {
    // A cut-off page (at the limit, or the deadline) still has its head.
    boost::system::error_code ec;
    while (!parser.is_done() && parser.get().body().size() <= want.max_body) {
      co_await http::async_read_some(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    page.body = std::move(parser.get().body());
    if (want.whole && (!parser.is_done() || page.body.size() > want.max_body)) page.body.clear();
    if (page.body.size() > want.max_body) page.body.resize(want.max_body);
  }
  co_return page;
}

// The addresses of `host` that may be contacted.
asio::awaitable<std::vector<tcp::endpoint>> resolve(const std::string& host,
                                                    const std::string& port, bool allow_private,
                                                    Clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(ex);
  auto timer = std::make_shared<asio::steady_timer>(ex, deadline);
  timer->async_wait([resolver](boost::system::error_code ec) {
    if (!ec) resolver->cancel();
  });
  auto results = co_await resolver->async_resolve(host, port, asio::use_awaitable);
  timer->cancel();
  std::vector<tcp::endpoint> out;
  for (const auto& r : results)
    if (allow_private || is_public_address(r.endpoint().address())) out.push_back(r.endpoint());
  co_return out;
}

// GETs `link`, following redirects, within `deadline`: the final response
// (its body read as `want` says), or nullopt when a redirect leads nowhere
// usable. Throws when unreachable.
asio::awaitable<std::optional<Page>> get_following(urls::url current, const Want& want,
                                                   const LinkFetcherOptions& o,
                                                   asio::ssl::context& tls,
                                                   Clock::time_point deadline,
                                                   urls::url* final_url) {
  auto ex = co_await asio::this_coro::executor;
  for (int hop = 0; hop <= o.max_redirects; ++hop) {
    const std::string scheme = current.scheme();
    const bool https = scheme == "https";
    if ((!https && scheme != "http") || current.host_address().empty()) co_return std::nullopt;
    const std::string host = current.host_address();
    const std::string port = current.has_port() ? std::string(current.port())
                             : https            ? "443"
                                                : "80";
    auto endpoints = co_await resolve(host, port, o.allow_private, deadline);
    if (endpoints.empty()) co_return std::nullopt;

    beast::tcp_stream tcp_stream(ex);
    tcp_stream.expires_at(deadline);
    co_await tcp_stream.async_connect(endpoints, asio::use_awaitable);
    Page page;
    if (https) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) co_return std::nullopt;
      stream.set_verify_mode(asio::ssl::verify_peer);
      stream.set_verify_callback(asio::ssl::host_name_verification(host));
      co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
      page = co_await exchange(stream, current, want);
    } else {
      page = co_await exchange(tcp_stream, current, want);
    }

    if (page.status >= 300 && page.status < 400 && !page.location.empty()) {
      auto ref = urls::parse_uri_reference(page.location);
      if (!ref) co_return std::nullopt;
      urls::url next;
      if (!urls::resolve(current, *ref, next)) co_return std::nullopt;
      current = std::move(next);
      continue;
    }
    if (final_url) *final_url = current;
    co_return page;
  }
  co_return std::nullopt;
}

// The bytes of the image at `link`, or nullptr (not an image, too large,
// unreachable). Its own deadline: a slow image does not cost its page.
asio::awaitable<std::shared_ptr<const std::string>> fetch_image(urls::url link,
                                                                LinkFetcherOptions o,
                                                                asio::ssl::context& tls) {
  const Want want{"image/*", is_image, o.max_image, true};
  try {
    auto page =
        co_await get_following(std::move(link), want, o, tls, Clock::now() + o.timeout, nullptr);
    if (!page || page->status != 200 || page->body.empty()) co_return nullptr;
    co_return std::make_shared<const std::string>(std::move(page->body));
  } catch (const std::exception&) {
    co_return nullptr;
  }
}

// The page's preview, or nullopt (not HTML, no title, unreachable, ...).
asio::awaitable<std::optional<LinkPreview>> fetch_one(std::string link, LinkFetcherOptions o,
                                                      asio::ssl::context& tls) {
  urls::url start;
  {
    auto parsed = urls::parse_uri(link);
    if (!parsed) co_return std::nullopt;
    start = *parsed;
  }
  const Want want{"text/html,application/xhtml+xml;q=0.9,*/*;q=0.1", is_html, o.max_body, false};
  urls::url at;
  auto page = co_await get_following(std::move(start), want, o, tls, Clock::now() + o.timeout, &at);
  if (!page || page->status != 200 || page->body.empty()) co_return std::nullopt;
  PageMeta meta = parse_html_meta(page->body);
  if (meta.title.empty()) co_return std::nullopt;
  LinkPreview p;
  p.url = link;
  p.title = std::move(meta.title);
  p.description = std::move(meta.description);
  p.site_name = std::move(meta.site_name);
  if (!meta.image.empty()) {
    urls::url image;
    auto ref = urls::parse_uri_reference(meta.image);
    if (ref && urls::resolve(at, *ref, image) &&
        (image.scheme() == "https" || image.scheme() == "http")) {
      p.image_url = std::string(image.buffer());
      if (o.fetch_images) p.image = co_await fetch_image(std::move(image), o, tls);
    }
  }
  co_return p;
}

asio::awaitable<void> fetch_all(std::vector<std::string> links, LinkFetcherOptions o,
                                asio::ssl::context& tls,
                                std::function<void(std::vector<LinkPreview>)> done) {
  std::vector<LinkPreview> found;
  for (auto& link : links) {
    try {
      if (auto p = co_await fetch_one(link, o, tls)) found.push_back(std::move(*p));
    } catch (const std::exception&) {
      // Unreachable, refused, timed out, bad certificate: no preview.
    }
  }
  done(std::move(found));
}

}  // namespace

LinkFetcher::LinkFetcher(LinkFetcherOptions options)
    : options_(options), tls_(asio::ssl::context::tls_client), work_(asio::make_work_guard(io_)) {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(asio::ssl::verify_peer);
  thread_ = std::thread([this] { io_.run(); });
}

LinkFetcher::~LinkFetcher() {
  work_.reset();
  io_.stop();
  thread_.join();
}

void LinkFetcher::fetch(std::vector<std::string> urls,
                        std::function<void(std::vector<LinkPreview>)> done) {
  asio::co_spawn(io_, fetch_all(std::move(urls), options_, tls_, std::move(done)), asio::detached);
}

}  // namespace parlor::media
