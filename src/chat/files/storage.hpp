// Where uploaded files' bytes are kept: an interface, so the domain never
// sees the disk, libmagic or libvips (the app plugs in media::LocalStorage).
// save() returns at once and calls `done` later, on another thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat/service.hpp"
#include "core/open_file.hpp"

namespace parlor::chat::files {

// What storing found out about the bytes.
struct Stored {
  std::string storage_key;   // 32 hex digits, random: names the bytes and is their link
  std::string content_type;  // sniffed from the bytes
  std::optional<int> width;  // images only
  std::optional<int> height;
  bool has_thumbnail = false;
};

class Storage {
 public:
  virtual ~Storage() = default;
  // Writes the bytes durably (and a thumbnail for images) under a new key.
  // On failure `done` gets nullopt and a message for the log.
  virtual void save(UploadPart part,
                    std::function<void(std::optional<Stored>, std::string error)> done) = 0;
  // Keeps only a thumbnail of an image (a link preview's), under a new key:
  // nullopt when the bytes are no image it can read, or cannot be written.
  virtual void save_thumbnail(std::shared_ptr<const std::string> image,
                              std::function<void(std::optional<Stored>)> done) = 0;
  // A stored file or its thumbnail, opened for reading (nullptr if
  // missing); `done` may run before open() returns.
  virtual void open(std::string storage_key, bool thumbnail,
                    std::function<void(std::shared_ptr<const core::OpenFile>)> done) = 0;
  // Deletes the bytes (and thumbnails) of these keys, later; missing ones
  // are skipped. Links already being served finish.
  virtual void remove(std::vector<std::string> storage_keys) = 0;
};

}  // namespace parlor::chat::files
