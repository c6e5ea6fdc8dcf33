// SqliteConnection: store::Connection on one sqlite3 connection. Its methods
// are split by subject over connection.cpp (transactions), users.cpp,
// rooms.cpp, messages.cpp (writes) and reads.cpp (message reads and counts).
#pragma once

#include <string>
#include <vector>

#include "store/sqlite/db.hpp"
#include "store/sqlite/send_cache.hpp"
#include "store/store.hpp"

namespace parlor::store::sqlite {

class Checkpointer;

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, const OpenOptions& options);

  void begin_read() override;
  void begin_write() override;
  void commit() override;
  void rollback() override;
  void savepoint() override;
  void release_savepoint() override;
  void rollback_to_savepoint() override;
  std::uint64_t rows_changed() override;
  bool in_transaction() override;
  void between_batches() override;
  // Reports this connection's commits to `c` and finishes its checkpoints
  // between batches. `c` must outlive this connection.
  void report_to(Checkpointer& c);

  Id create_user(const UserRecord& u) override;
  std::optional<UserRecord> user_by_id(Id id) override;
  std::optional<UserRecord> user_by_username(const std::string& username) override;
  std::optional<UserRecord> user_by_email(const std::string& email) override;
  std::vector<UserRecord> users_by_ids(const std::vector<Id>& ids) override;
  std::vector<UserRecord> search_users(const std::string& query, int limit) override;
  void update_user_profile(const UserRecord& u) override;
  void set_last_seen(Id user_id, TimeMs when) override;

  void revoke_token(const std::string& jti, TimeMs expires_at) override;
  bool is_token_revoked(const std::string& jti) override;
  std::vector<RevokedToken> revoked_tokens_not_expired(TimeMs now) override;
  std::size_t forget_expired_revocations(TimeMs now) override;

  Id create_room(const RoomRecord& r) override;
  std::optional<RoomRecord> room_by_id(Id id) override;
  std::optional<RoomRecord> dm_by_key(const std::string& dm_key) override;
  void update_room(const RoomRecord& r) override;
  std::vector<RoomRecord> rooms_of_user(Id user_id) override;
  std::vector<Id> room_ids_of_user(Id user_id) override;
  std::vector<RoomRecord> public_rooms() override;
  std::int64_t next_rev(Id room_id) override;

  void add_member(const MemberRecord& m) override;
  bool remove_member(Id room_id, Id user_id) override;
  std::optional<MemberRecord> member(Id room_id, Id user_id) override;
  std::vector<MemberRecord> members(Id room_id) override;
  std::vector<Id> room_sharers(Id user_id) override;
  void set_role(Id room_id, Id user_id, Role role) override;
  void set_last_read_seq(Id room_id, Id user_id, std::int64_t seq) override;

  Id insert_message(const MessageRecord& m) override;
  Id append_message(MessageRecord& m, std::int64_t room_rev) override;
  SendContext send_context(Id room_id, Id sender_id, const std::string& client_msg_id) override;
  std::optional<MessageRecord> message_by_id(Id id) override;
  std::optional<MessageRecord> message_by_client_id(Id sender_id,
                                                    const std::string& client_msg_id) override;
  void edit_message(Id id, const std::string& content, const std::vector<Id>& mentions,
                    TimeMs edited_at, std::int64_t rev) override;
  std::vector<EditRecord> edits(Id message_id) override;
  void delete_message(Id id, std::int64_t rev) override;
  void set_pinned(Id id, bool pinned, std::int64_t rev) override;
  void set_rev(Id id, std::int64_t rev) override;
  void set_link_previews(Id id, const std::string& json, std::int64_t rev) override;
  void add_reply(Id parent_id, TimeMs reply_at, std::int64_t rev) override;
  bool add_reaction(Id message_id, Id user_id, const std::string& emoji) override;
  bool remove_reaction(Id message_id, Id user_id, const std::string& emoji) override;

  HistoryPage history(const HistoryQuery& q) override;
  std::vector<MessageRecord> thread_replies(Id parent_id) override;
  std::vector<MessageRecord> pinned_messages(Id room_id) override;
  std::int64_t pinned_count(Id room_id) override;
  std::vector<MessageRecord> messages_changed_after(Id room_id, std::int64_t after_rev,
                                                    int limit) override;
  std::optional<MessageRecord> last_message(Id room_id) override;

  std::int64_t count_unread(Id room_id, Id user_id, std::int64_t after_seq) override;
  std::int64_t count_mentions(Id room_id, Id user_id, std::int64_t after_seq) override;

  Id insert_file(const FileRecord& f) override;
  std::vector<FileRecord> files_by_ids(const std::vector<Id>& ids) override;
  std::optional<FileRecord> file_by_key(const std::string& storage_key) override;
  std::int64_t stored_bytes_of(Id uploader_id) override;
  void claim_files(const std::vector<Id>& ids) override;
  std::vector<std::string> release_files(const std::vector<Id>& ids) override;
  void remove_files(const std::vector<std::string>& storage_keys) override;
  std::vector<FileRecord> remove_unclaimed_files(TimeMs before, std::size_t limit) override;

  std::size_t index_new_messages(std::size_t limit) override;
  SearchPage search_messages(const SearchQuery& q) override;

  Db& db() { return db_; }

 private:
  // Reads every row of a message query (columns: kMessageColumns), with reactions.
  std::vector<MessageRecord> read_messages(Query& q);
  void fill_reactions(MessageRecord& m);
  // Reactions and attachments.
  void fill_details(MessageRecord& m);
  void insert_mentions(Id message_id, Id room_id, std::int64_t seq, const std::vector<Id>& ids);
  // The INSERT (and its mentions rows) of insert_message / append_message.
  Id insert_message_row(const MessageRecord& m);

  // sqlite3_update_hook: keeps send_cache_ exact for rooms and users.
  static void on_row_change(void* self, int op, const char* database, const char* table,
                            long long rowid);
  // Forgets the cache if another connection committed since the last look.
  void notice_other_commits();
  std::optional<Id> message_id_by_client_id(Id sender_id, const std::string& client_msg_id);

  // Search index upkeep (search.cpp). index_in_passing runs in commit():
  // it indexes what is new once kIndexEvery messages are waiting or
  // kIndexIntervalMs passed since it last did.
  static constexpr std::size_t kIndexEvery = 1024;
  static constexpr TimeMs kIndexIntervalMs = 1000;
  void index_in_passing(TimeMs now);
  // Around a change of an indexed message's content: out with the old
  // content (before), in with the new (after).
  void unindex_message(Id id);
  void reindex_message(Id id);

  Db db_;
  Checkpointer* checkpointer_ = nullptr;
  SendCache send_cache_;
  bool writing_ = false;  // in a transaction begun by begin_write (the cache is used only there)
  long long data_version_ = -1;
  std::size_t unindexed_ = 0;  // messages inserted since the index last caught up (about)
  TimeMs last_indexed_at_ = 0;
};

// The message columns every message read selects, in MessageRecord order.
#define PARLOR_MESSAGE_COLUMNS                                                                   \
  "id, room_id, seq, rev, sender_id, content, mentions, parent_id, reply_count, last_reply_at, " \
  "edited_at, deleted, pinned, created_at, client_msg_id, attachment_ids, link_previews"

// One row of a query selecting PARLOR_MESSAGE_COLUMNS first (no reactions).
MessageRecord read_message(const Query& q);

// "1,2,3" <-> {1, 2, 3}
std::string join_ids(const std::vector<Id>& ids);
std::vector<Id> split_ids(const std::string& text);

}  // namespace parlor::store::sqlite
