// Binds the chat domain to the wire: the Socket.IO namespace "/" (connect,
// every client event of the contract, disconnect) and the REST routes.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "app/socket_outbox.hpp"
#include "chat/service.hpp"
#include "net/http_server.hpp"
#include "sio/server.hpp"

namespace parlor::app {

void bind_socket_events(chat::Service& service, SocketOutbox& outbox, sio::Namespace& ns);
// REST routes go to the server's router; upload routes get mounts of their
// own (their body limit), and /files/ and /thumbs/ are mounted onto the router.
// Upload bodies are parsed on `parse_on`, not on the I/O thread that read them.
void bind_rest_routes(chat::Service& service, net::Server& http,
                      boost::asio::any_io_executor parse_on);

}  // namespace parlor::app
