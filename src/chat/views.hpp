// Store reads that build the contract's objects (a message with its sender,
// a room as one user sees it, a DM conversation). Call inside Executor jobs.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace parlor::chat {

// The shown status of a user (online|away|busy|offline). Called from storage
// threads: must be thread-safe. The presence engine plugs in here.
using StatusFn = std::function<std::string(const store::UserRecord&)>;

boost::json::object render_message(store::Connection& c, const store::MessageRecord& m);
// Loads every sender once.
boost::json::array render_messages(store::Connection& c,
                                   const std::vector<store::MessageRecord>& ms);
boost::json::object render_room(store::Connection& c, const store::RoomRecord& room,
                                const std::optional<store::MemberRecord>& me,
                                const StatusFn& status);
boost::json::object render_room_for(store::Connection& c, const store::RoomRecord& room,
                                    store::Id user_id, const StatusFn& status);
// A DM as GET /api/direct-messages lists it: the room object plus last_message.
boost::json::object render_conversation(store::Connection& c, const store::RoomRecord& room,
                                        store::Id user_id, const StatusFn& status);

}  // namespace parlor::chat
