// Binds the chat domain to the wire: the Socket.IO namespace "/" (connect,
// every client event of the contract, disconnect) and the REST routes.
#pragma once

#include "app/socket_outbox.hpp"
#include "chat/service.hpp"
#include "net/router.hpp"
#include "sio/server.hpp"

namespace parlor::app {

void bind_socket_events(chat::Service& service, SocketOutbox& outbox, sio::Namespace& ns);
void bind_rest_routes(chat::Service& service, net::Router& router);

}  // namespace parlor::app
