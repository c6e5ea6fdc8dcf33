// Socket.IO events: send_message, edit_message, delete_message,
// add_reaction/remove_reaction, pin_message/unpin_message.
#include "chat/actions/messages.hpp"
#include "chat/domain.hpp"
#include "chat/validation.hpp"
#include "chat/views.hpp"

namespace parlor::chat {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAttachments = 10;
constexpr std::size_t kMaxMentionIds = 100;

// Missing, null, or a string of whitespace only.
bool is_blank(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return true;
  return v->is_string() && trim_ascii(v->get_string()).empty();
}

void send_message(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto room = room_or_dm_id(*p);
  if (!room) return reply(error_ack(room.error()));
  auto cmid = req_text(*p, "client_msg_id", {1, 128, false});
  if (!cmid) return reply(error_ack(cmid.error()));
  auto parent = opt_id(*p, "parent_id");
  if (!parent) return reply(error_ack(parent.error()));
  std::vector<store::Id> attachments;
  if (const auto* att = p->get().if_contains("attachment_ids"); att && !att->is_null()) {
    auto ids = id_list(*p, "attachment_ids", kMaxAttachments, false);
    if (!ids) return reply(error_ack(ids.error()));
    if (ids->size() != att->as_array().size())
      return reply(error_ack(invalid("attachment_ids", "lists a file twice")));
    attachments = std::move(*ids);
  }
  std::vector<store::Id> mentions;
  if (const auto* m = p->get().if_contains("mentions"); m && !m->is_null()) {
    auto ids = id_list(*p, "mentions", kMaxMentionIds, false);
    if (!ids) return reply(error_ack(ids.error()));
    mentions = std::move(*ids);
  }
  // With attachments the text may be empty (a file on its own).
  Result<std::string> content = std::string();
  if (attachments.empty() || !is_blank(p->get(), "content"))
    content = message_content(*p, "content", d.config().max_message_chars);
  if (!content) return reply(error_ack(content.error()));
  if (unsigned wait = d.send_limiter().take("u:" + std::to_string(s.user_id))) {
    // A resend of a stored message still gets it back: a client replaying
    // its queue after a reconnect sends in one burst.
    return d.read(
        [room = *room, user = s.user_id, cmid = std::move(*cmid), wait](store::Connection& c) {
          if (auto id = c.send_context(room, user, cmid).duplicate_id)
            if (auto m = c.message_by_id(*id)) {
              Outcome o;
              o.body["message"] = render_message(c, *m);
              return o;
            }
          return fail({Code::rate_limited, "sending too fast", wait});
        },
        Domain::ack(std::move(reply)));
  }

  actions::NewMessage nm{*room,   std::move(*content),    std::move(*cmid),
                         *parent, std::move(attachments), std::move(mentions)};
  d.write([&d, user = s.user_id, nm = std::move(nm)](
              store::Connection& c) { return actions::send_message(d, c, user, nm); },
          Domain::ack(std::move(reply)));
}

void edit_message(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto id = req_id(*p, "message_id");
  if (!id) return reply(error_ack(id.error()));
  // Blank text is allowed here; the action refuses it unless the message
  // has attachments (a file's caption may be removed).
  const auto* text = p->get().if_contains("content");
  Result<std::string> content = std::string();
  if (!text || !text->is_string() || !trim_ascii(text->get_string()).empty())
    content = message_content(*p, "content", d.config().max_message_chars);
  if (!content) return reply(error_ack(content.error()));
  d.write([&d, user = s.user_id, id = *id, content = std::move(*content)](
              store::Connection& c) { return actions::edit_message(d, c, user, id, content); },
          Domain::ack(std::move(reply)));
}

void delete_message(Domain& d, const Session& s, const json::value& payload, AckReply reply) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto id = req_id(*p, "message_id");
  if (!id) return reply(error_ack(id.error()));
  d.write([&d, user = s.user_id,
           id = *id](store::Connection& c) { return actions::delete_message(d, c, user, id); },
          Domain::ack(std::move(reply)));
}

void reaction(Domain& d, const Session& s, const json::value& payload, AckReply reply, bool add) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto id = req_id(*p, "message_id");
  if (!id) return reply(error_ack(id.error()));
  auto emoji = req_text(*p, "emoji", {1, 64, false});
  if (!emoji) return reply(error_ack(emoji.error()));
  if (auto e = check_emoji(*emoji)) return reply(error_ack(*e));
  d.write([&d, user = s.user_id, id = *id, emoji = std::move(*emoji),
           add](store::Connection& c) { return actions::react(d, c, user, id, emoji, add); },
          Domain::ack(std::move(reply)));
}

void pin(Domain& d, const Session& s, const json::value& payload, AckReply reply, bool pinned) {
  auto p = as_object(payload);
  if (!p) return reply(error_ack(p.error()));
  auto id = req_id(*p, "message_id");
  if (!id) return reply(error_ack(id.error()));
  d.write([&d, user = s.user_id, id = *id,
           pinned](store::Connection& c) { return actions::pin(d, c, user, id, pinned); },
          Domain::ack(std::move(reply)));
}

}  // namespace

void register_message_events(Domain& d) {
  d.on_event("send_message", [&d](const Session& s, const json::value& p, AckReply r) {
    send_message(d, s, p, std::move(r));
  });
  d.on_event("edit_message", [&d](const Session& s, const json::value& p, AckReply r) {
    edit_message(d, s, p, std::move(r));
  });
  d.on_event("delete_message", [&d](const Session& s, const json::value& p, AckReply r) {
    delete_message(d, s, p, std::move(r));
  });
  d.on_event("add_reaction", [&d](const Session& s, const json::value& p, AckReply r) {
    reaction(d, s, p, std::move(r), true);
  });
  d.on_event("remove_reaction", [&d](const Session& s, const json::value& p, AckReply r) {
    reaction(d, s, p, std::move(r), false);
  });
  d.on_event("pin_message", [&d](const Session& s, const json::value& p, AckReply r) {
    pin(d, s, p, std::move(r), true);
  });
  d.on_event("unpin_message", [&d](const Session& s, const json::value& p, AckReply r) {
    pin(d, s, p, std::move(r), false);
  });
}

}  // namespace parlor::chat
