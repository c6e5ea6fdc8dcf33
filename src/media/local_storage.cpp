#include "media/local_storage.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "chat/files/names.hpp"
#include "media/sniff.hpp"
#include "media/thumbnail.hpp"

namespace parlor::media {
namespace fs = std::filesystem;

namespace {

std::string random_key() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string errno_text(const char* what, const fs::path& p) {
  return std::string(what) + " " + p.string() + ": " + std::strerror(errno);
}

bool sync_dir(const fs::path& dir, std::string& error) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return error = errno_text("open", dir), false;
  bool ok = ::fsync(fd) == 0;
  if (!ok) error = errno_text("fsync", dir);
  ::close(fd);
  return ok;
}

// Writes `bytes` to `target` durably: a temporary file, synced, then renamed.
bool write_durably(const fs::path& target, std::string_view bytes, std::string& error) {
  fs::path tmp = target;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return error = errno_text("create", tmp), false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = errno_text("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    error = errno_text("fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    error = errno_text("rename", tmp);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

LocalStorage::LocalStorage(fs::path dir) : dir_(std::move(dir)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create " + dir_.string() + ": " + ec.message());
}

LocalStorage::~LocalStorage() {
  worker_.join();
}

fs::path LocalStorage::path_of(const std::string& key, bool thumbnail) const {
  return dir_ / key.substr(0, 2) / (thumbnail ? key + ".thumb.jpg" : key);
}

void LocalStorage::save(
    chat::UploadPart part,
    std::function<void(std::optional<chat::files::Stored>, std::string error)> done) {
  boost::asio::post(worker_, [this, part = std::move(part), done = std::move(done)] {
    chat::files::Stored s;
    s.storage_key = random_key();
    s.content_type = sniff_content_type(part.data);
    std::string thumbnail;
    if (is_thumbnailable(s.content_type)) {
      if (auto image = inspect_image(part.data)) {
        s.width = image->width;
        s.height = image->height;
        thumbnail = std::move(image->thumbnail);
      }
    }
    const fs::path target = path_of(s.storage_key, false);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return done(std::nullopt, "cannot create " + target.parent_path().string());
    std::string error;
    // The thumbnail first: once the file is there, so is its thumbnail.
    if (!thumbnail.empty()) {
      if (!write_durably(path_of(s.storage_key, true), thumbnail, error))
        return done(std::nullopt, error);
      s.has_thumbnail = true;
    }
    if (!write_durably(target, part.data, error) || !sync_dir(target.parent_path(), error) ||
        !sync_dir(dir_, error))
      return done(std::nullopt, error);
    done(std::move(s), {});
  });
}

void LocalStorage::save_thumbnail(std::shared_ptr<const std::string> image,
                                  std::function<void(std::optional<chat::files::Stored>)> done) {
  boost::asio::post(worker_, [this, image = std::move(image), done = std::move(done)] {
    chat::files::Stored s;
    s.content_type = sniff_content_type(*image);
    if (!is_thumbnailable(s.content_type)) return done(std::nullopt);
    auto inspected = inspect_image(*image);
    if (!inspected) return done(std::nullopt);
    s.storage_key = random_key();
    s.width = inspected->width;
    s.height = inspected->height;
    const fs::path target = path_of(s.storage_key, true);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    std::string error;
    if (ec || !write_durably(target, inspected->thumbnail, error) ||
        !sync_dir(target.parent_path(), error) || !sync_dir(dir_, error)) {
      spdlog::warn("preview image not stored: {}", ec ? ec.message() : error);
      return done(std::nullopt);
    }
    s.has_thumbnail = true;
    done(std::move(s));
  });
}

void LocalStorage::open(std::string key, bool thumbnail,
                        std::function<void(std::shared_ptr<const core::OpenFile>)> done) {
  if (!chat::files::is_storage_key(key)) return done(nullptr);
  done(core::OpenFile::open(path_of(key, thumbnail)));
}

void LocalStorage::remove(std::vector<std::string> keys) {
  boost::asio::post(worker_, [this, keys = std::move(keys)] {
    for (const auto& key : keys) {
      if (!chat::files::is_storage_key(key)) continue;
      std::error_code ec;
      fs::remove(path_of(key, false), ec);
      if (ec) spdlog::warn("upload {}: not removed: {}", key, ec.message());
      fs::remove(path_of(key, true), ec);
    }
  });
}

}  // namespace parlor::media
