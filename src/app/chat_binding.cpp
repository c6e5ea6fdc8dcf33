#include "app/chat_binding.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include "core/ascii.hpp"
#include "core/json_text.hpp"
#include "net/multipart.hpp"

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

namespace {

// What every REST request carries besides its body.
chat::RestRequest rest_request(const net::Request& req, const std::vector<std::string>& names,
                               const net::Params& params) {
  chat::RestRequest r;
  for (const auto& n : names) r.params[n] = std::string(params.get(n));
  for (const auto& [k, v] : req.query) r.query.emplace(k, v);
  auto auth = req.header("authorization");
  constexpr std::string_view bearer = "Bearer ";
  if (auth.size() > bearer.size() && core::istarts_with(auth, bearer)) {
    r.bearer_token = std::string(auth.substr(bearer.size()));
  }
  r.peer_ip = req.peer;
  return r;
}

// The domain's answer on the wire: JSON, or a stored file with its headers.
chat::RestReply rest_reply(net::Responder responder) {
  return [responder](chat::RestResponse res) {
    if (res.file) {
      net::Response head{static_cast<http::status>(res.status), 11};
      for (const auto& [name, value] : res.headers) head.set(name, value);
      return responder.send_file(std::move(head), std::move(res.file));
    }
    auto response = net::make_json_response(static_cast<http::status>(res.status), res.body);
    if (res.retry_after_ms > 0) {
      response.set(http::field::retry_after, std::to_string((res.retry_after_ms + 999) / 1000));
    }
    responder.send(std::move(response));
  };
}

// An upload's body: the first part named "file" (with or without a
// filename) becomes RestRequest::upload; the body is moved, not copied.
// Without one the domain answers `invalid` (after checking the token).
void attach_upload(net::Request& req, chat::RestRequest& r) {
  auto boundary = net::multipart_boundary(req.header("content-type"));
  if (!boundary) return;
  auto body = std::make_shared<const std::string>(std::move(req.message.body()));
  auto parts = net::parse_multipart(*body, *boundary);
  if (!parts) {
    r.upload_problem =
        "the multipart body is malformed (" + std::string(net::describe(parts.error())) + ")";
    return;
  }
  for (auto& part : *parts) {
    if (part.name != "file") continue;
    r.upload = chat::UploadPart{body, part.data, part.filename.value_or("")};
    return;
  }
}

}  // namespace

void bind_rest_routes(chat::Service& service, net::Server& http,
                      boost::asio::any_io_executor parse_on) {
  net::Router& router = http.router();
  for (auto& route : service.rest_routes()) {
    auto names = param_names(route.pattern);
    if (route.upload_limit > 0) {
      // Its own mount: a body limit of its own, and the body is moved to
      // the domain instead of copied.
      net::Mount m;
      m.prefix = route.pattern;
      m.max_body_bytes = route.upload_limit;
      m.on_request = [handler = route.handler, pattern = route.pattern, parse_on](
                         net::Request req, net::Responder responder) {
        if (req.path != pattern)
          return responder.error(http::status::not_found, "not_found", "no such endpoint");
        if (req.method() != http::verb::post)
          return responder.error(http::status::method_not_allowed, "invalid", "method not allowed");
        // Scanning up to 25 MiB for boundaries is no work for an I/O thread.
        boost::asio::post(parse_on, [handler, req = std::move(req), responder]() mutable {
          chat::RestRequest r = rest_request(req, {}, net::Params{});
          attach_upload(req, r);
          handler(std::move(r), rest_reply(responder));
        });
      };
      http.mount(std::move(m));
      continue;
    }
    router.add(to_verb(route.method), route.pattern,
               [handler = route.handler, names](const net::Request& req, net::Params params,
                                                net::Responder responder) {
                 chat::RestRequest r = rest_request(req, names, params);
                 if (!req.body().empty()) {
                   boost::system::error_code ec;
                   r.body = core::parse_client_json(req.body(), ec);
                   if (ec) {
                     responder.error(http::status::bad_request, "invalid",
                                     "the request body is not valid JSON");
                     return;
                   }
                 }
                 handler(std::move(r), rest_reply(responder));
               });
  }
  // Files are served outside /api/ (their links carry no token): these
  // prefixes go to the same router.
  for (const char* prefix : {"/files/", "/thumbs/"}) {
    net::Mount m;
    m.prefix = prefix;
    m.on_request = [&router](net::Request req, net::Responder responder) {
      router.dispatch(req, std::move(responder));
    };
    http.mount(std::move(m));
  }
}

}  // namespace parlor::app
