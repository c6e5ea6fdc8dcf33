// The storage interface the chat domain uses. Backends: sqlite/ (embedded,
// the default) and, later, postgres/. The domain never sees SQL.
//
// Threading: a Store is shared; each Connection is used by one thread at a
// time (the Executor owns them). Every call may block on disk: never call
// these from an I/O thread, go through store::Executor.
//
// Errors: unexpected database failures throw store::Error; expected outcomes
// (not found, already there) are return values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/records.hpp"

namespace parlor::store {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Transactions. begin_write() takes the write lock at once (BEGIN IMMEDIATE).
  virtual void begin_read() = 0;
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // Savepoints nest inside a write transaction (group commit runs each job in one).
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;
  // For the group commit: a count that moves whenever this connection
  // inserts, updates or deletes a row (a failed statement changes nothing),
  // and whether a transaction is open (some failures end it by themselves).
  virtual std::uint64_t rows_changed() = 0;
  virtual bool in_transaction() = 0;
  // The writer calls this after each batch's commit and callbacks, with no
  // transaction open: upkeep that must not hold up the batch's replies
  // (SQLite: finishing a background WAL checkpoint).
  virtual void between_batches() {}

  // ---- users
  virtual Id create_user(const UserRecord& u) = 0;  // throws Error on a duplicate
  virtual std::optional<UserRecord> user_by_id(Id id) = 0;
  virtual std::optional<UserRecord> user_by_username(const std::string& username) = 0;  // ci
  virtual std::optional<UserRecord> user_by_email(const std::string& email) = 0;        // ci
  // Each known user once, in the order of first mention; unknown ids are skipped.
  virtual std::vector<UserRecord> users_by_ids(const std::vector<Id>& ids) = 0;
  // Prefix match on username or display name, case-insensitive, ordered by username.
  virtual std::vector<UserRecord> search_users(const std::string& query, int limit) = 0;
  // Writes display_name, avatar_url, status, custom_status, last_seen.
  virtual void update_user_profile(const UserRecord& u) = 0;
  virtual void set_last_seen(Id user_id, TimeMs when) = 0;

  // ---- revoked login tokens (by their jti), kept until they expire
  virtual void revoke_token(const std::string& jti, TimeMs expires_at) = 0;
  virtual bool is_token_revoked(const std::string& jti) = 0;
  // Soonest expiry first.
  virtual std::vector<RevokedToken> revoked_tokens_not_expired(TimeMs now) = 0;
  // Deletes the revocations of tokens expired at `now`; returns how many.
  virtual std::size_t forget_expired_revocations(TimeMs now) = 0;

  // ---- rooms
  virtual Id create_room(const RoomRecord& r) = 0;  // rev, last_seq, member_count start at 0
  virtual std::optional<RoomRecord> room_by_id(Id id) = 0;
  virtual std::optional<RoomRecord> dm_by_key(const std::string& dm_key) = 0;
  virtual void update_room(const RoomRecord& r) = 0;  // name, description, archived
  virtual std::vector<RoomRecord> rooms_of_user(Id user_id) = 0;
  // The ids of rooms_of_user, in the same order (ascending).
  virtual std::vector<Id> room_ids_of_user(Id user_id) {
    std::vector<Id> ids;
    for (const auto& r : rooms_of_user(user_id)) ids.push_back(r.id);
    return ids;
  }
  virtual std::vector<RoomRecord> public_rooms() = 0;  // not archived first, by name
  // Hands out the room's next change-stream value (rev = rev + 1) and returns it.
  virtual std::int64_t next_rev(Id room_id) = 0;

  // ---- membership (member_count is kept by add/remove)
  virtual void add_member(const MemberRecord& m) = 0;  // no-op if already a member
  virtual bool remove_member(Id room_id, Id user_id) = 0;
  virtual std::optional<MemberRecord> member(Id room_id, Id user_id) = 0;
  virtual std::vector<MemberRecord> members(Id room_id) = 0;
  // Every user who shares a room with `user_id`, each once, `user_id` first
  // (whether or not it is in any room): presence's audience.
  virtual std::vector<Id> room_sharers(Id user_id) {
    std::vector<Id> ids{user_id};
    std::unordered_set<Id> seen{user_id};
    for (Id room : room_ids_of_user(user_id)) {
      for (const MemberRecord& m : members(room)) {
        if (seen.insert(m.user_id).second) ids.push_back(m.user_id);
      }
    }
    return ids;
  }
  virtual void set_role(Id room_id, Id user_id, Role role) = 0;
  virtual void set_last_read_seq(Id room_id, Id user_id, std::int64_t seq) = 0;

  // ---- messages (reads fill reactions; mentions and attachment_ids are stored with the message)
  // Inserts with the given seq/rev (taken from next_rev) and updates the room's
  // last_seq. Throws Error if (sender_id, client_msg_id) already exists.
  virtual Id insert_message(const MessageRecord& m) = 0;
  // A new message in one step: takes the room's next rev (room_rev + 1, where
  // room_rev is the room's rev as read earlier in this write transaction;
  // throws Error if it has moved since), sets m.seq = m.rev to it, inserts
  // the message as insert_message does (moving the room's last_seq) and sets
  // m.id. Returns m.id.
  virtual Id append_message(MessageRecord& m, std::int64_t room_rev) {
    (void)room_rev;
    m.rev = next_rev(m.room_id);
    m.seq = m.rev;
    m.id = insert_message(m);
    return m.id;
  }
  // What sending a message checks, in one read: the sender's message with
  // this client_msg_id, the room, the sender's membership and the sender.
  virtual SendContext send_context(Id room_id, Id sender_id, const std::string& client_msg_id) {
    SendContext s;
    if (auto dup = message_by_client_id(sender_id, client_msg_id)) s.duplicate_id = dup->id;
    s.room = room_by_id(room_id);
    if (s.room) s.member = member(room_id, sender_id);
    s.sender = user_by_id(sender_id);
    return s;
  }
  virtual std::optional<MessageRecord> message_by_id(Id id) = 0;
  virtual std::optional<MessageRecord> message_by_client_id(Id sender_id,
                                                            const std::string& client_msg_id) = 0;
  // Saves the old content in the edit history, then sets content, mentions,
  // edited_at and rev, and empties the link previews (they were the old text's).
  virtual void edit_message(Id id, const std::string& content, const std::vector<Id>& mentions,
                            TimeMs edited_at, std::int64_t rev) = 0;
  virtual std::vector<EditRecord> edits(Id message_id) = 0;  // oldest first
  // Soft delete: content emptied, mentions and reactions cleared, deleted=1, rev set.
  // Attachments and the edit history go too; seq, thread counters and pinned stay.
  virtual void delete_message(Id id, std::int64_t rev) = 0;
  virtual void set_pinned(Id id, bool pinned, std::int64_t rev) = 0;
  virtual void set_rev(Id id, std::int64_t rev) = 0;
  // Sets the message's link previews (a JSON array as text) and its rev.
  virtual void set_link_previews(Id id, const std::string& json, std::int64_t rev) {
    (void)id;
    (void)json;
    (void)rev;
    throw Error("link previews are not supported by this store");
  }
  // Counts a new reply on the thread root.
  virtual void add_reply(Id parent_id, TimeMs reply_at, std::int64_t rev) = 0;
  // false when the user already had (add) or did not have (remove) that reaction.
  virtual bool add_reaction(Id message_id, Id user_id, const std::string& emoji) = 0;
  virtual bool remove_reaction(Id message_id, Id user_id, const std::string& emoji) = 0;

  // Top-level messages (no parent) of a room, one page, ascending seq. An
  // `around` page holds limit / 2 older messages, then the one at around_seq
  // (or the next newer) and the newer ones.
  virtual HistoryPage history(const HistoryQuery& q) = 0;
  // Replies to a thread root, ascending seq.
  virtual std::vector<MessageRecord> thread_replies(Id parent_id) = 0;
  virtual std::vector<MessageRecord> pinned_messages(Id room_id) = 0;  // newest pin first
  virtual std::int64_t pinned_count(Id room_id) = 0;
  // Every message of the room (replies included) whose rev > after_rev, in rev
  // order (then seq: a reply and its thread root may share a rev), at most
  // limit + 1 (so the caller can tell has_more).
  virtual std::vector<MessageRecord> messages_changed_after(Id room_id, std::int64_t after_rev,
                                                            int limit) = 0;
  // The newest top-level message of the room, if any.
  virtual std::optional<MessageRecord> last_message(Id room_id) = 0;

  // ---- read state
  // Non-deleted top-level messages with seq > after_seq not sent by user_id.
  virtual std::int64_t count_unread(Id room_id, Id user_id, std::int64_t after_seq) = 0;
  // Non-deleted messages (replies included) with seq > after_seq mentioning
  // user_id, not counting the user's own messages.
  virtual std::int64_t count_mentions(Id room_id, Id user_id, std::int64_t after_seq) = 0;

  // ---- files
  virtual Id insert_file(const FileRecord& f) {
    (void)f;
    throw Error("files are not supported by this store");
  }
  // Each known file once, in the order of first mention; unknown ids are skipped.
  virtual std::vector<FileRecord> files_by_ids(const std::vector<Id>& ids) {
    (void)ids;
    return {};
  }
  virtual std::optional<FileRecord> file_by_key(const std::string& storage_key) {
    (void)storage_key;
    return std::nullopt;
  }
  // The bytes of every file recorded as uploaded by this user (preview
  // thumbnails of their messages included): what the upload quota counts.
  virtual std::int64_t stored_bytes_of(Id uploader_id) {
    (void)uploader_id;
    return 0;
  }
  // Adds a claim to each of these files: one per stored message that attaches
  // it (a message stores its attachments' claims itself) or preview that
  // keeps it. The sweep of unclaimed uploads spares claimed files.
  virtual void claim_files(const std::vector<Id>& ids) { (void)ids; }
  // Takes back one claim from each of these files (a deleted message's
  // attachments), deletes the records of those left with none, and returns
  // their storage keys: the bytes are the caller's to remove, after the commit.
  virtual std::vector<std::string> release_files(const std::vector<Id>& ids) {
    (void)ids;
    return {};
  }
  // Deletes the records of these files (a message's preview thumbnails
  // when its previews are replaced); unknown keys are skipped.
  virtual void remove_files(const std::vector<std::string>& storage_keys) { (void)storage_keys; }
  // Deletes the records of up to `limit` files uploaded before `before` that
  // no stored message attaches, oldest first, and returns them (their bytes
  // are the caller's to remove, after the commit).
  virtual std::vector<FileRecord> remove_unclaimed_files(TimeMs before, std::size_t limit) {
    (void)before;
    (void)limit;
    return {};
  }

  // ---- search
  // Adds to the search index up to `limit` of the messages not in it yet,
  // oldest first, and returns how many it added (fewer than `limit`: it is
  // up to date). Writes: writer only.
  virtual std::size_t index_new_messages(std::size_t limit) {
    (void)limit;
    return 0;
  }
  // The indexed messages that match, newest first (call index_new_messages
  // first, in an earlier transaction, to include the latest).
  virtual SearchPage search_messages(const SearchQuery& q) {
    (void)q;
    throw Error("search is not supported by this store");
  }
};

class Store {
 public:
  virtual ~Store() = default;
  // A new connection to the same database (for one thread at a time).
  virtual std::unique_ptr<Connection> connect() = 0;
  // A connection that only reads: any write through it throws Error. The
  // Executor's readers use these, so a write slipped into a read job fails
  // at once instead of committing outside the writer's order.
  virtual std::unique_ptr<Connection> connect_reader() { return connect(); }
};

}  // namespace parlor::store
