// WebSocket handshake checks and the connection's gather writes and reads,
// over a real loopback TCP connection.
#include "eio/ws_conn.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>

namespace parlor::eio {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

net::Request upgrade_request() {
  net::Request r;
  r.message.method(http::verb::get);
  r.message.target("/engine.io/?EIO=4&transport=websocket");
  r.message.version(11);
  r.message.set(http::field::host, "localhost");
  r.message.set(http::field::upgrade, "websocket");
  r.message.set(http::field::connection, "keep-alive, Upgrade");
  r.message.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  r.message.set(http::field::sec_websocket_version, "13");
  return r;
}

TEST(WsHandshake, AcceptKeyFromTheRfc) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  auto res = accept_response("dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(res.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u);
  EXPECT_NE(res.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos);
  EXPECT_EQ(res.find("Sec-WebSocket-Extensions"), std::string::npos);
  EXPECT_EQ(res.substr(res.size() - 4), "\r\n\r\n");
}

TEST(WsHandshake, ChecksTheRequest) {
  EXPECT_FALSE(check_upgrade(upgrade_request()));
  auto with = [](auto change) {
    auto r = upgrade_request();
    change(r.message);
    return check_upgrade(r);
  };
  auto bad = with([](auto& m) { m.method(http::verb::post); });
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result(), http::status::bad_request);
  EXPECT_TRUE(with([](auto& m) { m.version(10); }));
  EXPECT_TRUE(with([](auto& m) { m.set(http::field::upgrade, "h2c"); }));
  EXPECT_TRUE(with([](auto& m) { m.set(http::field::connection, "keep-alive"); }));
  EXPECT_TRUE(with([](auto& m) { m.erase(http::field::sec_websocket_key); }));
  EXPECT_TRUE(with([](auto& m) { m.set(http::field::sec_websocket_key, "c2hvcnQ="); }));
  EXPECT_TRUE(with([](auto& m) { m.erase(http::field::sec_websocket_version); }));
  auto v = with([](auto& m) { m.set(http::field::sec_websocket_version, "8"); });
  ASSERT_TRUE(v);
  EXPECT_EQ(v->result(), http::status::upgrade_required);
  EXPECT_EQ((*v)[http::field::sec_websocket_version], "13");
  // Case and lists do not matter.
  EXPECT_FALSE(with([](auto& m) { m.set(http::field::upgrade, "WebSocket"); }));
  EXPECT_FALSE(with([](auto& m) { m.set(http::field::connection, "UPGRADE"); }));
}

struct Loopback {
  asio::io_context io;
  tcp::socket server{io}, client{io};
  Loopback() {
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(a.local_endpoint());
    a.accept(server);
  }
};

std::string read_exactly(tcp::socket& s, std::size_t n) {
  std::string out(n, '\0');
  asio::read(s, asio::buffer(out));
  return out;
}

TEST(WsConn, OneGatherWriteOfManyFrames) {
  Loopback l;
  WsConn c(std::move(l.server), 1000);
  c.raw = "RAW";
  std::vector<Frame> frames{make_frame(PacketType::message, "hello"),
                            make_binary_frame(std::string("\x01\x02", 2)),
                            make_frame(PacketType::ping)};
  boost::system::error_code ec;
  ASSERT_EQ(c.write(frames, ec), WsConn::WriteResult::done) << ec.message();
  EXPECT_TRUE(frames.empty());
  EXPECT_TRUE(c.raw.empty());
  auto got = read_exactly(l.client, 3 + 8 + 4 + 3);
  EXPECT_EQ(got, std::string("RAW\x81\x06"
                             "4hello\x82\x02\x01\x02\x81\x01"
                             "2",
                             18));
}

TEST(WsConn, CloseFrameFollowsTheQueue) {
  Loopback l;
  WsConn c(std::move(l.server), 1000);
  c.close_after_write = true;
  c.close_code = ws::close_code::going_away;
  std::vector<Frame> frames{make_frame(PacketType::message, "x")};
  boost::system::error_code ec;
  ASSERT_EQ(c.write(frames, ec), WsConn::WriteResult::done);
  EXPECT_TRUE(c.close_sent);
  EXPECT_EQ(read_exactly(l.client, 4 + 4), std::string("\x81\x02"
                                                       "4x\x88\x02\x03\xe9",
                                                       8));
}

TEST(WsConn, PartialWritesKeepTheRestAndFinish) {
  Loopback l;
  l.server.set_option(asio::socket_base::send_buffer_size(4096));
  WsConn c(std::move(l.server), 1000);
  // A shared payload, as a broadcast would queue it, many times.
  auto big = make_frame(PacketType::message, std::string(100000, 'z'));
  // (The kernel's buffers are bigger than asked for, but not 2 MB.)
  std::vector<Frame> frames(20, big);
  boost::system::error_code ec;
  auto r = c.write(frames, ec);
  ASSERT_EQ(r, WsConn::WriteResult::pending);
  EXPECT_EQ(c.pending_frames(), 20u);
  EXPECT_EQ(c.pending_bytes(), 20u * 100001);
  const std::size_t expected = 20 * (10 + 100001);
  std::string got;
  std::thread reader([&] {
    std::string buf(65536, '\0');
    while (got.size() < expected) got.append(buf.data(), l.client.read_some(asio::buffer(buf)));
  });
  while (r == WsConn::WriteResult::pending) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    r = c.continue_write(ec);
  }
  reader.join();
  EXPECT_EQ(r, WsConn::WriteResult::done) << ec.message();
  ASSERT_EQ(got.size(), expected);
  for (std::size_t i = 0; i < 20; ++i) {
    auto f = got.substr(i * 100011, 11);
    EXPECT_EQ(f, std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x86\xa1"
                             "4",
                             11))
        << i;
  }
  EXPECT_EQ(got.find_first_not_of('z', 11), 100011u);
}

TEST(WsConn, ReadsWhatIsThereWithoutBlocking) {
  Loopback l;
  WsConn c(std::move(l.server), 1000);
  char* data = nullptr;
  boost::system::error_code ec;
  EXPECT_EQ(c.read_some(data, ec), 0u);
  EXPECT_FALSE(ec);
  asio::write(l.client, asio::buffer(std::string("abc")));
  std::size_t n = 0;
  for (int i = 0; i < 100 && n == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    n = c.read_some(data, ec);
  }
  EXPECT_EQ(std::string(data, n), "abc");
  l.client.close();
  for (int i = 0; i < 100 && !ec; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    c.read_some(data, ec);
  }
  EXPECT_EQ(ec, asio::error::eof);
}

}  // namespace
}  // namespace parlor::eio
