// Binds the chat domain to the wire: the Socket.IO namespace "/" (connect,
// every client event of the contract, disconnect) and the REST routes.
#pragma once

#include "app/socket_outbox.hpp"
#include "chat/service.hpp"
#include "net/http_server.hpp"
#include "sio/server.hpp"

namespace parlor::app {

void bind_socket_events(chat::Service& service, SocketOutbox& outbox, sio::Namespace& ns);
// REST routes go to the server's router; upload routes get mounts of their
// own (their body limit), and /files/ and /thumbs/ are mounted onto the router.
void bind_rest_routes(chat::Service& service, net::Server& http);

}  // namespace parlor::app
