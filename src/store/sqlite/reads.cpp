// Message reads (single messages, history pages, threads, pins, the change
// stream) and the unread and mention counts.
#include <algorithm>
#include <iterator>
#include <limits>
#include <tuple>

#include "store/sqlite/connection.hpp"

namespace parlor::store::sqlite {

MessageRecord read_message(const Query& q) {
  MessageRecord m;
  m.id = q.int64(0);
  m.room_id = q.int64(1);
  m.seq = q.int64(2);
  m.rev = q.int64(3);
  m.sender_id = q.int64(4);
  m.content = q.text(5);
  m.mentions = split_ids(q.text(6));
  if (!q.is_null(7)) m.parent_id = q.int64(7);
  m.reply_count = q.int64(8);
  m.last_reply_at = q.int64(9);
  m.edited_at = q.int64(10);
  m.deleted = q.boolean(11);
  m.pinned = q.boolean(12);
  m.created_at = q.int64(13);
  m.client_msg_id = q.text(14);
  m.attachment_ids = split_ids(q.text(15));
  m.link_previews = q.text(16);
  return m;
}

std::vector<MessageRecord> SqliteConnection::read_messages(Query& q) {
  std::vector<MessageRecord> out;
  while (q.step()) out.push_back(read_message(q));
  for (auto& m : out) fill_details(m);
  return out;
}

void SqliteConnection::fill_details(MessageRecord& m) {
  fill_reactions(m);
  if (!m.attachment_ids.empty()) m.attachments = files_by_ids(m.attachment_ids);
}

void SqliteConnection::fill_reactions(MessageRecord& m) {
  static constexpr char sql[] =
      "SELECT emoji, user_id FROM reactions WHERE message_id = ? ORDER BY id";
  auto q = db_.query(sql);
  q.bind(1, m.id);
  while (q.step()) {
    std::string emoji = q.text(0);
    auto it = std::find_if(m.reactions.begin(), m.reactions.end(),
                           [&](const ReactionRecord& r) { return r.emoji == emoji; });
    if (it == m.reactions.end()) {
      m.reactions.push_back(ReactionRecord{std::move(emoji), {}});
      it = std::prev(m.reactions.end());
    }
    it->user_ids.push_back(q.int64(1));
  }
}

std::optional<MessageRecord> SqliteConnection::message_by_id(Id id) {
  static constexpr char sql[] = "SELECT " PARLOR_MESSAGE_COLUMNS " FROM messages WHERE id = ?";
  auto q = db_.query(sql);
  q.bind(1, id);
  auto list = read_messages(q);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

std::optional<MessageRecord> SqliteConnection::message_by_client_id(
    Id sender_id, const std::string& client_msg_id) {
  static constexpr char sql[] =
      "SELECT " PARLOR_MESSAGE_COLUMNS " FROM messages WHERE sender_id = ? AND client_msg_id = ?";
  auto q = db_.query(sql);
  q.bind(1, sender_id).bind(2, client_msg_id);
  auto list = read_messages(q);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

std::vector<EditRecord> SqliteConnection::edits(Id message_id) {
  static constexpr char sql[] =
      "SELECT content, edited_at FROM edits WHERE message_id = ? ORDER BY id";
  auto q = db_.query(sql);
  q.bind(1, message_id);
  std::vector<EditRecord> out;
  while (q.step()) out.push_back(EditRecord{q.text(0), q.int64(1)});
  return out;
}

HistoryPage SqliteConnection::history(const HistoryQuery& hq) {
  static constexpr char older[] = "SELECT " PARLOR_MESSAGE_COLUMNS
                                  " FROM messages WHERE room_id = ? AND parent_id IS NULL"
                                  " AND seq < ? ORDER BY seq DESC LIMIT ?";
  static constexpr char newer[] = "SELECT " PARLOR_MESSAGE_COLUMNS
                                  " FROM messages WHERE room_id = ? AND parent_id IS NULL"
                                  " AND seq > ? ORDER BY seq LIMIT ?";
  static constexpr char any_newer[] =
      "SELECT 1 FROM messages WHERE room_id = ? AND parent_id IS NULL AND seq > ? LIMIT 1";
  static constexpr char any_older[] =
      "SELECT 1 FROM messages WHERE room_id = ? AND parent_id IS NULL AND seq < ? LIMIT 1";
  const std::int64_t limit = std::max(hq.limit, 1);

  // Reads up to `n` messages older than `seq` (newest first) plus one more
  // to learn whether there are more; returns them ascending.
  auto read_older = [&](std::int64_t seq, std::int64_t n, bool& more) {
    auto q = db_.query(older);
    q.bind(1, hq.room_id).bind(2, seq).bind(3, n + 1);
    auto list = read_messages(q);
    more = static_cast<std::int64_t>(list.size()) > n;
    if (more) list.pop_back();
    std::reverse(list.begin(), list.end());
    return list;
  };
  auto read_newer = [&](std::int64_t seq, std::int64_t n, bool& more) {
    auto q = db_.query(newer);
    q.bind(1, hq.room_id).bind(2, seq).bind(3, n + 1);
    auto list = read_messages(q);
    more = static_cast<std::int64_t>(list.size()) > n;
    if (more) list.pop_back();
    return list;
  };
  auto exists = [&](const char* sql, std::int64_t seq) {
    auto q = db_.query(sql);
    q.bind(1, hq.room_id).bind(2, seq);
    return q.step();
  };

  HistoryPage page;
  if (hq.after_seq) {
    page.messages = read_newer(*hq.after_seq, limit, page.has_more_after);
    page.has_more_before = exists(any_older, *hq.after_seq + 1);
    page.has_more = page.has_more_after;
  } else if (hq.around_seq) {
    // The older half, then the centre and the newer half.
    std::int64_t before_count = limit / 2;
    std::vector<MessageRecord> before;
    if (before_count > 0) {
      before = read_older(*hq.around_seq, before_count, page.has_more_before);
    } else {
      page.has_more_before = exists(any_older, *hq.around_seq);
    }
    auto after = read_newer(*hq.around_seq - 1, limit - before_count, page.has_more_after);
    page.messages = std::move(before);
    page.messages.insert(page.messages.end(), std::make_move_iterator(after.begin()),
                         std::make_move_iterator(after.end()));
    page.has_more = page.has_more_before || page.has_more_after;
  } else {
    std::int64_t edge = hq.before_seq ? *hq.before_seq : std::numeric_limits<std::int64_t>::max();
    page.messages = read_older(edge, limit, page.has_more_before);
    page.has_more_after = hq.before_seq && exists(any_newer, *hq.before_seq - 1);
    page.has_more = page.has_more_before;
  }
  return page;
}

std::vector<MessageRecord> SqliteConnection::thread_replies(Id parent_id) {
  static constexpr char sql[] =
      "SELECT " PARLOR_MESSAGE_COLUMNS " FROM messages WHERE parent_id = ? ORDER BY seq";
  auto q = db_.query(sql);
  q.bind(1, parent_id);
  return read_messages(q);
}

std::vector<MessageRecord> SqliteConnection::pinned_messages(Id room_id) {
  static constexpr char sql[] = "SELECT " PARLOR_MESSAGE_COLUMNS
                                " FROM messages WHERE room_id = ? AND pinned = 1"
                                " ORDER BY pinned_order DESC";
  auto q = db_.query(sql);
  q.bind(1, room_id);
  return read_messages(q);
}

std::int64_t SqliteConnection::pinned_count(Id room_id) {
  static constexpr char sql[] = "SELECT count(*) FROM messages WHERE room_id = ? AND pinned = 1";
  auto q = db_.query(sql);
  q.bind(1, room_id);
  return q.step() ? q.int64(0) : 0;
}

std::vector<MessageRecord> SqliteConnection::messages_changed_after(Id room_id,
                                                                    std::int64_t after_rev,
                                                                    int limit) {
  // Two ordered scans, merged: messages never changed since they were sent
  // (rev = seq, found by seq) and changed ones (the partial rev index).
  static constexpr char unchanged[] = "SELECT " PARLOR_MESSAGE_COLUMNS
                                      " FROM messages WHERE room_id = ? AND seq > ? AND rev = seq"
                                      " ORDER BY seq LIMIT ?";
  static constexpr char changed[] = "SELECT " PARLOR_MESSAGE_COLUMNS
                                    " FROM messages WHERE room_id = ? AND rev > ? AND rev != seq"
                                    " ORDER BY rev, seq LIMIT ?";
  const auto wanted = static_cast<std::int64_t>(std::max(limit, 0)) + 1;
  auto scan = [&](const char* sql) {
    auto q = db_.query(sql);
    q.bind(1, room_id).bind(2, after_rev).bind(3, wanted);
    return read_messages(q);
  };
  auto a = scan(unchanged);
  auto b = scan(changed);
  std::vector<MessageRecord> out;
  out.reserve(a.size() + b.size());
  std::merge(std::make_move_iterator(a.begin()), std::make_move_iterator(a.end()),
             std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()),
             std::back_inserter(out), [](const MessageRecord& x, const MessageRecord& y) {
               return std::tie(x.rev, x.seq) < std::tie(y.rev, y.seq);
             });
  if (out.size() > static_cast<std::size_t>(wanted)) out.resize(wanted);
  return out;
}

std::optional<MessageRecord> SqliteConnection::last_message(Id room_id) {
  static constexpr char sql[] = "SELECT " PARLOR_MESSAGE_COLUMNS
                                " FROM messages WHERE room_id = ? AND parent_id IS NULL"
                                " ORDER BY seq DESC LIMIT 1";
  auto q = db_.query(sql);
  q.bind(1, room_id);
  auto list = read_messages(q);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

std::int64_t SqliteConnection::count_unread(Id room_id, Id user_id, std::int64_t after_seq) {
  static constexpr char sql[] =
      "SELECT count(*) FROM messages WHERE room_id = ? AND seq > ? AND parent_id IS NULL"
      " AND deleted = 0 AND sender_id != ?";
  auto q = db_.query(sql);
  q.bind(1, room_id).bind(2, after_seq).bind(3, user_id);
  return q.step() ? q.int64(0) : 0;
}

std::int64_t SqliteConnection::count_mentions(Id room_id, Id user_id, std::int64_t after_seq) {
  // Deleted messages and self-mentions have no rows here (see messages.cpp).
  static constexpr char sql[] =
      "SELECT count(*) FROM mentions WHERE user_id = ? AND room_id = ? AND seq > ?";
  auto q = db_.query(sql);
  q.bind(1, user_id).bind(2, room_id).bind(3, after_seq);
  return q.step() ? q.int64(0) : 0;
}

}  // namespace parlor::store::sqlite
