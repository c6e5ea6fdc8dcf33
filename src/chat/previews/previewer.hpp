// Link previews: the links of a message are fetched after it is stored, and
// what the pages say of themselves (title, description, image) is added to
// the message as a change of its own (a new rev, sent as message_edited).
// The fetching is an interface, so the domain never does network I/O: the
// app plugs in media::LinkFetcher.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace parlor::chat::previews {

struct LinkPreview {
  std::string url;  // the link as it appears in the message
  std::string title;
  std::string description;
  // The image the page names: fetched (`image`) by the Fetcher, then kept
  // as a thumbnail by the domain, whose link replaces the page's URL here.
  std::string image_url;
  std::string site_name;
  std::shared_ptr<const std::string> image;  // its bytes, when they could be fetched
  bool operator==(const LinkPreview&) const = default;
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Fetches each page and calls `done` once, on another thread, with the
  // previews of the pages that had a title, in the order of `urls`.
  virtual void fetch(std::vector<std::string> urls,
                     std::function<void(std::vector<LinkPreview>)> done) = 0;
};

}  // namespace parlor::chat::previews
