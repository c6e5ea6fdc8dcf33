// Message writes: insert, edit (with history), soft delete, pins, replies,
// reactions. The mentions table holds one row per mentioned user other
// than the sender, of live messages only, so counting reads one index.
#include <algorithm>

#include "store/sqlite/connection.hpp"

namespace parlor::store::sqlite {

void SqliteConnection::insert_mentions(Id message_id, Id room_id, std::int64_t seq,
                                       const std::vector<Id>& ids) {
  static constexpr char sql[] =
      "INSERT INTO mentions (message_id, user_id, room_id, seq) VALUES (?, ?, ?, ?)"
      " ON CONFLICT DO NOTHING";
  for (Id user : ids) {
    db_.query(sql).bind(1, message_id).bind(2, user).bind(3, room_id).bind(4, seq).run();
  }
}

Id SqliteConnection::insert_message(const MessageRecord& m) {
  static constexpr char last_seq[] = "UPDATE rooms SET last_seq = max(last_seq, ?) WHERE id = ?";
  Id id = insert_message_row(m);
  db_.query(last_seq).bind(1, m.seq).bind(2, m.room_id).run();
  return id;
}

Id SqliteConnection::append_message(MessageRecord& m, std::int64_t room_rev) {
  // The room's rev and last_seq move in one statement; the rev read earlier
  // in this transaction tells the new value, so no read-back is needed.
  static constexpr char bump[] =
      "UPDATE rooms SET rev = ?2, last_seq = max(last_seq, ?2) WHERE id = ?1 AND rev = ?3";
  // The bump drops the room from the send cache (update hook); it goes back
  // with the values the bump wrote.
  auto cached = send_cache_.take_room(m.room_id);
  db_.query(bump).bind(1, m.room_id).bind(2, room_rev + 1).bind(3, room_rev).run();
  if (db_.changes() != 1) {
    throw Error("sqlite: append_message: room " + std::to_string(m.room_id) +
                " is missing or not at rev " + std::to_string(room_rev));
  }
  if (cached) {
    cached->rev = room_rev + 1;
    cached->last_seq = std::max(cached->last_seq, room_rev + 1);
    send_cache_.put_room(std::move(*cached));
  }
  m.rev = room_rev + 1;
  m.seq = m.rev;
  m.id = insert_message_row(m);
  return m.id;
}

Id SqliteConnection::insert_message_row(const MessageRecord& m) {
  static constexpr char insert[] =
      "INSERT INTO messages (room_id, seq, rev, sender_id, content, mentions, parent_id,"
      " reply_count, last_reply_at, edited_at, deleted, pinned, pinned_order, created_at,"
      " client_msg_id, attachment_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  {
    auto q = db_.query(insert);
    q.bind(1, m.room_id)
        .bind(2, m.seq)
        .bind(3, m.rev)
        .bind(4, m.sender_id)
        .bind_unowned(5, m.content)
        .bind(6, join_ids(m.mentions))
        .bind(7, m.parent_id)
        .bind(8, m.reply_count)
        .bind(9, m.last_reply_at)
        .bind(10, m.edited_at)
        .bind(11, m.deleted)
        .bind(12, m.pinned)
        .bind(13, m.pinned ? m.rev : 0)
        .bind(14, m.created_at);
    // NULL, not "": only real client ids meet the unique index.
    if (m.client_msg_id.empty()) {
      q.bind_null(15);
    } else {
      q.bind_unowned(15, m.client_msg_id);
    }
    q.bind(16, join_ids(m.attachment_ids));
    q.run();
  }
  Id id = db_.last_insert_rowid();
  ++unindexed_;
  if (!m.attachment_ids.empty()) claim_files(m.attachment_ids);
  if (!m.deleted && !m.mentions.empty()) {
    std::vector<Id> mentioned;
    for (Id user : m.mentions) {
      if (user != m.sender_id) mentioned.push_back(user);
    }
    insert_mentions(id, m.room_id, m.seq, mentioned);
  }
  return id;
}

void SqliteConnection::edit_message(Id id, const std::string& content,
                                    const std::vector<Id>& mentions, TimeMs edited_at,
                                    std::int64_t rev) {
  static constexpr char history[] =
      "INSERT INTO edits (message_id, content, edited_at) SELECT id, content, ?"
      " FROM messages WHERE id = ?";
  static constexpr char read[] =
      "SELECT room_id, seq, sender_id, deleted FROM messages WHERE id = ?";
  static constexpr char update[] =
      "UPDATE messages SET content = ?, mentions = ?, edited_at = ?, rev = ?, link_previews = ''"
      " WHERE id = ?";
  static constexpr char clear[] = "DELETE FROM mentions WHERE message_id = ?";
  Id room_id = 0;
  Id sender_id = 0;
  std::int64_t seq = 0;
  bool deleted = false;
  {
    auto q = db_.query(read);
    q.bind(1, id);
    if (!q.step()) return;
    room_id = q.int64(0);
    seq = q.int64(1);
    sender_id = q.int64(2);
    deleted = q.boolean(3);
  }
  db_.query(history).bind(1, edited_at).bind(2, id).run();
  unindex_message(id);
  db_.query(update)
      .bind(1, content)
      .bind(2, join_ids(mentions))
      .bind(3, edited_at)
      .bind(4, rev)
      .bind(5, id)
      .run();
  reindex_message(id);
  db_.query(clear).bind(1, id).run();
  if (deleted) return;
  std::vector<Id> mentioned;
  for (Id user : mentions) {
    if (user != sender_id) mentioned.push_back(user);
  }
  insert_mentions(id, room_id, seq, mentioned);
}

void SqliteConnection::delete_message(Id id, std::int64_t rev) {
  // The tombstone keeps its place (seq, thread counters) but nothing of what
  // was said: content, mentions, reactions, attachments and edit history go.
  static constexpr char update[] =
      "UPDATE messages SET content = '', mentions = '', attachment_ids = '', link_previews = '',"
      " deleted = 1, rev = ? WHERE id = ?";
  static constexpr char mentions[] = "DELETE FROM mentions WHERE message_id = ?";
  static constexpr char reactions[] = "DELETE FROM reactions WHERE message_id = ?";
  static constexpr char edits[] = "DELETE FROM edits WHERE message_id = ?";
  unindex_message(id);
  db_.query(update).bind(1, rev).bind(2, id).run();
  reindex_message(id);
  db_.query(mentions).bind(1, id).run();
  db_.query(reactions).bind(1, id).run();
  db_.query(edits).bind(1, id).run();
}

void SqliteConnection::set_pinned(Id id, bool pinned, std::int64_t rev) {
  static constexpr char sql[] =
      "UPDATE messages SET pinned = ?1, pinned_order = CASE WHEN ?1 THEN ?2 ELSE 0 END,"
      " rev = ?2 WHERE id = ?3";
  db_.query(sql).bind(1, pinned).bind(2, rev).bind(3, id).run();
}

void SqliteConnection::set_link_previews(Id id, const std::string& json, std::int64_t rev) {
  static constexpr char sql[] = "UPDATE messages SET link_previews = ?, rev = ? WHERE id = ?";
  db_.query(sql).bind(1, json).bind(2, rev).bind(3, id).run();
}

void SqliteConnection::set_rev(Id id, std::int64_t rev) {
  static constexpr char sql[] = "UPDATE messages SET rev = ? WHERE id = ?";
  db_.query(sql).bind(1, rev).bind(2, id).run();
}

void SqliteConnection::add_reply(Id parent_id, TimeMs reply_at, std::int64_t rev) {
  static constexpr char sql[] =
      "UPDATE messages SET reply_count = reply_count + 1,"
      " last_reply_at = max(last_reply_at, ?), rev = ? WHERE id = ?";
  db_.query(sql).bind(1, reply_at).bind(2, rev).bind(3, parent_id).run();
}

bool SqliteConnection::add_reaction(Id message_id, Id user_id, const std::string& emoji) {
  static constexpr char sql[] =
      "INSERT INTO reactions (message_id, user_id, emoji) VALUES (?, ?, ?)"
      " ON CONFLICT DO NOTHING";
  db_.query(sql).bind(1, message_id).bind(2, user_id).bind(3, emoji).run();
  return db_.changes() == 1;
}

bool SqliteConnection::remove_reaction(Id message_id, Id user_id, const std::string& emoji) {
  static constexpr char sql[] =
      "DELETE FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?";
  db_.query(sql).bind(1, message_id).bind(2, user_id).bind(3, emoji).run();
  return db_.changes() == 1;
}

}  // namespace parlor::store::sqlite
