// Server-owned read state: each member's last_read_seq per room (the
// store's MemberRecord), the unread / mention counts derived from it, and
// the events that keep every tab's badges exact.
//
// The store functions run inside a storage job (the caller's write or read
// transaction); the send_* functions run after that job committed, from any
// thread, and only queue work on the Outbox. So a feature's check/do/notify
// is: call the store function in the same job as the change, then the
// matching send_* in the job's after-commit step.
//
// Badge rules, shared with the web client:
//  - new message: no server event. A client adds 1 to unread_count for a
//    new_message with parent_id null, sender not itself, seq > its room's
//    last_read_seq; and 1 to mention_count on each `mention` with seq >
//    last_read_seq. Every tab sees the same events, so they agree.
//  - mark_read (any tab): unread_update to all the reader's connections.
//  - an edit that adds or removes a mention, or a delete: the server sends
//    unread_update with fresh counts to each online member whose counts
//    changed (offline members get fresh counts from sync / REST). A user
//    newly mentioned by an edit also gets `mention` (message.edited is
//    true: a notification only, the client does not count it), sent before
//    that unread_update.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "chat/error.hpp"
#include "chat/outbox.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace parlor::chat::read_state {

// DMs always send read receipts; other rooms only up to this many members.
inline constexpr std::int64_t max_receipt_members = 100;

struct Counts {
  std::int64_t unread_count = 0;
  std::int64_t mention_count = 0;
  std::int64_t last_read_seq = 0;
  bool operator==(const Counts&) const = default;
};

struct UserCounts {
  store::Id user_id = 0;
  Counts counts;
};

struct MarkRead {
  store::Id room_id = 0;
  store::Id user_id = 0;
  Counts counts;          // after the move
  bool moved = false;     // last_read_seq went forward (events are due)
  bool receipts = false;  // the room is a DM or small enough for read_receipt
};

using IsOnline = std::function<bool(store::Id user_id)>;

// ---- inside a storage job

// The member's counts; nullopt when the user is not a member.
std::optional<Counts> counts(store::Connection& c, store::Id room_id, store::Id user_id);
Counts counts(store::Connection& c, const store::MemberRecord& m);

// mark_read {room_id|dm_id, message_id}: moves the member's last_read_seq to
// the message's seq if that is further (never back). Errors: not_found (no
// such room or message, or the message is in another room), forbidden (not
// a member). Needs a write transaction.
Result<MarkRead> mark_read(store::Connection& c, store::Id user_id, store::Id room_id,
                           store::Id message_id);

// Members (not the sender) that message `m` mentions: who gets `mention`.
std::vector<store::Id> mentioned_members(store::Connection& c, const store::MessageRecord& m);

// After an edit changed the mentions from `before.mentions` to
// `after_mentions` (call it after storing the edit): fresh counts for every
// online member added or removed whose mention_count moved.
std::vector<UserCounts> after_edit(store::Connection& c, const store::MessageRecord& before,
                                   const std::vector<store::Id>& after_mentions,
                                   const IsOnline& is_online);
// Members newly mentioned by an edit (they get `mention`, like on send).
std::vector<store::Id> newly_mentioned(store::Connection& c, const store::MessageRecord& before,
                                       const std::vector<store::Id>& after_mentions);

// After `before` was deleted (call it after storing the delete): fresh
// counts for every online member whose unread or mention count moved.
std::vector<UserCounts> after_delete(store::Connection& c, const store::MessageRecord& before,
                                     const IsOnline& is_online);

// ---- after the commit (any thread)

// {ok, unread_count, mention_count} for the mark_read ack.
boost::json::object ack_fields(const Counts& counts);
boost::json::object unread_update_json(store::Id room_id, const Counts& counts);
boost::json::object read_receipt_json(store::Id room_id, store::Id user_id,
                                      std::int64_t last_read_seq);

// unread_update to the reader's connections and read_receipt to the room,
// when the mark moved.
void send_mark_read(Outbox& out, const MarkRead& r);
// unread_update to each user's connections.
void send_updates(Outbox& out, store::Id room_id, const std::vector<UserCounts>& updates);
// `mention` {message} to each user's connections.
void send_mentions(Outbox& out, const std::vector<store::Id>& user_ids,
                   const boost::json::value& message_json);

}  // namespace parlor::chat::read_state
