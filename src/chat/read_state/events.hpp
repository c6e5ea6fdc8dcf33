// The chat domain's side of read state (compiled into parlor_chat): the
// mark_read event, and the hooks the message actions call inside their
// storage job, right after queuing their own broadcast in `o`, so that
// these events follow it, after the commit.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "chat/domain.hpp"
#include "chat/raw_member.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace parlor::chat::read_state {

void register_events(Domain& d);

// A new message, in two halves so that the send job only reads what it
// must: inside the job, the members to tell (those mentioned, see
// mentioned_members); then on the strand after the commit, right after the
// new_message broadcast, `mention` to them, and the sender's typing in the
// room ends.
std::vector<store::Id> on_sent(store::Connection& c, const store::MessageRecord& m);
void after_sent(Domain& d, store::Id room_id, store::Id sender_id,
                const std::vector<store::Id>& mentioned, const RawMember& message);
// An edit (after it is stored): `mention` to newly mentioned members, then
// fresh counts to online members whose mention count moved.
void on_edited(Domain& d, Outcome& o, store::Connection& c, const store::MessageRecord& before,
               const store::MessageRecord& after, const boost::json::object& message_json);
// A delete (after it is stored): fresh counts to online members whose
// unread or mention count moved.
void on_deleted(Domain& d, Outcome& o, store::Connection& c, const store::MessageRecord& before);

}  // namespace parlor::chat::read_state
