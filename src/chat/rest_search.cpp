// POST /api/search: messages by words and filters, newest first, in the
// rooms the caller belongs to (or one room it may view).
#include "chat/access.hpp"
#include "chat/domain.hpp"
#include "chat/search/text.hpp"
#include "chat/validation.hpp"
#include "chat/views.hpp"

namespace parlor::chat {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxQueryChars = 256;
constexpr std::size_t kMaxWords = 16;
// Indexed per catch-up step; a search's catch-up repeats until done.
constexpr std::size_t kIndexStep = 4096;

Result<std::optional<store::TimeMs>> opt_time(const json::object& o, std::string_view field,
                                              bool end_of_day) {
  auto text = opt_text(o, field, {1, 64, true});
  if (!text) return text.error();
  if (!*text) return std::optional<store::TimeMs>{};
  auto t = search::parse_iso_time(**text, end_of_day);
  if (!t)
    return invalid(std::string(field), "must be an ISO 8601 time such as 2026-11-22T10:30:00.000Z");
  return std::optional<store::TimeMs>{*t};
}

bool has_filter(const store::SearchQuery& q) {
  return q.room_id || q.sender_id || q.from || q.to || q.has_file;
}

// The body's fields as a store query; the caller's access is checked later.
Result<store::SearchQuery> parse_search(const json::object& b, store::Id user_id) {
  store::SearchQuery q;
  q.user_id = user_id;
  auto text = opt_text(b, "query", {0, kMaxQueryChars, true});
  if (!text) return text.error();
  if (*text) q.words = search::query_words(**text);
  if (q.words.size() > kMaxWords) return invalid("query", "may have at most 16 words");
  auto room = opt_id(b, "room_id");
  if (!room) return room.error();
  q.room_id = *room;
  auto sender = opt_id(b, "sender_id");
  if (!sender) return sender.error();
  q.sender_id = *sender;
  auto from = opt_time(b, "from", false);
  if (!from) return from.error();
  q.from = *from;
  auto to = opt_time(b, "to", true);
  if (!to) return to.error();
  q.to = *to;
  auto has_file = opt_bool(b, "has_file");
  if (!has_file) return has_file.error();
  q.has_file = has_file->value_or(false);
  auto limit = opt_int(b, "limit", 1, 100);
  if (!limit) return limit.error();
  q.limit = static_cast<int>(limit->value_or(20));
  auto cursor = opt_text(b, "cursor", {1, 32, false});
  if (!cursor) return cursor.error();
  if (*cursor) {
    q.before_id = parse_id(std::string_view(**cursor));
    if (!q.before_id) return invalid("cursor", "is not a cursor this search returned");
  }
  if ((!*text || (*text)->empty()) && !has_filter(q))
    return invalid("query", "is required without a filter");
  return q;
}

Outcome run_search(store::Connection& c, const store::SearchQuery& q) {
  if (q.room_id) {
    auto a = access_room_by_id(c, *q.room_id, q.user_id, Need::view);
    if (!a) return fail(a.error());
  }
  Outcome o;
  json::array results;
  // A query of punctuation only has no words: it matches nothing.
  store::SearchPage page;
  if (!q.words.empty() || has_filter(q)) page = c.search_messages(q);
  for (const auto& hit : page.hits) {
    json::object r;
    r["message"] = render_message(c, hit.message);
    r["snippet"] = q.words.empty() ? search::leading_html(hit.message.content)
                                   : search::snippet_html(hit.snippet);
    results.emplace_back(std::move(r));
  }
  o.body["results"] = std::move(results);
  if (page.has_more && !page.hits.empty())
    o.body["next_cursor"] = std::to_string(page.hits.back().message.id);
  else
    o.body["next_cursor"] = nullptr;
  return o;
}

}  // namespace

void register_search_routes(Domain& d) {
  d.on_rest("POST", "/api/search", [&d](const Caller& caller, RestRequest& req, RestReply reply) {
    auto body = as_object(req.body);
    if (!body) return reply(Domain::error_response(body.error()));
    auto q = parse_search(*body, caller.user_id);
    if (!q) return reply(Domain::error_response(q.error()));
    // First the index takes in everything committed so far (on the writer,
    // after every write queued before this search), then the search reads.
    d.write(
        [](store::Connection& c) {
          while (c.index_new_messages(kIndexStep) == kIndexStep) {
          }
          return Outcome{};
        },
        [&d, q = *q, reply](Outcome& indexed) {
          if (indexed.error) return Domain::respond(reply)(indexed);
          d.read([q](store::Connection& c) { return run_search(c, q); }, Domain::respond(reply));
        });
  });
}

}  // namespace parlor::chat
