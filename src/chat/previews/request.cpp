#include "chat/previews/request.hpp"

#include <spdlog/spdlog.h>

#include "chat/actions/messages.hpp"
#include "chat/domain.hpp"
#include "chat/previews/links.hpp"

namespace parlor::chat::previews {

void request(Domain& d, const store::MessageRecord& m) {
  Fetcher* fetcher = d.link_fetcher();
  if (!fetcher || m.deleted) return;
  auto links = find_links(m.content);
  if (links.empty()) return;
  fetcher->fetch(
      std::move(links), [&d, id = m.id, content = m.content](std::vector<LinkPreview> found) {
        if (found.empty()) return;
        d.post([&d, id, content, json = previews_json(found)] {
          d.write(
              [&d, id, content, json](store::Connection& c) {
                return actions::add_link_previews(d, c, id, content, json);
              },
              [id](Outcome& o) {
                if (o.error)
                  spdlog::warn("link previews of message {} not stored: {}", id, o.error->message);
              });
        });
      });
}

}  // namespace parlor::chat::previews
