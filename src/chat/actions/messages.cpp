// send, edit, delete, react, pin — with their change-stream revs.
#include "chat/actions/messages.hpp"

#include <algorithm>

#include "chat/access.hpp"
#include "chat/files/removal.hpp"
#include "chat/json.hpp"
#include "chat/mentions.hpp"
#include "chat/previews/links.hpp"
#include "chat/previews/request.hpp"
#include "chat/raw_member.hpp"
#include "chat/read_state/events.hpp"

namespace parlor::chat::actions {

namespace json = boost::json;

namespace {

std::vector<store::Id> resolve_mentions(store::Connection& c, const std::string& content) {
  std::vector<store::Id> ids;
  for (const auto& name : parse_mentions(content)) {
    if (auto u = c.user_by_username(name)) ids.push_back(u->id);
  }
  return ids;
}

// An edit mentions whoever its new text names, and keeps the mentions its
// message was sent with by id (send_message.mentions), which an edit cannot
// pass again: those of the old mentions its old text did not name.
std::vector<store::Id> edited_mentions(store::Connection& c, const store::MessageRecord& before,
                                       const std::string& content) {
  auto ids = resolve_mentions(c, content);
  if (before.mentions.empty()) return ids;
  const auto named_before = resolve_mentions(c, before.content);
  auto has = [](const std::vector<store::Id>& v, store::Id id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  for (store::Id u : before.mentions)
    if (!has(named_before, u) && !has(ids, u)) ids.push_back(u);
  return ids;
}

// A message's previews are replaced (an edit) or emptied (a delete).
void drop_preview_thumbnails(Domain& d, store::Connection& c, Outcome& o,
                             const store::MessageRecord& before) {
  auto keys = previews::thumbnail_keys(before.link_previews);
  if (keys.empty()) return;
  c.remove_files(keys);
  files::remove_after_commit(d, o, std::move(keys));
}

// A deleted message takes its previews' thumbnails, and its attachments
// that no other message attaches.
void drop_message_files(Domain& d, store::Connection& c, Outcome& o,
                        const store::MessageRecord& m) {
  drop_preview_thumbnails(d, c, o, m);
  files::remove_after_commit(d, o, c.release_files(m.attachment_ids));
}

void broadcast(Domain& d, Outcome& o, store::Id room_id, std::string event, json::object payload) {
  o.after.push_back([&d, room_id, event = std::move(event), payload = std::move(payload)] {
    d.outbox().to_room(room_id, event, payload);
  });
}

}  // namespace

Outcome send_message(Domain& d, store::Connection& c, store::Id user_id, const NewMessage& nm) {
  Outcome o;
  // One read for the resend check, the room, the membership and the sender.
  auto ctx = c.send_context(nm.room_id, user_id, nm.client_msg_id);
  if (ctx.duplicate_id) {
    if (auto dup = c.message_by_id(*ctx.duplicate_id)) {
      o.body["message"] = render_message(c, *dup);
      return o;
    }
  }
  auto a = access_room(std::move(ctx.room), std::move(ctx.member), Need::write);
  if (!a) return fail(a.error());
  std::optional<store::MessageRecord> root;
  if (nm.parent_id) {
    auto parent = c.message_by_id(*nm.parent_id);
    if (!parent || parent->room_id != nm.room_id)
      return fail(invalid("parent_id", "no such message in this room"));
    if (parent->parent_id) parent = c.message_by_id(*parent->parent_id);
    if (!parent) return fail(invalid("parent_id", "thread root not found"));
    if (parent->deleted) return fail(invalid("parent_id", "message is deleted"));
    root = std::move(parent);
  }
  std::vector<store::FileRecord> files;
  if (!nm.attachment_ids.empty()) {
    files = c.files_by_ids(nm.attachment_ids);
    if (files.size() != nm.attachment_ids.size())
      return fail(invalid("attachment_ids", "no such file"));
    for (const auto& f : files)
      if (f.uploader_id != user_id)
        return fail(invalid("attachment_ids", "only files you uploaded can be attached"));
  }
  // The record as stored is the record to render: no reload. A new message
  // has no reactions, edits, pin or replies yet.
  struct Sent {
    store::MessageRecord m;
    std::optional<store::UserRecord> sender;
    std::vector<store::Id> mentioned;
  };
  auto sent = std::make_shared<Sent>();
  store::MessageRecord& m = sent->m;
  m.room_id = nm.room_id;
  m.sender_id = user_id;
  m.content = nm.content;
  if (nm.content.find('@') != std::string::npos) m.mentions = resolve_mentions(c, nm.content);
  if (!nm.mentions.empty()) {
    // Mentioned by id (a client's picker): existing users, once each.
    for (const auto& u : c.users_by_ids(nm.mentions))
      if (std::find(m.mentions.begin(), m.mentions.end(), u.id) == m.mentions.end())
        m.mentions.push_back(u.id);
  }
  m.client_msg_id = nm.client_msg_id;
  m.attachment_ids = nm.attachment_ids;
  m.attachments = std::move(files);
  m.created_at = d.now();
  if (root) m.parent_id = root->id;
  c.append_message(m, a->room.rev);
  if (root) c.add_reply(root->id, m.created_at, m.rev);
  sent->mentioned = read_state::on_sent(c, m);
  sent->sender = std::move(ctx.sender);
  // Rendering and notifying happen on the strand, after the commit.
  o.complete = [&d, sent = std::move(sent)](Outcome& done) {
    const store::MessageRecord& m = sent->m;
    // Rendered once, as text: the broadcast and the sender's ack splice it.
    RawMember msg{"message", std::make_shared<const std::string>(
                                 message_text(m, sent->sender ? &*sent->sender : nullptr))};
    d.outbox().to_room_json(m.room_id, "new_message", serialize_with({}, &msg));
    read_state::after_sent(d, m.room_id, m.sender_id, sent->mentioned, msg);
    done.raw_body = std::move(msg);
    previews::request(d, m);
  };
  return o;
}

Outcome add_link_previews(Domain& d, store::Connection& c, store::Id message_id,
                          const std::string& content, std::vector<previews::LinkPreview> previews,
                          const std::vector<std::optional<files::Stored>>& thumbnails,
                          bool& used_thumbnails) {
  auto m = c.message_by_id(message_id);
  // Edited, deleted or already previewed since the links were read: the
  // previews are stale (an edit asks for its own).
  if (!m || m->deleted || m->content != content || !m->link_previews.empty()) return Outcome{};
  for (std::size_t i = 0; i < previews.size(); ++i) {
    auto& p = previews[i];
    p.image_url.clear();  // never the linked site's own: readers would load it from there
    const auto* t = i < thumbnails.size() && thumbnails[i] ? &*thumbnails[i] : nullptr;
    if (!t) continue;
    store::FileRecord f;
    f.storage_key = t->storage_key;
    f.uploader_id = m->sender_id;
    f.file_name = "preview.jpg";
    f.content_type = t->content_type;
    f.width = t->width;
    f.height = t->height;
    f.has_thumbnail = true;
    f.created_at = d.now();
    c.claim_files({c.insert_file(f)});
    p.image_url = thumbnail_url(f);
    used_thumbnails = true;
  }
  const std::string previews_json = previews::previews_json(previews);
  const std::int64_t rev = c.next_rev(m->room_id);
  c.set_link_previews(message_id, previews_json, rev);
  m->link_previews = previews_json;
  m->rev = rev;
  Outcome o;
  json::object ev;
  ev["message"] = render_message(c, *m);
  broadcast(d, o, m->room_id, "message_edited", std::move(ev));
  return o;
}

Outcome edit_message(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id,
                     const std::string& content) {
  auto a = access_message_by_id(c, message_id, user_id, Need::write);
  if (!a) return fail(a.error());
  if (a->message.sender_id != user_id) return fail(forbidden("only the sender can edit a message"));
  if (a->message.deleted) return fail(invalid("message_id", "message is deleted"));
  if (content.empty() && a->message.attachment_ids.empty())
    return fail(invalid("content", "must not be empty"));
  const std::int64_t rev = c.next_rev(a->message.room_id);
  c.edit_message(message_id, content, edited_mentions(c, a->message, content), d.now(), rev);
  auto stored = c.message_by_id(message_id);
  if (!stored) return fail({Code::internal, "message vanished", 0});
  Outcome o;
  drop_preview_thumbnails(d, c, o, a->message);
  json::object msg = render_message(c, *stored);
  o.body["message"] = msg;
  json::object ev;
  ev["message"] = std::move(msg);
  broadcast(d, o, stored->room_id, "message_edited", std::move(ev));
  read_state::on_edited(d, o, c, a->message, *stored, o.body["message"].as_object());
  o.after.push_back([&d, edited = *stored] { previews::request(d, edited); });
  return o;
}

Outcome delete_message(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id) {
  auto a = access_message_by_id(c, message_id, user_id, Need::write);
  if (!a) return fail(a.error());
  if (auto e = check_delete_message(a->room, a->message, user_id)) return fail(*e);
  Outcome o;
  if (a->message.deleted) return o;
  const std::int64_t rev = c.next_rev(a->message.room_id);
  c.delete_message(message_id, rev);
  drop_message_files(d, c, o, a->message);
  if (a->message.pinned) c.set_pinned(message_id, false, rev);
  json::object ev;
  ev["message_id"] = id_str(message_id);
  ev["room_id"] = id_str(a->message.room_id);
  ev["rev"] = rev;
  ev["parent_id"] =
      a->message.parent_id ? json::value(id_str(*a->message.parent_id)) : json::value(nullptr);
  broadcast(d, o, a->message.room_id, "message_deleted", std::move(ev));
  read_state::on_deleted(d, o, c, a->message);
  return o;
}

Outcome react(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id,
              const std::string& emoji, bool add) {
  auto a = access_message_by_id(c, message_id, user_id, Need::write);
  if (!a) return fail(a.error());
  if (a->message.deleted) return fail(invalid("message_id", "message is deleted"));
  const bool changed = add ? c.add_reaction(message_id, user_id, emoji)
                           : c.remove_reaction(message_id, user_id, emoji);
  Outcome o;
  if (changed) {
    const std::int64_t rev = c.next_rev(a->message.room_id);
    c.set_rev(message_id, rev);
    json::object ev;
    ev["message_id"] = id_str(message_id);
    ev["room_id"] = id_str(a->message.room_id);
    ev["emoji"] = emoji;
    ev["user_id"] = id_str(user_id);
    ev["rev"] = rev;
    broadcast(d, o, a->message.room_id, add ? "reaction_added" : "reaction_removed", std::move(ev));
  }
  auto stored = c.message_by_id(message_id);
  if (!stored) return fail({Code::internal, "message vanished", 0});
  o.body["message"] = render_message(c, *stored);
  return o;
}

Outcome pin(Domain& d, store::Connection& c, store::Id user_id, store::Id message_id, bool pinned) {
  // Any member may pin or unpin, as in Slack and Mattermost.
  auto a = access_message_by_id(c, message_id, user_id, Need::write);
  if (!a) return fail(a.error());
  if (a->message.deleted) return fail(invalid("message_id", "message is deleted"));
  Outcome o;
  if (a->message.pinned == pinned) return o;
  if (pinned && c.pinned_count(a->message.room_id) >= kMaxPinsPerRoom)
    return fail({Code::conflict, "a room can have at most 10 pinned messages", 0});
  const std::int64_t rev = c.next_rev(a->message.room_id);
  c.set_pinned(message_id, pinned, rev);
  json::object ev;
  ev["message_id"] = id_str(message_id);
  ev["room_id"] = id_str(a->message.room_id);
  ev["rev"] = rev;
  ev["user_id"] = id_str(user_id);
  broadcast(d, o, a->message.room_id, pinned ? "message_pinned" : "message_unpinned",
            std::move(ev));
  return o;
}

}  // namespace parlor::chat::actions
