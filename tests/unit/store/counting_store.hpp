// A Store wrapper for executor tests: counts write transactions and can
// make the next commit fail. Everything else goes to the wrapped store.
#pragma once

#include <atomic>
#include <memory>

#include "store/store.hpp"

namespace parlor::store::test {

struct Counters {
  std::atomic<int> begin_writes{0};
  std::atomic<int> write_commits{0};
  std::atomic<int> rollbacks{0};
  std::atomic<int> savepoints{0};
  std::atomic<int> savepoint_rollbacks{0};
  std::atomic<bool> fail_next_commit{false};
  std::atomic<int> between_batches{0};
  std::atomic<int> between_batches_in_transaction{0};  // calls made with a transaction open
};

class CountingConnection final : public Connection {
 public:
  CountingConnection(std::unique_ptr<Connection> inner, Counters& counters)
      : inner_(std::move(inner)), counters_(counters) {}

  void begin_write() override {
    inner_->begin_write();
    ++counters_.begin_writes;
    writing_ = true;
  }
  void commit() override {
    if (writing_ && counters_.fail_next_commit.exchange(false))
      throw Error("injected commit failure");
    inner_->commit();
    if (writing_) ++counters_.write_commits;
    writing_ = false;
  }
  void rollback() override {
    ++counters_.rollbacks;
    writing_ = false;
    inner_->rollback();
  }
  void begin_read() override { inner_->begin_read(); }
  void savepoint() override {
    ++counters_.savepoints;
    inner_->savepoint();
  }
  void release_savepoint() override { inner_->release_savepoint(); }
  void rollback_to_savepoint() override {
    ++counters_.savepoint_rollbacks;
    inner_->rollback_to_savepoint();
  }
  std::uint64_t rows_changed() override { return inner_->rows_changed(); }
  bool in_transaction() override { return inner_->in_transaction(); }
  void between_batches() override {
    if (inner_->in_transaction()) ++counters_.between_batches_in_transaction;
    ++counters_.between_batches;
    inner_->between_batches();
  }
  Id create_user(const UserRecord& u) override { return inner_->create_user(u); }
  std::optional<UserRecord> user_by_id(Id id) override { return inner_->user_by_id(id); }
  std::optional<UserRecord> user_by_username(const std::string& username) override {
    return inner_->user_by_username(username);
  }
  std::optional<UserRecord> user_by_email(const std::string& email) override {
    return inner_->user_by_email(email);
  }
  std::vector<UserRecord> users_by_ids(const std::vector<Id>& ids) override {
    return inner_->users_by_ids(ids);
  }
  std::vector<UserRecord> search_users(const std::string& query, int limit) override {
    return inner_->search_users(query, limit);
  }
  void update_user_profile(const UserRecord& u) override { inner_->update_user_profile(u); }
  void set_last_seen(Id user_id, TimeMs when) override { inner_->set_last_seen(user_id, when); }
  void revoke_token(const std::string& jti, TimeMs expires_at) override {
    inner_->revoke_token(jti, expires_at);
  }
  bool is_token_revoked(const std::string& jti) override { return inner_->is_token_revoked(jti); }
  std::size_t forget_expired_revocations(TimeMs now) override {
    return inner_->forget_expired_revocations(now);
  }
  std::vector<RevokedToken> revoked_tokens_not_expired(TimeMs now) override {
    return inner_->revoked_tokens_not_expired(now);
  }
  Id create_room(const RoomRecord& r) override { return inner_->create_room(r); }
  std::optional<RoomRecord> room_by_id(Id id) override { return inner_->room_by_id(id); }
  std::optional<RoomRecord> dm_by_key(const std::string& dm_key) override {
    return inner_->dm_by_key(dm_key);
  }
  void update_room(const RoomRecord& r) override { inner_->update_room(r); }
  std::vector<RoomRecord> rooms_of_user(Id user_id) override {
    return inner_->rooms_of_user(user_id);
  }
  std::vector<RoomRecord> public_rooms() override { return inner_->public_rooms(); }
  std::int64_t next_rev(Id room_id) override { return inner_->next_rev(room_id); }
  void add_member(const MemberRecord& m) override { inner_->add_member(m); }
  bool remove_member(Id room_id, Id user_id) override {
    return inner_->remove_member(room_id, user_id);
  }
  std::optional<MemberRecord> member(Id room_id, Id user_id) override {
    return inner_->member(room_id, user_id);
  }
  std::vector<MemberRecord> members(Id room_id) override { return inner_->members(room_id); }
  void set_role(Id room_id, Id user_id, Role role) override {
    inner_->set_role(room_id, user_id, role);
  }
  void set_last_read_seq(Id room_id, Id user_id, std::int64_t seq) override {
    inner_->set_last_read_seq(room_id, user_id, seq);
  }
  Id insert_message(const MessageRecord& m) override { return inner_->insert_message(m); }
  std::optional<MessageRecord> message_by_id(Id id) override { return inner_->message_by_id(id); }
  std::optional<MessageRecord> message_by_client_id(Id sender_id,
                                                    const std::string& client_msg_id) override {
    return inner_->message_by_client_id(sender_id, client_msg_id);
  }
  void edit_message(Id id, const std::string& content, const std::vector<Id>& mentions,
                    TimeMs edited_at, std::int64_t rev) override {
    inner_->edit_message(id, content, mentions, edited_at, rev);
  }
  std::vector<EditRecord> edits(Id message_id) override { return inner_->edits(message_id); }
  void delete_message(Id id, std::int64_t rev) override { inner_->delete_message(id, rev); }
  void set_pinned(Id id, bool pinned, std::int64_t rev) override {
    inner_->set_pinned(id, pinned, rev);
  }
  void set_rev(Id id, std::int64_t rev) override { inner_->set_rev(id, rev); }
  void add_reply(Id parent_id, TimeMs reply_at, std::int64_t rev) override {
    inner_->add_reply(parent_id, reply_at, rev);
  }
  bool add_reaction(Id message_id, Id user_id, const std::string& emoji) override {
    return inner_->add_reaction(message_id, user_id, emoji);
  }
  bool remove_reaction(Id message_id, Id user_id, const std::string& emoji) override {
    return inner_->remove_reaction(message_id, user_id, emoji);
  }
  HistoryPage history(const HistoryQuery& q) override { return inner_->history(q); }
  std::vector<MessageRecord> thread_replies(Id parent_id) override {
    return inner_->thread_replies(parent_id);
  }
  std::vector<MessageRecord> pinned_messages(Id room_id) override {
    return inner_->pinned_messages(room_id);
  }
  std::int64_t pinned_count(Id room_id) override { return inner_->pinned_count(room_id); }
  std::vector<MessageRecord> messages_changed_after(Id room_id, std::int64_t after_rev,
                                                    int limit) override {
    return inner_->messages_changed_after(room_id, after_rev, limit);
  }
  std::optional<MessageRecord> last_message(Id room_id) override {
    return inner_->last_message(room_id);
  }
  std::int64_t count_unread(Id room_id, Id user_id, std::int64_t after_seq) override {
    return inner_->count_unread(room_id, user_id, after_seq);
  }
  std::int64_t count_mentions(Id room_id, Id user_id, std::int64_t after_seq) override {
    return inner_->count_mentions(room_id, user_id, after_seq);
  }

 private:
  std::unique_ptr<Connection> inner_;
  Counters& counters_;
  bool writing_ = false;
};

class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}
  std::unique_ptr<Connection> connect() override {
    return std::make_unique<CountingConnection>(inner_.connect(), counters);
  }
  std::unique_ptr<Connection> connect_reader() override {
    return std::make_unique<CountingConnection>(inner_.connect_reader(), counters);
  }
  Counters counters;

 private:
  Store& inner_;
};

}  // namespace parlor::store::test
