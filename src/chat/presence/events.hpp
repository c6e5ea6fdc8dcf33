// The chat domain's side of presence (compiled into parlor_chat): the
// `activity` and `set_status` events, user objects with live presence, and
// sync's presence snapshot.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/presence/hub.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace parlor::chat {
class Domain;
}

namespace parlor::chat::presence {

void register_events(Domain& d);

// The contract's user object for a stored user, with status from the hub
// (the record's busy choice wins, see Hub::status) and last_seen from the
// hub when it has seen the user (the store's copy is written a moment later).
boost::json::object user_object(const Hub& hub, store::UserRecord u);

// sync's `presence`: every other user who shares a room with `user_id`, as
// user objects. Call inside a storage job.
boost::json::array snapshot(store::Connection& c, store::Id user_id, const Hub& hub);

}  // namespace parlor::chat::presence
