// An in-memory store::Connection holding just what read-state needs: rooms,
// members and messages, with the store's unread / mention count rules.
// Everything else throws, so a test notices if the code under test reaches
// further than it says.
#pragma once

#include <algorithm>
#include <map>
#include <stdexcept>

#include "store/store.hpp"

namespace parlor::chat::testing {

class FakeReadConnection : public store::Connection {
 public:
  std::map<store::Id, store::RoomRecord> rooms;
  std::map<std::pair<store::Id, store::Id>, store::MemberRecord> member_map;  // room, user
  std::map<store::Id, store::MessageRecord> messages;
  int last_read_writes = 0;

  store::RoomRecord& add_room(store::Id id, store::RoomType type = store::RoomType::public_room) {
    store::RoomRecord r;
    r.id = id;
    r.type = type;
    return rooms[id] = r;
  }
  void join(store::Id room, store::Id user, std::int64_t last_read = 0) {
    member_map[{room, user}] = store::MemberRecord{room, user, store::Role::member, 0, last_read};
    ++rooms[room].member_count;
  }
  store::MessageRecord& post(store::Id id, store::Id room, store::Id sender,
                             std::vector<store::Id> mentions = {},
                             std::optional<store::Id> parent = {}) {
    store::MessageRecord m;
    m.id = id;
    m.room_id = room;
    m.sender_id = sender;
    m.seq = m.rev = ++rooms[room].rev;
    rooms[room].last_seq = m.seq;
    m.mentions = std::move(mentions);
    m.parent_id = parent;
    return messages[id] = m;
  }

  std::optional<store::RoomRecord> room_by_id(store::Id id) override {
    auto it = rooms.find(id);
    if (it == rooms.end()) return std::nullopt;
    return it->second;
  }
  std::optional<store::MemberRecord> member(store::Id room, store::Id user) override {
    auto it = member_map.find({room, user});
    if (it == member_map.end()) return std::nullopt;
    return it->second;
  }
  std::vector<store::MemberRecord> members(store::Id room) override {
    std::vector<store::MemberRecord> out;
    for (const auto& [key, m] : member_map) {
      if (key.first == room) out.push_back(m);
    }
    return out;
  }
  void set_last_read_seq(store::Id room, store::Id user, std::int64_t seq) override {
    member_map.at({room, user}).last_read_seq = seq;
    ++last_read_writes;
  }
  std::optional<store::MessageRecord> message_by_id(store::Id id) override {
    auto it = messages.find(id);
    if (it == messages.end()) return std::nullopt;
    return it->second;
  }
  std::int64_t count_unread(store::Id room, store::Id user, std::int64_t after) override {
    return std::count_if(messages.begin(), messages.end(), [&](const auto& kv) {
      const auto& m = kv.second;
      return m.room_id == room && !m.deleted && !m.parent_id && m.seq > after &&
             m.sender_id != user;
    });
  }
  std::int64_t count_mentions(store::Id room, store::Id user, std::int64_t after) override {
    return std::count_if(messages.begin(), messages.end(), [&](const auto& kv) {
      const auto& m = kv.second;
      return m.room_id == room && !m.deleted && m.seq > after &&
             std::find(m.mentions.begin(), m.mentions.end(), user) != m.mentions.end();
    });
  }

  [[noreturn]] static void no() { throw std::logic_error("not in FakeReadConnection"); }
  void begin_read() override { no(); }
  void begin_write() override { no(); }
  void commit() override { no(); }
  void rollback() override { no(); }
  void savepoint() override { no(); }
  void release_savepoint() override { no(); }
  void rollback_to_savepoint() override { no(); }
  std::uint64_t rows_changed() override { no(); }
  bool in_transaction() override { no(); }
  store::Id create_user(const store::UserRecord&) override { no(); }
  std::optional<store::UserRecord> user_by_id(store::Id) override { no(); }
  std::optional<store::UserRecord> user_by_username(const std::string&) override { no(); }
  std::optional<store::UserRecord> user_by_email(const std::string&) override { no(); }
  std::vector<store::UserRecord> users_by_ids(const std::vector<store::Id>&) override { no(); }
  std::vector<store::UserRecord> search_users(const std::string&, int) override { no(); }
  void update_user_profile(const store::UserRecord&) override { no(); }
  void set_last_seen(store::Id, store::TimeMs) override { no(); }
  void revoke_token(const std::string&, store::TimeMs) override { no(); }
  bool is_token_revoked(const std::string&) override { no(); }
  std::vector<store::RevokedToken> revoked_tokens_not_expired(store::TimeMs) override { no(); }
  std::size_t forget_expired_revocations(store::TimeMs) override { no(); }
  store::Id create_room(const store::RoomRecord&) override { no(); }
  std::optional<store::RoomRecord> dm_by_key(const std::string&) override { no(); }
  void update_room(const store::RoomRecord&) override { no(); }
  std::vector<store::RoomRecord> rooms_of_user(store::Id) override { no(); }
  std::vector<store::RoomRecord> public_rooms() override { no(); }
  std::int64_t next_rev(store::Id) override { no(); }
  void add_member(const store::MemberRecord&) override { no(); }
  bool remove_member(store::Id, store::Id) override { no(); }
  void set_role(store::Id, store::Id, store::Role) override { no(); }
  store::Id insert_message(const store::MessageRecord&) override { no(); }
  std::optional<store::MessageRecord> message_by_client_id(store::Id, const std::string&) override {
    no();
  }
  void edit_message(store::Id, const std::string&, const std::vector<store::Id>&, store::TimeMs,
                    std::int64_t) override {
    no();
  }
  std::vector<store::EditRecord> edits(store::Id) override { no(); }
  void delete_message(store::Id, std::int64_t) override { no(); }
  void set_pinned(store::Id, bool, std::int64_t) override { no(); }
  void set_rev(store::Id, std::int64_t) override { no(); }
  void add_reply(store::Id, store::TimeMs, std::int64_t) override { no(); }
  bool add_reaction(store::Id, store::Id, const std::string&) override { no(); }
  bool remove_reaction(store::Id, store::Id, const std::string&) override { no(); }
  store::HistoryPage history(const store::HistoryQuery&) override { no(); }
  std::vector<store::MessageRecord> thread_replies(store::Id) override { no(); }
  std::vector<store::MessageRecord> pinned_messages(store::Id) override { no(); }
  std::int64_t pinned_count(store::Id) override { no(); }
  std::vector<store::MessageRecord> messages_changed_after(store::Id, std::int64_t, int) override {
    no();
  }
  std::optional<store::MessageRecord> last_message(store::Id) override { no(); }
};

}  // namespace parlor::chat::testing
