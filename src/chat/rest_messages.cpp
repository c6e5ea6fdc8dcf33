// REST: a message's thread, its edit history, and adding a reaction.
#include "chat/access.hpp"
#include "chat/actions/messages.hpp"
#include "chat/domain.hpp"
#include "chat/json.hpp"
#include "chat/rest_util.hpp"
#include "chat/validation.hpp"

namespace parlor::chat {

namespace json = boost::json;

void register_message_routes(Domain& d) {
  d.on_rest("GET", "/api/messages/:id/thread",
            [&d](const Caller& caller, RestRequest& req, RestReply reply) {
              auto id = path_id(req, "id");
              if (!id) return reply(Domain::error_response(not_found("message not found")));
              d.read(
                  [user = caller.user_id, id = *id](store::Connection& c) {
                    auto a = access_message_by_id(c, id, user, Need::view);
                    if (!a) return fail(a.error());
                    store::MessageRecord root = a->message;
                    if (root.parent_id) {
                      auto r = c.message_by_id(*root.parent_id);
                      if (!r) return fail(not_found("thread root not found"));
                      root = std::move(*r);
                    }
                    Outcome o;
                    o.body["parent_message"] = render_message(c, root);
                    o.body["replies"] = render_messages(c, c.thread_replies(root.id));
                    return o;
                  },
                  Domain::respond(reply));
            });

  d.on_rest("GET", "/api/messages/:id/history",
            [&d](const Caller& caller, RestRequest& req, RestReply reply) {
              auto id = path_id(req, "id");
              if (!id) return reply(Domain::error_response(not_found("message not found")));
              d.read(
                  [user = caller.user_id, id = *id](store::Connection& c) {
                    auto a = access_message_by_id(c, id, user, Need::view);
                    if (!a) return fail(a.error());
                    json::array edits;
                    // A deleted message's old versions are gone with it.
                    if (!a->message.deleted) {
                      for (const auto& e : c.edits(id)) {
                        json::object eo;
                        eo["content"] = e.content;
                        eo["edited_at"] = iso_time(e.edited_at);
                        edits.emplace_back(std::move(eo));
                      }
                    }
                    Outcome o;
                    o.body["edits"] = std::move(edits);
                    return o;
                  },
                  Domain::respond(reply));
            });

  d.on_rest("POST", "/api/messages/:id/reactions",
            [&d](const Caller& caller, RestRequest& req, RestReply reply) {
              auto id = path_id(req, "id");
              if (!id) return reply(Domain::error_response(not_found("message not found")));
              auto body = as_object(req.body);
              if (!body) return reply(Domain::error_response(body.error()));
              auto emoji = req_text(*body, "emoji", {1, 64, false});
              if (!emoji) return reply(Domain::error_response(emoji.error()));
              if (auto e = check_emoji(*emoji)) return reply(Domain::error_response(*e));
              d.write(
                  [&d, user = caller.user_id, id = *id, emoji = *emoji](store::Connection& c) {
                    auto o = actions::react(d, c, user, id, emoji, true);
                    if (!o.error) o.body["success"] = true;
                    return o;
                  },
                  Domain::respond(reply));
            });
}

}  // namespace parlor::chat
