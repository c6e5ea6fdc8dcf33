// The authorization matrix: for every event and endpoint, a caller who is
// not logged in, not a member, or lacks the role gets the right error, and
// the stored state, read back, is unchanged.
#include <gtest/gtest.h>

#include "service_harness.hpp"

namespace parlor::chat::testing {
namespace {

struct World {
  Harness h;
  TestUser owner, member, outsider;
  std::string priv, pub, m_owner, m_member, m_pub;

  World() {
    owner = h.register_user("owner");
    member = h.register_user("member");
    outsider = h.register_user("outsider");
    priv = h.create_room(owner, "private", "private", json::array{member.id_s});
    pub = h.create_room(owner, "public", "public", json::array{member.id_s});
    for (auto [conn, u] : {std::pair{"o", &owner}, {"m", &member}, {"x", &outsider}})
      if (h.connect(conn, u->token)) throw std::runtime_error("connect failed");
    m_owner = send("o", priv, "owner's", "1");
    m_member = send("m", priv, "member's", "2");
    m_pub = send("o", pub, "public", "3");
    h.emit("o", "pin_message", json::object{{"message_id", m_owner}});
    h.emit("m", "add_reaction", json::object{{"message_id", m_owner}, {"emoji", "x"}});
  }
  std::string send(const char* conn, const std::string& room, const char* text, const char* cmid) {
    auto ack = h.send(conn, room, text, cmid);
    return std::string(ack.at("message").at("id").as_string());
  }

  // Everything an action could change, read straight from the store.
  std::string snapshot() {
    return h.read_store([&](store::Connection& c) {
      std::string s;
      for (const auto& rid : {priv, pub}) {
        auto r = c.room_by_id(std::stoll(rid));
        s += r->name + "|" + r->description + "|" + std::to_string(r->archived) + "|" +
             std::to_string(r->rev) + "|" + std::to_string(r->last_seq) + "|" +
             std::to_string(r->member_count) + ";";
        for (const auto& m : c.members(r->id))
          s += std::to_string(m.user_id) + ":" + std::to_string(int(m.role)) + ",";
        for (const auto& m : c.messages_changed_after(r->id, 0, 1000)) {
          s += m.content + "|" + std::to_string(m.rev) + "|" + std::to_string(m.deleted) +
               std::to_string(m.pinned) + "|" + std::to_string(m.reply_count) + "|";
          for (const auto& re : m.reactions) s += re.emoji + std::to_string(re.user_ids.size());
          s += ";";
        }
      }
      for (const auto& u : c.search_users("", 100)) s += u.display_name + u.status + ";";
      return s;
    });
  }
};

struct EventCase {
  const char* conn;
  const char* event;
  json::object payload;
  const char* expected;
};

TEST(Authorization, EventsMatrix) {
  World w;
  const std::string before = w.snapshot();
  auto msg = [](const std::string& id) { return json::object{{"message_id", id}}; };
  auto react = [](const std::string& id) {
    return json::object{{"message_id", id}, {"emoji", "x"}};
  };
  auto edit = [](const std::string& id) {
    return json::object{{"message_id", id}, {"content", "changed"}};
  };
  auto send_to = [](const std::string& room) {
    return json::object{{"room_id", room}, {"content", "intruder"}, {"client_msg_id", "evil"}};
  };
  auto room = [](const std::string& id) { return json::object{{"room_id", id}}; };
  std::vector<EventCase> cases = {
      // not a member of the private room
      {"x", "send_message", send_to(w.priv), "forbidden"},
      {"x", "send_message",
       json::object{{"dm_id", w.priv}, {"content", "x"}, {"client_msg_id", "e2"}}, "forbidden"},
      {"x", "edit_message", edit(w.m_owner), "forbidden"},
      {"x", "delete_message", msg(w.m_owner), "forbidden"},
      {"x", "add_reaction", react(w.m_member), "forbidden"},
      {"x", "remove_reaction", react(w.m_owner), "forbidden"},
      {"x", "pin_message", msg(w.m_member), "forbidden"},
      {"x", "unpin_message", msg(w.m_owner), "forbidden"},
      {"x", "join_room", room(w.priv), "forbidden"},
      {"x", "leave_room", room(w.priv), "forbidden"},
      // not a member of the public room (may read and join, not write)
      {"x", "send_message", send_to(w.pub), "forbidden"},
      {"x", "edit_message", edit(w.m_pub), "forbidden"},
      {"x", "delete_message", msg(w.m_pub), "forbidden"},
      {"x", "add_reaction", react(w.m_pub), "forbidden"},
      {"x", "pin_message", msg(w.m_pub), "forbidden"},
      {"x", "leave_room", room(w.pub), "forbidden"},
      // a member without the role
      {"m", "edit_message", edit(w.m_owner), "forbidden"},
      {"m", "delete_message", msg(w.m_owner), "forbidden"},
      // not logged in
      {"ghost", "send_message", send_to(w.pub), "unauthorized"},
      {"ghost", "edit_message", edit(w.m_owner), "unauthorized"},
      {"ghost", "delete_message", msg(w.m_owner), "unauthorized"},
      {"ghost", "add_reaction", react(w.m_owner), "unauthorized"},
      {"ghost", "remove_reaction", react(w.m_owner), "unauthorized"},
      {"ghost", "pin_message", msg(w.m_owner), "unauthorized"},
      {"ghost", "unpin_message", msg(w.m_owner), "unauthorized"},
      {"ghost", "join_room", room(w.pub), "unauthorized"},
      {"ghost", "leave_room", room(w.pub), "unauthorized"},
      {"ghost", "sync", json::object{}, "unauthorized"},
      // unknown ids
      {"o", "send_message", send_to("999999"), "not_found"},
      {"o", "edit_message", edit("999999"), "not_found"},
      {"o", "delete_message", msg("999999"), "not_found"},
      {"o", "add_reaction", react("999999"), "not_found"},
      {"o", "pin_message", msg("999999"), "not_found"},
      {"o", "join_room", room("999999"), "not_found"},
      {"o", "leave_room", room("999999"), "not_found"},
      // wrong types
      {"o", "edit_message", json::object{{"message_id", w.m_owner}, {"content", 1}}, "invalid"},
      {"o", "delete_message", json::object{{"message_id", json::array{}}}, "invalid"},
      {"o", "add_reaction", json::object{{"message_id", w.m_owner}, {"emoji", 3}}, "invalid"},
      {"o", "pin_message", json::object{}, "invalid"},
      {"o", "join_room", json::object{{"room_id", -4}}, "invalid"},
  };
  for (const auto& c : cases) {
    auto ack = w.h.emit(c.conn, c.event, c.payload);
    EXPECT_EQ(code_of(ack), c.expected)
        << c.conn << " " << c.event << " " << json::serialize(c.payload) << " → "
        << json::serialize(ack);
    EXPECT_EQ(w.snapshot(), before) << c.conn << " " << c.event << " changed the store";
  }
  EXPECT_TRUE(w.h.outbox.received("x", "new_message").empty());
}

TEST(Authorization, EveryRestRouteNeedsAToken) {
  World w;
  const std::string before = w.snapshot();
  int checked = 0;
  for (const auto& [method, pattern] : w.h.routes()) {
    if (pattern == "/api/auth/register" || pattern == "/api/auth/login") continue;
    // Files are read by their unguessable link (docs/API.md, "Files").
    if (pattern.rfind("/api/", 0) != 0) continue;
    std::map<std::string, std::string> params{{"id", w.priv}, {"user_id", w.member.id_s}};
    json::object body{{"name", "x"}, {"emoji", "x"}, {"user_ids", json::array{w.outsider.id_s}}};
    for (const std::string token : {"", "not-a-jwt"}) {
      auto r = w.h.rest(method, pattern, token, body, params);
      EXPECT_EQ(r.status, 401u) << method << " " << pattern;
      EXPECT_EQ(code_of(r), "unauthorized");
    }
    ++checked;
  }
  EXPECT_GE(checked, 19);
  EXPECT_EQ(w.snapshot(), before);
}

struct RestCase {
  const TestUser* who;
  const char* method;
  const char* pattern;
  std::map<std::string, std::string> params;
  json::value body;
  const char* expected;
};

TEST(Authorization, RestMatrix) {
  World w;
  const std::string before = w.snapshot();
  const auto* x = &w.outsider;
  const auto* m = &w.member;
  std::vector<RestCase> cases = {
      {x, "GET", "/api/rooms/:id", {{"id", w.priv}}, nullptr, "forbidden"},
      {x, "GET", "/api/rooms/:id/members", {{"id", w.priv}}, nullptr, "forbidden"},
      {x, "GET", "/api/rooms/:id/messages", {{"id", w.priv}}, nullptr, "forbidden"},
      {x, "GET", "/api/rooms/:id/pinned", {{"id", w.priv}}, nullptr, "forbidden"},
      {x, "PATCH", "/api/rooms/:id", {{"id", w.priv}}, json::object{{"name", "mine"}}, "forbidden"},
      {x, "PATCH", "/api/rooms/:id", {{"id", w.pub}}, json::object{{"name", "mine"}}, "forbidden"},
      {x,
       "POST",
       "/api/rooms/:id/members",
       {{"id", w.priv}},
       json::object{{"user_ids", json::array{x->id_s}}},
       "forbidden"},
      {x,
       "POST",
       "/api/rooms/:id/members",
       {{"id", w.pub}},
       json::object{{"user_ids", json::array{x->id_s}}},
       "forbidden"},
      {x,
       "DELETE",
       "/api/rooms/:id/members/:user_id",
       {{"id", w.priv}, {"user_id", m->id_s}},
       nullptr,
       "forbidden"},
      {x,
       "DELETE",
       "/api/rooms/:id/members/:user_id",
       {{"id", w.pub}, {"user_id", m->id_s}},
       nullptr,
       "forbidden"},
      {x, "GET", "/api/messages/:id/thread", {{"id", w.m_owner}}, nullptr, "forbidden"},
      {x, "GET", "/api/messages/:id/history", {{"id", w.m_owner}}, nullptr, "forbidden"},
      {x,
       "POST",
       "/api/messages/:id/reactions",
       {{"id", w.m_owner}},
       json::object{{"emoji", "y"}},
       "forbidden"},
      {x,
       "POST",
       "/api/messages/:id/reactions",
       {{"id", w.m_pub}},
       json::object{{"emoji", "y"}},
       "forbidden"},
      {m,
       "PATCH",
       "/api/rooms/:id",
       {{"id", w.priv}},
       json::object{{"archived", true}},
       "forbidden"},
      {m,
       "DELETE",
       "/api/rooms/:id/members/:user_id",
       {{"id", w.priv}, {"user_id", w.owner.id_s}},
       nullptr,
       "forbidden"},
      {m,
       "POST",
       "/api/rooms/:id/members",
       {{"id", w.priv}},
       json::object{{"user_ids", json::array{x->id_s}}},
       "forbidden"},
      // unknown ids and bad input
      {m, "GET", "/api/rooms/:id", {{"id", "999999"}}, nullptr, "not_found"},
      {m, "GET", "/api/rooms/:id", {{"id", "abc"}}, nullptr, "not_found"},
      {m, "GET", "/api/messages/:id/thread", {{"id", "999999"}}, nullptr, "not_found"},
      {m,
       "POST",
       "/api/messages/:id/reactions",
       {{"id", w.m_owner}},
       json::object{{"emoji", 1}},
       "invalid"},
      {m,
       "POST",
       "/api/rooms/:id/members",
       {{"id", w.pub}},
       json::object{{"user_ids", json::array{"999999"}}},
       "not_found"},
      {m,
       "POST",
       "/api/rooms/:id/members",
       {{"id", w.pub}},
       json::object{{"user_ids", "x"}},
       "invalid"},
      {m, "PATCH", "/api/users/me", {}, json::object{{"display_name", 5}}, "invalid"},
      {m, "PATCH", "/api/users/me", {}, json::string("x"), "invalid"},
  };
  for (const auto& c : cases) {
    auto r = w.h.rest(c.method, c.pattern, c.who->token, c.body, c.params);
    EXPECT_EQ(code_of(r), c.expected) << c.who->username << " " << c.method << " " << c.pattern
                                      << " → " << json::serialize(r.body);
    EXPECT_EQ(w.snapshot(), before) << c.method << " " << c.pattern << " changed the store";
  }
}

}  // namespace
}  // namespace parlor::chat::testing
