// Message actions. Each runs inside one storage write job: check, take the
// room's next rev, write, render; the broadcast is an after-step, so it
// leaves only after the commit, from the domain strand, in rev order.
// send_message, the hot one, reads once (Connection::send_context), writes
// twice (append_message) and leaves rendering to the strand
// (Outcome::complete): the ack and the broadcast show the record it
// inserted, with the sender read in that same first read.
//
// Threads: a reply to a reply is attached to the thread's root. A reply
// takes rev r (its seq = rev = r) and sets its root's rev to r as well
// (reply_count + 1, last_reply_at), so `sync` returns the root's new state
// with the reply; there is no separate event for the root: clients apply
// new_message with a parent_id to the root themselves.
#pragma once

#include <optional>
#include <string>

#include "chat/domain.hpp"
#include "chat/files/storage.hpp"
#include "chat/previews/previewer.hpp"

namespace parlor::chat::actions {

struct NewMessage {
  store::Id room_id = 0;
  std::string content;
  std::string client_msg_id;
  std::optional<store::Id> parent_id;
  std::vector<store::Id> attachment_ids;  // distinct; checked against the store
  std::vector<store::Id> mentions;        // by id, besides the text's @username ones
};

// {message}. A resend (same sender and client_msg_id) returns the stored
// message and changes and broadcasts nothing.
Outcome send_message(Domain& d, store::Connection& c, store::Id user_id, const NewMessage& m);
// Sets a message's link previews with a new rev and broadcasts
// message_edited, unless its content changed since the links were read
// (then nothing). A preview's image is its thumbnail (`thumbnails`, by
// preview: recorded as a file of the message's sender, claimed) or none;
// `used_thumbnails` tells whether they were recorded.
Outcome add_link_previews(Domain& d, store::Connection& c, store::Id message_id,
                          const std::string& content, std::vector<previews::LinkPreview> previews,
                          const std::vector<std::optional<files::Stored>>& thumbnails,
                          bool& used_thumbnails);

// {message}; sender only; broadcasts message_edited.
Outcome edit_message(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id,
                     const std::string& content);
// {}; sender or room admin/owner; broadcasts message_deleted. Deleting a
// deleted message is a no-op success. A pinned message is unpinned by it.
Outcome delete_message(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id);
// {message}; idempotent (adding a reaction already there changes nothing).
Outcome react(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id,
              const std::string& emoji, bool add);
// {}; room admin/owner (any participant in a DM), at most 10 pins per room
// (`conflict`); idempotent.
Outcome pin(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id, bool pinned);

inline constexpr std::int64_t kMaxPinsPerRoom = 10;

}  // namespace parlor::chat::actions
