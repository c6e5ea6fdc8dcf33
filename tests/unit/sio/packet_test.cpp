// Socket.IO packet codec and binary reassembly.
#include "sio/packet.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parlor::sio {
namespace {

std::string json_of(const Packet& p) {
  return p.data ? boost::json::serialize(*p.data) : "";
}

TEST(SioPacket, DecodesConnectToMainNamespace) {
  auto p = decode("0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::connect);
  EXPECT_EQ(p->nsp, "/");
  EXPECT_FALSE(p->data);
}

TEST(SioPacket, DecodesConnectWithNamespaceAndAuth) {
  auto p = decode(R"(0/custom,{"token":"abc"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->nsp, "/custom");
  EXPECT_EQ(json_of(*p), R"({"token":"abc"})");
}

TEST(SioPacket, NamespaceWithoutComma) {
  auto p = decode("0/random");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->nsp, "/random");
  EXPECT_FALSE(p->data);
}

TEST(SioPacket, DecodesEventWithAckId) {
  auto p = decode(R"(2456["message-with-ack",1,"2",{"3":[false]}])");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::event);
  ASSERT_TRUE(p->id);
  EXPECT_EQ(*p->id, 456u);
  EXPECT_EQ(json_of(*p), R"(["message-with-ack",1,"2",{"3":[false]}])");
}

TEST(SioPacket, ALoneSurrogateIsReplacedNotAParseError) {
  // socket.io-client's JSON.stringify writes half an emoji as "\ud83d".
  auto p = decode(R"(27["send_message",{"content":"cut \ud83d"}])");
  ASSERT_TRUE(p);
  EXPECT_EQ(json_of(*p), "[\"send_message\",{\"content\":\"cut \xEF\xBF\xBD\"}]");
}

TEST(SioPacket, DecodesBinaryEventHeader) {
  auto p = decode(
      R"(52-/nsp,789["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::binary_event);
  EXPECT_EQ(p->attachments, 2u);
  EXPECT_EQ(p->nsp, "/nsp");
  EXPECT_EQ(*p->id, 789u);
}

TEST(SioPacket, RejectsMalformedPackets) {
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode("abc"));                       // unknown type
  EXPECT_FALSE(decode("7"));                         // unknown type
  EXPECT_FALSE(decode("2{}"));                       // event payload must be an array
  EXPECT_FALSE(decode("2[]"));                       // ... with an event name
  EXPECT_FALSE(decode("2[1]"));                      // ... that is a string
  EXPECT_FALSE(decode(R"(2["connect"])"));           // ... not reserved
  EXPECT_FALSE(decode(R"(2abc["x"])"));              // bad ack id: not JSON
  EXPECT_FALSE(decode("2"));                         // event without payload
  EXPECT_FALSE(decode("0[1]"));                      // connect payload must be an object
  EXPECT_FALSE(decode("1{}"));                       // disconnect has no payload
  EXPECT_FALSE(decode("3"));                         // ack needs an array
  EXPECT_FALSE(decode(R"(5["x"])"));                 // binary without count
  EXPECT_FALSE(decode(R"(5a-["x"])"));               // non-numeric count
  EXPECT_FALSE(decode(R"(2["x",)"));                 // truncated JSON
  EXPECT_FALSE(decode("21234567890123456[\"x\"]"));  // absurd ack id
  // A number beyond double range has no JSON spelling once parsed (infinity).
  EXPECT_EQ(decode(R"(2["x",1e400])").error(), make_error_code(error::bad_json));
  EXPECT_EQ(decode(R"(3/m,1[{"a":[-1111111111e1111]}])").error(), make_error_code(error::bad_json));
  EXPECT_TRUE(decode(R"(2["x",1e300,-1.5e-300])"));
}

TEST(SioPacket, BoundsAttachments) {
  EXPECT_EQ(decode(R"(565-["x"])", 64).error(), make_error_code(error::too_many_attachments));
  EXPECT_TRUE(decode(R"(564-["x"])", 64));
}

TEST(SioPacket, EncodesLikeTheReferenceParser) {
  Packet p;
  p.type = PacketType::event;
  p.data = boost::json::array{"message-back", 1, "2"};
  EXPECT_EQ(encode(p), R"(2["message-back",1,"2"])");
  p.nsp = "/custom";
  p.id = 12;
  EXPECT_EQ(encode(p), R"(2/custom,12["message-back",1,"2"])");
  Packet b;
  b.type = PacketType::binary_ack;
  b.id = 789;
  b.attachments = 2;
  b.data = boost::json::array{placeholder(0), placeholder(1)};
  EXPECT_EQ(encode(b), R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  Packet c{PacketType::connect_error, "/random", std::nullopt,
           boost::json::value(boost::json::object{{"message", "Invalid namespace"}}), 0};
  EXPECT_EQ(encode(c), R"(4/random,{"message":"Invalid namespace"})");
  Packet d{PacketType::disconnect, "/", std::nullopt, std::nullopt, 0};
  EXPECT_EQ(encode(d), "1");
}

TEST(SioPacket, EncodeEventMatchesEncode) {
  const boost::json::value args[] = {
      boost::json::parse(R"({"message":{"id":1,"content":"a \"quoted\" \u00e9 line\n"}})"),
      boost::json::value(nullptr), boost::json::value(42), boost::json::parse("[1,[2,{}]]")};
  for (std::string nsp : {"/", "/admin"}) {
    for (std::string event : {"new_message", "we\"ird\\name"}) {
      for (const auto& arg : args) {
        Packet p;
        p.type = PacketType::event;
        p.nsp = nsp;
        p.data = boost::json::array{boost::json::value(event), arg};
        auto text = encode_event(nsp, event, arg);
        EXPECT_EQ(text, encode(p));
        auto back = decode(text);
        ASSERT_TRUE(back);
        EXPECT_EQ(back->data, p.data);
      }
    }
  }
}

TEST(SioPacket, EncodeJsonTextMatchesEncode) {
  // As a caller would have serialized it.
  const std::string arg = boost::json::serialize(
      boost::json::parse(R"({"message":{"id":"7","content":"a \"q\" \u00e9"}})"));
  for (std::string nsp : {"/", "/admin"}) {
    Packet ev;
    ev.type = PacketType::event;
    ev.nsp = nsp;
    ev.data = boost::json::array{"new_message", boost::json::parse(arg)};
    EXPECT_EQ(encode_event_json(nsp, "new_message", arg), encode(ev));
    Packet ack;
    ack.type = PacketType::ack;
    ack.nsp = nsp;
    ack.id = 12345678901234;
    ack.data = boost::json::array{boost::json::parse(arg)};
    EXPECT_EQ(encode_ack_json(nsp, 12345678901234, arg), encode(ack));
    auto back = decode(encode_ack_json(nsp, 0, arg));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, 0u);
    EXPECT_EQ(back->data, (boost::json::array{boost::json::parse(arg)}));
  }
}

TEST(SioPacket, RoundTrip) {
  for (std::string s : {R"(0/a,{"x":1})", R"(2/a,5["e",null])", R"(3/a,5[])", "1/chat,",
                        R"(52-/a,5["e",{"_placeholder":true,"num":0}])"}) {
    auto p = decode(s);
    ASSERT_TRUE(p) << s;
    EXPECT_EQ(encode(*p), s);
  }
}

TEST(SioDecoder, ReassemblesBinaryPackets) {
  Decoder d;
  auto r =
      d.on_text(R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  r = d.on_binary("\x01\x02\x03");
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  r = d.on_binary("\x04\x05\x06");
  ASSERT_TRUE(r);
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->attachments.size(), 2u);
  EXPECT_EQ((*r)->attachments[1], "\x04\x05\x06");
  // Ready for the next packet.
  r = d.on_text(R"(2["x"])");
  ASSERT_TRUE(r && *r);
}

TEST(SioDecoder, RejectsOutOfOrderFrames) {
  Decoder d;
  EXPECT_EQ(d.on_binary("x").error(), make_error_code(error::unexpected_binary));
  ASSERT_TRUE(d.on_text(R"(51-["x",{"_placeholder":true,"num":0}])"));
  EXPECT_EQ(d.on_text(R"(2["x"])").error(), make_error_code(error::unexpected_text));
}

TEST(SioDecoder, ZeroAttachmentBinaryPacketCompletesAtOnce) {
  Decoder d;
  auto r = d.on_text(R"(50-["x"])");
  ASSERT_TRUE(r && *r);
}

}  // namespace
}  // namespace parlor::sio
