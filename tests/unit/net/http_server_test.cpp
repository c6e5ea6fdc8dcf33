// The HTTP server end to end on a loopback port: routing, path parameters,
// answers from another thread, keep-alive, size limits, mounts, CORS.
#include "net/http_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

namespace parlor::net {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.max_body_bytes = 1024;
    o.max_header_bytes = 2048;
    o.cors_origin = "http://allowed.test";
    server_ = std::make_unique<Server>(pool_, metrics_, o);
    server_->router().add(http::verb::get, "/api/rooms/:id/members/:user_id",
                          [](const Request& req, Params p, Responder r) {
                            r.json(http::status::ok, {{"id", p.get("id")},
                                                      {"user", p.get("user_id")},
                                                      {"auth", req.header("Authorization")},
                                                      {"q", req.query_param("q").value_or("")}});
                          });
    server_->router().add(
        http::verb::post, "/api/echo", [](const Request& req, Params, Responder r) {
          // Answered later, from a thread that is not an I/O thread.
          std::thread([r, body = req.body()] { r.text(http::status::created, body); }).detach();
        });
    // A file of 300,000 bytes (several chunks), each byte its offset mod 251.
    file_path_ =
        std::filesystem::temp_directory_path() / ("parlor-http-file-" + std::to_string(::getpid()));
    {
      std::ofstream out(file_path_, std::ios::binary);
      for (int i = 0; i < kFileSize; ++i) out.put(static_cast<char>(i % 251));
    }
    Mount files;
    files.prefix = "/file";
    files.on_request = [this](Request, Responder r) {
      Response head{http::status::ok, 11};
      head.set(http::field::content_type, "application/octet-stream");
      r.send_file(std::move(head), core::OpenFile::open(file_path_));
    };
    server_->mount(std::move(files));
    Mount m;
    m.prefix = "/proto/";
    m.on_request = [](Request req, Responder r) { r.text(http::status::ok, "mount:" + req.path); };
    server_->mount(std::move(m));
    // Body limits of their own, above and below the server's 1024.
    for (auto [prefix, limit] : {std::pair{"/big/", 8192}, std::pair{"/small/", 100}}) {
      Mount sized;
      sized.prefix = prefix;
      sized.max_body_bytes = static_cast<std::size_t>(limit);
      sized.on_request = [](Request req, Responder r) {
        r.text(http::status::ok, std::to_string(req.body().size()));
      };
      server_->mount(std::move(sized));
    }
    ASSERT_FALSE(server_->listen());
    pool_.start();
  }
  void TearDown() override {
    server_->stop_accepting();
    pool_.stop();
    std::filesystem::remove(file_path_);
  }
  static std::string file_bytes(int first, int length) {
    std::string s;
    for (int i = first; i < first + length; ++i) s.push_back(static_cast<char>(i % 251));
    return s;
  }
  static constexpr int kFileSize = 300000;
  std::filesystem::path file_path_;

  tcp::socket connect() {
    tcp::socket s(client_ctx_);
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    return s;
  }
  static http::response<http::string_body> roundtrip(tcp::socket& s,
                                                     http::request<http::string_body> req) {
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res;
  }
  static http::request<http::string_body> get(std::string target) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    return req;
  }

  Metrics metrics_;
  IoPool pool_{2};
  std::unique_ptr<Server> server_;
  asio::io_context client_ctx_;
};

TEST_F(HttpServerTest, RoutesWithParamsHeadersAndQuery) {
  auto s = connect();
  auto req = get("/api/rooms/r%201/members/u7?q=hello%20there");
  req.set(http::field::authorization, "Bearer abc");
  auto res = roundtrip(s, req);
  ASSERT_EQ(res.result(), http::status::ok);
  auto v = boost::json::parse(res.body());
  EXPECT_EQ(v.at("id"), "r 1");
  EXPECT_EQ(v.at("user"), "u7");
  EXPECT_EQ(v.at("auth"), "Bearer abc");
  EXPECT_EQ(v.at("q"), "hello there");
}

TEST_F(HttpServerTest, KeepAliveAndAnswersFromOtherThreads) {
  auto s = connect();
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req{http::verb::post, "/api/echo", 11};
    req.body() = "body " + std::to_string(i);
    auto res = roundtrip(s, req);
    EXPECT_EQ(res.result(), http::status::created);
    EXPECT_EQ(res.body(), "body " + std::to_string(i));
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(HttpServerTest, UnknownApiPathsAndMethodsAreJsonErrors) {
  auto s = connect();
  auto res = roundtrip(s, get("/api/nope"));
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(boost::json::parse(res.body()).at("error").at("code"), "not_found");
  res = roundtrip(s, get("/api/echo"));
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
}

TEST_F(HttpServerTest, OversizeBodyIs413AndClosed) {
  auto s = connect();
  http::request<http::string_body> req{http::verb::post, "/api/echo", 11};
  req.body() = std::string(4096, 'x');
  auto res = roundtrip(s, req);
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(HttpServerTest, AMountsBodyLimitRaisesOrLowersTheServers) {
  auto post = [&](std::string target, std::size_t size) {
    auto s = connect();
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.body() = std::string(size, 'x');
    return roundtrip(s, req);
  };
  auto res = post("/big/x", 8000);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "8000");
  EXPECT_EQ(post("/big/x", 8193).result(), http::status::payload_too_large);
  EXPECT_EQ(post("/small/x", 100).result(), http::status::ok);
  EXPECT_EQ(post("/small/x", 101).result(), http::status::payload_too_large);
  EXPECT_EQ(post("/api/echo", 1025).result(), http::status::payload_too_large);
}

TEST_F(HttpServerTest, OversizeHeadersAre431) {
  auto s = connect();
  auto req = get("/healthz");
  req.set("X-Big", std::string(4096, 'x'));
  auto res = roundtrip(s, req);
  EXPECT_EQ(res.result(), http::status::request_header_fields_too_large);
}

TEST_F(HttpServerTest, MountsHealthAndMetrics) {
  auto s = connect();
  EXPECT_EQ(roundtrip(s, get("/proto/x?y=1")).body(), "mount:/proto/x");
  EXPECT_EQ(roundtrip(s, get("/healthz")).result(), http::status::ok);
  server_->set_ready(false);
  EXPECT_EQ(roundtrip(s, get("/readyz")).result(), http::status::service_unavailable);
  auto metrics = roundtrip(s, get("/metrics")).body();
  EXPECT_NE(metrics.find("parlor_http_requests_total"), std::string::npos);
}

TEST_F(HttpServerTest, CorsOnlyForAllowedOrigins) {
  auto s = connect();
  auto req = get("/healthz");
  req.set(http::field::origin, "http://allowed.test");
  auto res = roundtrip(s, req);
  EXPECT_EQ(res[http::field::access_control_allow_origin], "http://allowed.test");
  EXPECT_EQ(res[http::field::access_control_allow_credentials], "true");
  req.set(http::field::origin, "http://evil.test");
  res = roundtrip(s, req);
  EXPECT_EQ(res.count(http::field::access_control_allow_origin), 0u);
}

TEST_F(HttpServerTest, FilesStreamWholeOrByRange) {
  auto s = connect();
  auto res = roundtrip(s, get("/file"));
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/octet-stream");
  EXPECT_EQ(res[http::field::accept_ranges], "bytes");
  EXPECT_EQ(res.body(), file_bytes(0, kFileSize));

  // On the same connection: ranges in each form, then one outside the file.
  auto req = get("/file");
  req.set(http::field::range, "bytes=70000-200000");
  res = roundtrip(s, req);
  ASSERT_EQ(res.result(), http::status::partial_content);
  EXPECT_EQ(res[http::field::content_range], "bytes 70000-200000/300000");
  EXPECT_EQ(res.body(), file_bytes(70000, 130001));
  req.set(http::field::range, "bytes=-10");
  res = roundtrip(s, req);
  EXPECT_EQ(res[http::field::content_range], "bytes 299990-299999/300000");
  EXPECT_EQ(res.body(), file_bytes(299990, 10));
  req.set(http::field::range, "bytes=300000-");
  res = roundtrip(s, req);
  EXPECT_EQ(res.result(), http::status::range_not_satisfiable);
  EXPECT_EQ(res[http::field::content_range], "bytes */300000");
  EXPECT_TRUE(res.keep_alive());

  // Several ranges, or a Range with If-Range, get the whole file.
  req.set(http::field::range, "bytes=0-1,5-6");
  EXPECT_EQ(roundtrip(s, req).body().size(), std::size_t{kFileSize});
  req.set(http::field::range, "bytes=0-1");
  req.set(http::field::if_range, "\"x\"");
  EXPECT_EQ(roundtrip(s, req).result(), http::status::ok);
}

// A HEAD answer has the headers a GET would get and no body: a body would be
// read as the start of the next answer on the connection.
TEST_F(HttpServerTest, HeadAnswersCarryTheHeadersAndNoBody) {
  auto s = connect();
  beast::flat_buffer buf;
  auto head_then_get = [&](std::string target) {
    http::request<http::string_body> req{http::verb::head, target, 11};
    req.set(http::field::host, "localhost");
    http::write(s, req);
    http::response_parser<http::string_body> head;
    head.skip(true);  // a HEAD answer's Content-Length describes no body
    http::read(s, buf, head);
    http::write(s, get("/healthz"));
    http::response<http::string_body> next;
    http::read(s, buf, next);
    EXPECT_EQ(next.result(), http::status::ok) << target;
    EXPECT_EQ(boost::json::parse(next.body()).at("ok"), true) << target;
    return head.release();
  };
  auto file = head_then_get("/file");
  EXPECT_EQ(file.result(), http::status::ok);
  EXPECT_EQ(file[http::field::content_length], std::to_string(kFileSize));
  EXPECT_EQ(file[http::field::accept_ranges], "bytes");
  EXPECT_TRUE(file.body().empty());
  auto json = head_then_get("/api/rooms/1/members/2");
  EXPECT_EQ(json.result(), http::status::ok);
  EXPECT_NE(json[http::field::content_length], "0");
  auto missing = head_then_get("/api/nope");
  EXPECT_EQ(missing.result(), http::status::not_found);
}

// Downloads on many connections at once all arrive whole: the chunks are read
// on the disk reader's threads and written as they come back.
TEST_F(HttpServerTest, ConcurrentDownloadsArriveWhole) {
  std::vector<std::thread> clients;
  std::atomic<int> whole{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      asio::io_context ctx;
      tcp::socket s(ctx);
      s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
      auto req = get("/file");
      if (i % 2) req.set(http::field::range, "bytes=1000-");
      auto res = roundtrip(s, req);
      int first = i % 2 ? 1000 : 0;
      if (res.body() == file_bytes(first, kFileSize - first)) ++whole;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(whole.load(), 8);
}

// A client that goes away in the middle of a download leaves the server able
// to serve the next one.
TEST_F(HttpServerTest, ADownloadCutShortByTheClientIsDropped) {
  {
    auto s = connect();
    http::write(s, get("/file"));
    char some[1000];
    asio::read(s, asio::buffer(some));
    s.close();
  }
  auto s = connect();
  EXPECT_EQ(roundtrip(s, get("/file")).body(), file_bytes(0, kFileSize));
}

}  // namespace
}  // namespace parlor::net
