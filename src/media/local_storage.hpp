// chat::files::Storage on the local disk: files/<2 hex>/<key> under the data
// directory, thumbnails beside them as <key>.thumb.jpg. Each file is written
// to a temporary name, synced, renamed and its directory synced, so a stored
// file survives a crash once `save` reports it. The blocking work (disk,
// libmagic, libvips) runs on this object's own worker thread.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <string>

#include "chat/files/storage.hpp"

namespace parlor::media {

class LocalStorage final : public chat::files::Storage {
 public:
  // Creates `dir` if needed; throws std::runtime_error if it cannot.
  explicit LocalStorage(std::filesystem::path dir);
  ~LocalStorage() override;  // finishes queued work

  void save(
      chat::UploadPart part,
      std::function<void(std::optional<chat::files::Stored>, std::string error)> done) override;
  // Opens at once, on the caller's thread: an open() on the local disk is
  // not worth a queue behind the worker's thumbnails.
  void open(std::string storage_key, bool thumbnail,
            std::function<void(std::shared_ptr<const core::OpenFile>)> done) override;
  void save_thumbnail(std::shared_ptr<const std::string> image,
                      std::function<void(std::optional<chat::files::Stored>)> done) override;
  void remove(std::vector<std::string> storage_keys) override;

  // Where a key's bytes live (exposed for tests).
  std::filesystem::path path_of(const std::string& storage_key, bool thumbnail) const;

 private:
  std::filesystem::path dir_;
  boost::asio::thread_pool worker_{1};
};

}  // namespace parlor::media
