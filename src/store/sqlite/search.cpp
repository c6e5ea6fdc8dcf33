// Message search: the FTS5 index (migration 0003) and its queries.
//
// The index is brought up to date in batches, not by each send: the writer
// adds what is new at most every kIndexInterval or kIndexEvery messages, in
// the transaction it is about to commit anyway (SqliteConnection::commit), and
// a search first asks the writer to add the rest (index_new_messages), so a
// message is found as soon as it is acknowledged. Edits and deletes of
// indexed messages replace their row at once (messages.cpp).
#include <limits>

#include "store/sqlite/connection.hpp"

namespace parlor::store::sqlite {
namespace {

// The message columns, qualified: messages_fts has a `content` column too.
#define PARLOR_M_COLUMNS                                                             \
  "m.id, m.room_id, m.seq, m.rev, m.sender_id, m.content, m.mentions, m.parent_id, " \
  "m.reply_count, m.last_reply_at, m.edited_at, m.deleted, m.pinned, m.created_at, " \
  "m.client_msg_id, m.attachment_ids, m.link_previews"
constexpr int kSnippetColumn = 17;

// The filters every search shares; ?2 cursor, ?3 room or user, ?4 sender,
// ?5 from, ?6 to, ?7 has_file, ?8 limit.
#define PARLOR_SEARCH_FILTERS                                                      \
  " AND m.deleted = 0 AND (?4 IS NULL OR m.sender_id = ?4)"                        \
  " AND (?5 IS NULL OR m.created_at >= ?5) AND (?6 IS NULL OR m.created_at <= ?6)" \
  " AND (?7 = 0 OR m.attachment_ids != '')"
#define PARLOR_MATCHED                                              \
  "SELECT " PARLOR_M_COLUMNS                                        \
  ", snippet(messages_fts, 0, char(64976), char(64977), '…', 16)" \
  " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid" \
  " WHERE messages_fts MATCH ?1 AND messages_fts.rowid < ?2"
#define PARLOR_FILTERED "SELECT " PARLOR_M_COLUMNS ", '' FROM messages m WHERE m.id < ?2"
#define PARLOR_ONE_ROOM " AND m.room_id = ?3"
#define PARLOR_USER_ROOMS " AND m.room_id IN (SELECT room_id FROM members WHERE user_id = ?3)"

constexpr char kMatchedInRoom[] = PARLOR_MATCHED PARLOR_ONE_ROOM PARLOR_SEARCH_FILTERS
    " ORDER BY messages_fts.rowid DESC LIMIT ?8";
constexpr char kMatchedInUserRooms[] = PARLOR_MATCHED PARLOR_USER_ROOMS PARLOR_SEARCH_FILTERS
    " ORDER BY messages_fts.rowid DESC LIMIT ?8";
constexpr char kFilteredInRoom[] =
    PARLOR_FILTERED PARLOR_ONE_ROOM PARLOR_SEARCH_FILTERS " ORDER BY m.id DESC LIMIT ?8";
constexpr char kFilteredInUserRooms[] =
    PARLOR_FILTERED PARLOR_USER_ROOMS PARLOR_SEARCH_FILTERS " ORDER BY m.id DESC LIMIT ?8";

// Each word as an FTS5 string (so no word is read as query syntax), all of
// them required; the last one also as a prefix.
std::string fts_expression(const SearchQuery& q) {
  std::string out;
  for (std::size_t i = 0; i < q.words.size(); ++i) {
    if (i) out += ' ';
    out += '"';
    for (char c : q.words[i]) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
    if (i + 1 == q.words.size() && q.last_is_prefix) out += '*';
  }
  return out;
}

}  // namespace

std::size_t SqliteConnection::index_new_messages(std::size_t limit) {
  static constexpr char watermark[] = "SELECT indexed_up_to FROM search_state WHERE id = 1";
  static constexpr char last_of_batch[] =
      "SELECT max(id), count(*) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)";
  static constexpr char add[] =
      "INSERT INTO messages_fts (rowid, content)"
      " SELECT id, content FROM messages WHERE id > ? AND id <= ?";
  static constexpr char advance[] = "UPDATE search_state SET indexed_up_to = ? WHERE id = 1";
  std::int64_t from = 0;
  {
    auto q = db_.query(watermark);
    if (!q.step()) throw Error("sqlite: search_state is missing");
    from = q.int64(0);
  }
  std::int64_t to = 0;
  std::size_t count = 0;
  {
    auto q = db_.query(last_of_batch);
    q.bind(1, from).bind(2, static_cast<std::int64_t>(limit));
    if (!q.step() || q.is_null(0)) return 0;
    to = q.int64(0);
    count = static_cast<std::size_t>(q.int64(1));
  }
  db_.query(add).bind(1, from).bind(2, to).run();
  db_.query(advance).bind(1, to).run();
  unindexed_ = 0;
  return count;
}

void SqliteConnection::index_in_passing(TimeMs now) {
  if (unindexed_ == 0) return;
  if (unindexed_ < kIndexEvery && now - last_indexed_at_ < kIndexIntervalMs) return;
  last_indexed_at_ = now;
  // The batch's own work must commit whatever happens here: a search
  // catches up anyway, and reports a failure there.
  savepoint();
  try {
    index_new_messages(kIndexEvery * 4);
    release_savepoint();
  } catch (const Error&) {
    rollback_to_savepoint();
    release_savepoint();
  }
}

void SqliteConnection::unindex_message(Id id) {
  static constexpr char sql[] =
      "INSERT INTO messages_fts (messages_fts, rowid, content)"
      " SELECT 'delete', id, content FROM messages"
      " WHERE id = ?1 AND id <= (SELECT indexed_up_to FROM search_state WHERE id = 1)";
  db_.query(sql).bind(1, id).run();
}

void SqliteConnection::reindex_message(Id id) {
  static constexpr char sql[] =
      "INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages"
      " WHERE id = ?1 AND id <= (SELECT indexed_up_to FROM search_state WHERE id = 1)";
  db_.query(sql).bind(1, id).run();
}

SearchPage SqliteConnection::search_messages(const SearchQuery& s) {
  const bool matched = !s.words.empty();
  const char* sql = matched ? (s.room_id ? kMatchedInRoom : kMatchedInUserRooms)
                            : (s.room_id ? kFilteredInRoom : kFilteredInUserRooms);
  auto q = db_.query(sql);
  if (matched) q.bind(1, fts_expression(s));
  q.bind(2, s.before_id.value_or(std::numeric_limits<std::int64_t>::max()));
  q.bind(3, s.room_id.value_or(s.user_id));
  q.bind(4, s.sender_id);
  q.bind(5, s.from);
  q.bind(6, s.to);
  q.bind(7, s.has_file);
  q.bind(8, s.limit + 1);
  SearchPage page;
  while (q.step()) {
    SearchHit hit;
    hit.message = read_message(q);
    hit.snippet = q.text(kSnippetColumn);
    page.hits.push_back(std::move(hit));
  }
  if (page.hits.size() > static_cast<std::size_t>(s.limit)) {
    page.has_more = true;
    page.hits.resize(static_cast<std::size_t>(s.limit));
  }
  for (auto& hit : page.hits) fill_details(hit.message);
  return page;
}

}  // namespace parlor::store::sqlite
