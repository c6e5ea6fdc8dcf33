// How the chat domain reaches connected clients without seeing sockets.
// Implemented in src/app/ over the Socket.IO layer. A "connection" is an
// opaque id (the Socket.IO socket id). Every method is thread-safe, returns
// at once, and keeps the order of calls made from one thread: a subscribe
// followed by a to_room from the same thread reaches that connection.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace parlor::chat {

using ConnId = std::string;

class Outbox {
 public:
  virtual ~Outbox() = default;

  virtual void to_connection(const ConnId& conn, std::string_view event,
                             const boost::json::value& payload) = 0;
  // Every connection subscribed to the room, but `except` (if not empty).
  // The payload is encoded once for all recipients.
  virtual void to_room(store::Id room_id, std::string_view event, const boost::json::value& payload,
                       const ConnId& except = {}) = 0;
  // The same with the payload already serialized (the JSON text of an
  // object): a payload built around a value that also goes elsewhere (a new
  // message, also in its sender's ack) is not serialized again. The default
  // parses it back and calls to_room.
  virtual void to_room_json(store::Id room_id, std::string_view event,
                            std::string_view payload_json) {
    to_room(room_id, event, boost::json::parse(payload_json));
  }
  // Every connection subscribed to the room but none of `except_user`'s
  // (user_typing: the typist's other tabs must not see their own typing).
  // The default sends to the whole room; the app's Outbox overrides it.
  virtual void to_room_except_user(store::Id room_id, std::string_view event,
                                   const boost::json::value& payload, store::Id except_user) {
    (void)except_user;
    to_room(room_id, event, payload);
  }
  // Every connection of the user (see bind_user).
  virtual void to_user(store::Id user_id, std::string_view event,
                       const boost::json::value& payload) = 0;

  virtual void bind_user(const ConnId& conn, store::Id user_id) = 0;  // conn now gets to_user
  virtual void subscribe(const ConnId& conn, store::Id room_id) = 0;
  virtual void unsubscribe(const ConnId& conn, store::Id room_id) = 0;
  // Every connection of the user joins / leaves the room's subscription.
  virtual void subscribe_user(store::Id user_id, store::Id room_id) = 0;
  virtual void unsubscribe_user(store::Id user_id, store::Id room_id) = 0;

  // Closes the connection (Socket.IO DISCONNECT, then the transport).
  virtual void disconnect(const ConnId& conn) = 0;
};

}  // namespace parlor::chat
