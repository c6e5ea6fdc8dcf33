#include "app/chat_binding.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

namespace parlor::app {
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

// Every client-to-server event of the contract (each takes an ack).
constexpr std::string_view client_events[] = {
    "join_room",    "leave_room",     "sync",         "send_message",
    "edit_message", "delete_message", "add_reaction", "remove_reaction",
    "pin_message",  "unpin_message",  "typing_start", "typing_stop",
    "mark_read",    "set_status",     "activity",
};

std::vector<std::string> param_names(std::string_view pattern) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while ((pos = pattern.find("/:", pos)) != std::string_view::npos) {
    auto start = pos + 2;
    auto end = pattern.find('/', start);
    names.emplace_back(pattern.substr(start, end == std::string_view::npos ? end : end - start));
    pos = start;
  }
  return names;
}

// The domain's reply to an event, sent as the Socket.IO ack (if the client
// asked for one).
chat::AckReply ack_reply(sio::Ack ack) {
  return [ack = std::move(ack)](chat::AckBody result) {
    if (ack.wanted()) ack.send_json(result.json());
  };
}

http::verb to_verb(const std::string& method) {
  return http::string_to_verb(method);
}

}  // namespace

void bind_socket_events(chat::Service& service, SocketOutbox& outbox, sio::Namespace& ns) {
  ns.on_connect([&service](sio::SocketHandle socket, json::value auth, sio::ConnectReply reply) {
    service.connect(socket.id(), auth, socket.handshake().peer,
                    [reply](std::optional<json::object> refusal) {
                      if (refusal)
                        reply.refuse(std::move(*refusal));
                      else
                        reply.accept();
                    });
  });
  for (auto name : client_events) {
    ns.on(std::string(name), [&service, event = std::string(name)](sio::SocketHandle socket,
                                                                   json::array args, sio::Ack ack) {
      json::value payload = args.empty() ? json::value() : std::move(args[0]);
      service.event(socket.id(), event, std::move(payload), ack_reply(std::move(ack)));
    });
  }
  // Anything else is answered by the domain too (`invalid`, unknown event).
  ns.on_any(
      [&service](sio::SocketHandle socket, std::string event, json::array args, sio::Ack ack) {
        json::value payload = args.empty() ? json::value() : std::move(args[0]);
        service.event(socket.id(), event, std::move(payload), ack_reply(std::move(ack)));
      });
  ns.on_disconnect([&service, &outbox](sio::SocketHandle socket, std::string reason) {
    spdlog::debug("socket {} disconnected: {}", socket.id(), reason);
    service.disconnected(socket.id());
    outbox.forget(socket.id());
  });
}

void bind_rest_routes(chat::Service& service, net::Router& router) {
  for (auto& route : service.rest_routes()) {
    auto names = param_names(route.pattern);
    router.add(to_verb(route.method), route.pattern,
               [handler = route.handler, names](const net::Request& req, net::Params params,
                                                net::Responder responder) {
                 chat::RestRequest r;
                 for (const auto& n : names) r.params[n] = std::string(params.get(n));
                 for (const auto& [k, v] : req.query) r.query.emplace(k, v);
                 if (!req.body().empty()) {
                   boost::system::error_code ec;
                   r.body = json::parse(req.body(), ec);
                   if (ec) {
                     responder.error(http::status::bad_request, "invalid",
                                     "the request body is not valid JSON");
                     return;
                   }
                 }
                 auto auth = req.header("authorization");
                 constexpr std::string_view bearer = "Bearer ";
                 if (auth.size() > bearer.size() &&
                     std::equal(bearer.begin(), bearer.end(), auth.begin(), [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     })) {
                   r.bearer_token = std::string(auth.substr(bearer.size()));
                 }
                 r.peer_ip = req.peer;
                 handler(std::move(r), [responder](chat::RestResponse res) {
                   auto response =
                       net::make_json_response(static_cast<http::status>(res.status), res.body);
                   if (res.retry_after_ms > 0) {
                     response.set(http::field::retry_after,
                                  std::to_string((res.retry_after_ms + 999) / 1000));
                   }
                   responder.send(std::move(response));
                 });
               });
  }
}

}  // namespace parlor::app
