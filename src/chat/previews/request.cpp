#include "chat/previews/request.hpp"

#include <spdlog/spdlog.h>

#include "chat/actions/messages.hpp"
#include "chat/domain.hpp"
#include "chat/files/storage.hpp"
#include "chat/previews/links.hpp"

namespace parlor::chat::previews {

namespace {

struct Found {
  store::Id message_id = 0;
  std::string content;  // as the links were read
  std::vector<LinkPreview> previews;
  std::vector<std::optional<files::Stored>> thumbnails;  // by preview
};

// Stores the previews with their thumbnails as the message's next rev. The
// thumbnails the write did not use (a stale message, a failed write) are
// removed again.
void store(Domain& d, std::shared_ptr<Found> f) {
  auto used = std::make_shared<bool>(false);
  d.write(
      [&d, f, used](store::Connection& c) {
        return actions::add_link_previews(d, c, f->message_id, f->content, f->previews,
                                          f->thumbnails, *used);
      },
      [&d, f, used](Outcome& o) {
        if (o.error)
          spdlog::warn("link previews of message {} not stored: {}", f->message_id,
                       o.error->message);
        if (!o.error && *used) return;
        std::vector<std::string> keys;
        for (const auto& t : f->thumbnails)
          if (t) keys.push_back(t->storage_key);
        if (!keys.empty() && d.file_storage()) d.file_storage()->remove(std::move(keys));
      });
}

// Keeps a thumbnail of each preview's image, one after another, then stores.
void keep_thumbnails(Domain& d, std::shared_ptr<Found> f, std::size_t i) {
  files::Storage* storage = d.file_storage();
  while (i < f->previews.size() && !(storage && f->previews[i].image)) ++i;
  if (i == f->previews.size()) return d.post([&d, f] { store(d, f); });
  auto image = std::move(f->previews[i].image);
  storage->save_thumbnail(std::move(image), [&d, f, i](std::optional<files::Stored> kept) {
    f->thumbnails[i] = std::move(kept);
    keep_thumbnails(d, f, i + 1);
  });
}

}  // namespace

void request(Domain& d, const store::MessageRecord& m) {
  Fetcher* fetcher = d.link_fetcher();
  if (!fetcher || m.deleted) return;
  auto links = find_links(m.content);
  if (links.empty()) return;
  fetcher->fetch(std::move(links),
                 [&d, id = m.id, content = m.content](std::vector<LinkPreview> found) {
                   if (found.empty()) return;
                   auto f = std::make_shared<Found>();
                   f->message_id = id;
                   f->content = content;
                   f->thumbnails.resize(found.size());
                   f->previews = std::move(found);
                   keep_thumbnails(d, std::move(f), 0);
                 });
}

}  // namespace parlor::chat::previews
