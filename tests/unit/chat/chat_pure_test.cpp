// The chat domain's pure parts: UTF-8, validation, mentions, JSON shapes,
// tokens, passwords, the rate limiter, access rules.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>

#include "chat/access.hpp"
#include "chat/auth/passwords.hpp"
#include "chat/auth/rate_limiter.hpp"
#include "chat/auth/revocations.hpp"
#include "chat/auth/tokens.hpp"
#include "chat/error.hpp"
#include "chat/json.hpp"
#include "chat/json_writer.hpp"
#include "chat/mentions.hpp"
#include "chat/raw_member.hpp"
#include "chat/utf8.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {
namespace {

namespace json = boost::json;

TEST(Utf8, CountsCodePointsAndRejectsBadSequences) {
  EXPECT_EQ(utf8_length("hello"), 5u);
  EXPECT_EQ(utf8_length("h\xC3\xA9llo"), 5u);      // é
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1u);  // 😀
  EXPECT_FALSE(utf8_length("\xC3"));               // truncated
  EXPECT_FALSE(utf8_length("\xC0\xAF"));           // overlong '/'
  EXPECT_FALSE(utf8_length("\xED\xA0\x80"));       // surrogate
  EXPECT_FALSE(utf8_length("\xF4\x90\x80\x80"));   // > U+10FFFF
  EXPECT_FALSE(utf8_length("\xFF"));
  EXPECT_FALSE(is_valid_utf8(std::string("ok\x80", 3)));
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));
}

TEST(Mentions, ParsesUsernamesServerSide) {
  auto m = parse_mentions("hi @Alice and @bob.smith, mail carol@example.com @alice again @x.");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "alice");
  EXPECT_EQ(m[1], "bob.smith");
  EXPECT_TRUE(parse_mentions("no mentions here").empty());
  EXPECT_EQ(parse_mentions("@dave.").at(0), "dave");
  EXPECT_EQ(parse_mentions("(@erin)").at(0), "erin");
  std::string many;
  for (int i = 0; i < 100; ++i) many += "@user" + std::to_string(i) + " ";
  EXPECT_EQ(parse_mentions(many, 50).size(), 50u);
}

TEST(Validation, TextFieldsNameTheFieldAndCheckTypes) {
  json::object o{{"name", "  general "}, {"n", 5}, {"bad", "\xFF"}};
  auto name = req_text(o, "name", {1, 80, true});
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, "general");
  auto wrong = req_text(o, "n", {1, 80, false});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Code::invalid);
  EXPECT_NE(wrong.error().message.find("n:"), std::string::npos);
  EXPECT_FALSE(req_text(o, "bad", {1, 80, false}));
  EXPECT_FALSE(req_text(o, "missing", {1, 80, false}));
  auto opt = opt_text(o, "missing", {1, 80, false});
  ASSERT_TRUE(opt);
  EXPECT_FALSE(*opt);
  json::object big{{"name", std::string(81, 'x')}};
  EXPECT_FALSE(req_text(big, "name", {1, 80, false}));
}

TEST(Validation, IdsAreOpaqueStrings) {
  EXPECT_EQ(parse_id(std::string_view("42")), 42);
  EXPECT_FALSE(parse_id(std::string_view("0")));
  EXPECT_FALSE(parse_id(std::string_view("-3")));
  EXPECT_FALSE(parse_id(std::string_view("12a")));
  EXPECT_FALSE(parse_id(std::string_view("99999999999999999999")));
  // In a payload: a string that is not ours names nothing; a non-string is malformed.
  EXPECT_EQ(parse_id(json::value("42")), 42);
  EXPECT_EQ(parse_id(json::value("abc")), kNoSuchId);
  EXPECT_EQ(parse_id(json::value("0")), kNoSuchId);
  EXPECT_FALSE(parse_id(json::value("")));
  EXPECT_FALSE(parse_id(json::value(7)));
  EXPECT_FALSE(parse_id(json::value(1.5)));
  EXPECT_FALSE(parse_id(json::value(true)));
  json::object o{{"ids", json::array{"1", "2", "1"}}, {"bad", json::array{"1", 2}}};
  auto ids = id_list(o, "ids", 10, true);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 2u);  // deduplicated
  EXPECT_FALSE(id_list(o, "bad", 10, true));
  EXPECT_FALSE(id_list(o, "ids", 1, true));
}

TEST(Validation, MessageContentLimitsAreInCharacters) {
  json::object ok{{"content", std::string(10, 'a')}};
  EXPECT_TRUE(message_content(ok, "content", 10));
  // 10 two-byte characters are 20 bytes but only 10 characters.
  std::string accents;
  for (int i = 0; i < 10; ++i) accents += "\xC3\xA9";
  json::object acc{{"content", accents}};
  EXPECT_TRUE(message_content(acc, "content", 10));
  json::object too{{"content", std::string(11, 'a')}};
  auto r = message_content(too, "content", 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::too_large);
  json::object blank{{"content", "   "}};
  EXPECT_EQ(message_content(blank, "content", 10).error().code, Code::invalid);
  json::object bad{{"content", "\xFF"}};
  EXPECT_EQ(message_content(bad, "content", 10).error().code, Code::invalid);
  json::object num{{"content", 3}};
  EXPECT_EQ(message_content(num, "content", 10).error().code, Code::invalid);
}

TEST(Validation, AccountFields) {
  EXPECT_FALSE(check_username("alice_01"));
  EXPECT_TRUE(check_username("al"));
  EXPECT_TRUE(check_username("has space"));
  EXPECT_TRUE(check_username("trailing."));
  EXPECT_FALSE(check_email("a@b.c"));
  EXPECT_TRUE(check_email("nope"));
  EXPECT_TRUE(check_email("a@@b"));
  EXPECT_TRUE(check_password("short"));
  EXPECT_FALSE(check_password("long enough"));
  EXPECT_FALSE(check_emoji("\xF0\x9F\x91\x8D"));
  EXPECT_FALSE(check_emoji(":thumbsup:"));
  EXPECT_TRUE(check_emoji(""));
  EXPECT_TRUE(check_emoji("a b"));
}

TEST(Json, TimesAreIsoUtcWithMilliseconds) {
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(1795343400123), "2026-11-22T10:30:00.123Z");
  EXPECT_EQ(iso_time(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_time(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_time(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_TRUE(iso_time_or_null(0).is_null());
}

// Message 5, seq 3 of room 2, sent by user 9.
store::MessageRecord message_5() {
  store::MessageRecord m;
  m.id = 5;
  m.room_id = 2;
  m.seq = 3;
  m.rev = 3;
  m.sender_id = 9;
  return m;
}

TEST(Json, MessageShape) {
  store::MessageRecord m = message_5();
  m.rev = 4;
  m.content = "hi @bob";
  m.mentions = {10};
  m.created_at = 1795343400123;
  m.client_msg_id = "c1";
  m.reactions = {{"\xF0\x9F\x91\x8D", {9, 10}}};
  store::UserRecord u;
  u.id = 9;
  u.username = "alice";
  auto o = message_json(m, &u);
  EXPECT_EQ(o.at("id"), "5");
  EXPECT_EQ(o.at("room_id"), "2");
  EXPECT_EQ(o.at("seq"), 3);
  EXPECT_EQ(o.at("rev"), 4);
  EXPECT_EQ(o.at("sender_id"), "9");
  EXPECT_EQ(o.at("sender").at("username"), "alice");
  EXPECT_EQ(o.at("sender").at("display_name"), "alice");
  EXPECT_EQ(o.at("mentions"), (json::array{"10"}));
  EXPECT_TRUE(o.at("parent_id").is_null());
  EXPECT_EQ(o.at("reactions").at(0).at("count"), 2);
  EXPECT_EQ(o.at("reactions").at(0).at("user_ids"), (json::array{"9", "10"}));
  EXPECT_EQ(o.at("edited"), false);
  EXPECT_TRUE(o.at("edited_at").is_null());
  EXPECT_EQ(o.at("created_at"), "2026-11-22T10:30:00.123Z");
  EXPECT_TRUE(o.at("attachments").as_array().empty());
  for (const char* k :
       {"reply_count", "last_reply_at", "deleted", "pinned", "client_msg_id", "link_previews"})
    EXPECT_TRUE(o.contains(k)) << k;

  m.deleted = true;
  auto d = message_json(m, &u);
  EXPECT_EQ(d.at("content"), "");
  EXPECT_TRUE(d.at("reactions").as_array().empty());
}

TEST(Json, MessageTextIsWhatBoostJsonWouldSerialize) {
  store::MessageRecord m = message_5();
  m.rev = 7;
  m.content =
      "a \"quote\", a \\ and\ttabs\nlines\x01\x1f\x7f caf\xC3\xA9 \xF0\x9F\x91\x8D </script>";
  m.mentions = {10, 11};
  m.parent_id = 4;
  m.reply_count = 2;
  m.last_reply_at = 1795343400123;
  m.edited_at = 1795343400999;
  m.pinned = true;
  m.created_at = 1795343400000;
  m.client_msg_id = "c\"1";
  m.reactions = {{"\xF0\x9F\x91\x8D", {9, 10}}, {"x", {}}};
  store::UserRecord u;
  u.id = 9;
  u.username = "alice";
  u.display_name = "Al \"the\" ice";
  u.avatar_url = "/a.png";
  const store::UserRecord* senders[] = {&u, nullptr};
  for (const store::UserRecord* sender : senders) {
    for (bool deleted : {false, true}) {
      m.deleted = deleted;
      const std::string text = message_text(m, sender);
      // Canonical: Boost.JSON writes the parsed value back byte for byte.
      EXPECT_EQ(json::serialize(json::parse(text)), text);
      EXPECT_EQ(json::value(message_json(m, sender)), json::parse(text));
    }
  }
  EXPECT_EQ(message_json(m, nullptr).at("sender").at("id"), "9");
}

TEST(Json, WriterEscapesEveryByteAsBoostJsonDoes) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("all").string(all);
  const std::string long_key(70, 'k');  // past the writer's one-append buffer
  w.key(long_key).begin_object().key("x").null().end_object();
  w.key("n").begin_array().number(-9223372036854775807 - 1).number(0).decimal_string(42);
  w.boolean(true).boolean(false).null().begin_object().end_object().begin_array().end_array();
  w.end_array();
  w.end_object();
  json::object expected;
  expected["all"] = all;
  expected[long_key] = json::object{{"x", nullptr}};
  expected["n"] = json::array{std::int64_t(-9223372036854775807 - 1),
                              0,
                              "42",
                              true,
                              false,
                              nullptr,
                              json::object(),
                              json::array()};
  EXPECT_EQ(out, json::serialize(expected));
}

TEST(Json, RoomShapeDependsOnTheViewer) {
  RoomView v;
  v.room.id = 3;
  v.room.name = "general";
  v.room.type = store::RoomType::private_room;
  v.room.rev = 7;
  v.room.last_seq = 6;
  v.room.member_count = 2;
  auto outsider = room_json(v);
  EXPECT_TRUE(outsider.at("role").is_null());
  EXPECT_EQ(outsider.at("type"), "private");
  EXPECT_FALSE(outsider.contains("participants"));
  store::MemberRecord me;
  me.role = store::Role::admin;
  me.last_read_seq = 4;
  v.me = me;
  v.unread_count = 2;
  v.pinned_ids = {11};
  auto member = room_json(v);
  EXPECT_EQ(member.at("role"), "admin");
  EXPECT_EQ(member.at("unread_count"), 2);
  EXPECT_EQ(member.at("last_read_seq"), 4);
  EXPECT_EQ(member.at("pinned_message_ids"), (json::array{"11"}));
  EXPECT_EQ(member.at("rev"), 7);
  v.room.type = store::RoomType::dm;
  EXPECT_TRUE(room_json(v).contains("participants"));
}

TEST(Json, RawMemberIsSplicedAsItsOwnLastMember) {
  json::value msg = json::parse(R"({"id":"1","content":"say \"hi\"\n","mentions":[]})");
  RawMember raw{"message", std::make_shared<const std::string>(json::serialize(msg))};
  EXPECT_EQ(serialize_with({}, &raw), json::serialize(json::object{{"message", msg}}));
  json::object fields{{"ok", true}};
  EXPECT_EQ(json::parse(serialize_with(fields, &raw)),
            json::value(json::object{{"ok", true}, {"message", msg}}));
  EXPECT_EQ(serialize_with(fields, nullptr), R"({"ok":true})");
  EXPECT_EQ(merge_parsed(fields, raw), (json::object{{"ok", true}, {"message", msg}}));
  // A key that needs escaping is escaped like any other.
  RawMember odd{"a\"b", std::make_shared<const std::string>("1")};
  EXPECT_EQ(json::parse(serialize_with({}, &odd)), json::value(json::object{{"a\"b", 1}}));
}

TEST(Errors, AcksAndStatuses) {
  auto a = error_ack({Code::rate_limited, "slow down", 1500});
  EXPECT_EQ(a.at("ok"), false);
  EXPECT_EQ(a.at("error").at("code"), "rate_limited");
  EXPECT_EQ(a.at("error").at("retry_after_ms"), 1500);
  EXPECT_EQ(http_status(Code::not_found), 404u);
  EXPECT_EQ(http_status(Code::too_large), 413u);
  EXPECT_EQ(http_status(Code::rate_limited), 429u);
  EXPECT_EQ(ok_ack({{"x", 1}}).at("ok"), true);
}

TEST(Passwords, HashAndVerify) {
  auto h = auth::hash_password("hunter2 hunter2", auth::HashCost::minimal());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(auth::verify_password(*h, "hunter2 hunter2"));
  EXPECT_FALSE(auth::verify_password(*h, "hunter3 hunter3"));
  EXPECT_FALSE(auth::verify_password("", "x"));
  EXPECT_FALSE(auth::verify_password("garbage", "x"));
}

TEST(Tokens, IssueVerifyExpireTamper) {
  auth::TokenSigner signer(std::string(64, 's'), 3600);
  const store::TimeMs now = 1'800'000'000'000;
  auth::TokenClaims issued;
  auto t = signer.issue(42, now, &issued);
  ASSERT_TRUE(t);
  auto c = signer.verify(*t, now + 1000);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user_id, 42);
  EXPECT_EQ(c->jti, issued.jti);
  EXPECT_EQ(c->expires_at, now + 3600 * 1000);
  EXPECT_FALSE(signer.verify(*t, now + 3600 * 1000 + 1));  // expired
  auth::TokenSigner other(std::string(64, 'o'), 3600);
  EXPECT_FALSE(other.verify(*t, now));  // wrong secret
  std::string tampered = *t;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_FALSE(signer.verify(tampered, now));
  EXPECT_FALSE(signer.verify("", now));
  EXPECT_FALSE(signer.verify("a.b.c", now));
  auto t2 = signer.issue(42, now);
  EXPECT_NE(signer.verify(*t2, now)->jti, c->jti);  // every login gets its own jti
  // alg "none" is refused even with a valid-looking payload.
  std::string none =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiI0MiIsImp0aSI6IngiLCJleHAiOjk5OTk5OTk5OTl9.";
  EXPECT_FALSE(signer.verify(none, now));
}

TEST(Tokens, SecretIsCreatedOnceWithMode0600) {
  char tmpl[] = "/tmp/parlor-secret-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string err;
  auto s1 = auth::load_or_create_secret("", dir, err);
  ASSERT_TRUE(s1) << err;
  auto s2 = auth::load_or_create_secret("", dir, err);
  ASSERT_TRUE(s2);
  EXPECT_EQ(*s1, *s2);
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/jwt_secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*auth::load_or_create_secret("configured", dir, err), "configured");
  std::filesystem::remove_all(dir);
}

TEST(RateLimiter, TokenBucketWithInjectedClock) {
  store::TimeMs now = 1000;
  auth::RateLimiter rl(2.0, 3, [&] { return now; });  // 2/s, burst 3
  EXPECT_EQ(rl.take("a"), 0u);
  EXPECT_EQ(rl.take("a"), 0u);
  EXPECT_EQ(rl.take("a"), 0u);
  unsigned wait = rl.take("a");
  EXPECT_EQ(wait, 500u);
  EXPECT_EQ(rl.take("b"), 0u);  // keys are independent
  now += 499;
  EXPECT_GT(rl.take("a"), 0u);
  now += 1;
  EXPECT_EQ(rl.take("a"), 0u);
  EXPECT_GT(rl.check("a"), 0u);
  now += 10'000;  // refills to the burst, no further
  EXPECT_EQ(rl.check("a"), 0u);
  EXPECT_EQ(rl.take("a"), 0u);
  EXPECT_EQ(rl.take("a"), 0u);
  EXPECT_EQ(rl.take("a"), 0u);
  EXPECT_GT(rl.take("a"), 0u);
}

store::RoomRecord room(store::RoomType t, bool archived = false) {
  store::RoomRecord r;
  r.id = 1;
  r.type = t;
  r.archived = archived;
  return r;
}
store::MemberRecord member(store::Id user, store::Role role) {
  store::MemberRecord m;
  m.room_id = 1;
  m.user_id = user;
  m.role = role;
  return m;
}

TEST(Revocations, ForgetsEachTokenOnceItHasExpired) {
  auth::Revocations r;
  r.add("a", 1000);
  r.add("b", 3000);
  r.add("c", 2000);
  r.add("a", 4000);  // a later expiry for the same token wins
  r.add("c", 1500);  // an earlier one changes nothing
  EXPECT_EQ(r.size(), 3u);
  r.forget_expired(1999);
  EXPECT_EQ(r.size(), 3u);
  r.forget_expired(2000);
  EXPECT_FALSE(r.contains("c"));
  EXPECT_TRUE(r.contains("a"));
  EXPECT_TRUE(r.contains("b"));
  r.forget_expired(3000);
  EXPECT_FALSE(r.contains("b"));
  EXPECT_TRUE(r.contains("a"));
  r.forget_expired(4000);
  EXPECT_EQ(r.size(), 0u);
  r.add("a", 5000);  // revoked again after being forgotten
  EXPECT_TRUE(r.contains("a"));
  r.forget_expired(4999);
  EXPECT_TRUE(r.contains("a"));
}

TEST(Access, RoomRules) {
  using store::Role;
  using store::RoomType;
  auto pub = room(RoomType::public_room);
  auto priv = room(RoomType::private_room);
  auto arch = room(RoomType::public_room, true);
  auto dm = room(RoomType::dm);
  std::optional<store::MemberRecord> none;
  auto mem = std::optional(member(1, Role::member));
  auto adm = std::optional(member(1, Role::admin));
  auto own = std::optional(member(1, Role::owner));

  EXPECT_FALSE(check_room(pub, none, Need::view));
  EXPECT_EQ(check_room(priv, none, Need::view)->code, Code::forbidden);
  EXPECT_EQ(check_room(dm, none, Need::view)->code, Code::forbidden);
  EXPECT_EQ(check_room(pub, none, Need::write)->code, Code::forbidden);
  EXPECT_FALSE(check_room(pub, mem, Need::write));
  EXPECT_EQ(check_room(arch, mem, Need::write)->code, Code::forbidden);
  EXPECT_EQ(check_room(pub, mem, Need::moderate)->code, Code::forbidden);
  EXPECT_FALSE(check_room(pub, adm, Need::moderate));
  EXPECT_FALSE(check_room(pub, own, Need::moderate));
  EXPECT_FALSE(check_room(arch, adm, Need::moderate));  // can un-archive
  EXPECT_EQ(check_room(arch, adm, Need::moderate_write)->code, Code::forbidden);
  EXPECT_FALSE(check_room(dm, mem, Need::moderate_write));  // DM participants pin
}

TEST(Access, RemovingMembers) {
  using store::Role;
  auto pub = room(store::RoomType::public_room);
  auto owner = member(1, Role::owner);
  auto admin = member(2, Role::admin);
  auto admin2 = member(4, Role::admin);
  auto plain = member(3, Role::member);
  EXPECT_FALSE(check_remove_member(pub, plain, plain));  // leave
  EXPECT_FALSE(check_remove_member(pub, owner, admin));  // owner kicks anyone
  EXPECT_FALSE(check_remove_member(pub, admin, plain));  // admin kicks members
  EXPECT_EQ(check_remove_member(pub, admin, owner)->code, Code::forbidden);
  EXPECT_EQ(check_remove_member(pub, admin, admin2)->code, Code::forbidden);
  EXPECT_EQ(check_remove_member(pub, plain, admin)->code, Code::forbidden);
  EXPECT_EQ(check_remove_member(pub, std::nullopt, plain)->code, Code::forbidden);
  EXPECT_EQ(check_remove_member(room(store::RoomType::dm), plain, plain)->code, Code::invalid);
}

TEST(Access, InvitesAndDeletes) {
  using store::Role;
  auto pub = room(store::RoomType::public_room);
  auto priv = room(store::RoomType::private_room);
  auto plain = std::optional(member(3, Role::member));
  auto admin = std::optional(member(2, Role::admin));
  EXPECT_FALSE(check_invite(pub, plain));
  EXPECT_EQ(check_invite(priv, plain)->code, Code::forbidden);
  EXPECT_FALSE(check_invite(priv, admin));
  EXPECT_EQ(check_invite(room(store::RoomType::dm), plain)->code, Code::invalid);

  store::MessageRecord m;
  m.sender_id = 3;
  EXPECT_FALSE(check_delete_message({pub, plain}, m, 3));
  EXPECT_EQ(check_delete_message({pub, plain}, m, 5)->code, Code::forbidden);
  EXPECT_FALSE(check_delete_message({pub, admin}, m, 2));
  EXPECT_EQ(check_delete_message({room(store::RoomType::dm), admin}, m, 2)->code, Code::forbidden);
}

}  // namespace
}  // namespace parlor::chat
