// Files: POST /api/upload stores one file and answers its file object;
// GET /files/<key>/<name> and /thumbs/<key>.jpg serve the bytes to whoever
// holds the link.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>

#include "chat/domain.hpp"
#include "chat/files/names.hpp"
#include "chat/files/storage.hpp"
#include "chat/json.hpp"

namespace parlor::chat {

namespace {

// Room for the multipart framing around the file: boundaries, part
// headers, a few small fields.
constexpr std::size_t kMultipartOverhead = 64 * 1024;

RestResponse not_found_response() {
  return Domain::error_response(not_found("no such file"));
}

// Looks the file up, then has the storage open it; replies 404 when either
// is missing.
void serve(Domain& d, std::string key, std::string name, bool thumbnail, RestReply reply) {
  auto* storage = d.file_storage();
  if (!storage || !files::is_storage_key(key)) return reply(not_found_response());
  auto found = std::make_shared<std::optional<store::FileRecord>>();
  d.read(
      [key, found](store::Connection& c) {
        *found = c.file_by_key(key);
        return Outcome{};
      },
      [storage, found, name, thumbnail, reply](Outcome& o) {
        if (o.error) return Domain::respond(reply)(o);
        const auto& f = *found;
        if (!f || (thumbnail ? !f->has_thumbnail : f->file_name != name))
          return reply(not_found_response());
        auto headers = thumbnail ? files::file_headers("image/jpeg", "thumbnail.jpg")
                                 : files::file_headers(f->content_type, f->file_name);
        storage->open(
            f->storage_key, thumbnail,
            [reply, headers = std::move(headers)](std::shared_ptr<const core::OpenFile> file) {
              if (!file) return reply(not_found_response());
              RestResponse res;
              res.file = std::move(file);
              res.headers = headers;
              reply(std::move(res));
            });
      });
}

std::string mib(std::int64_t bytes) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return out;
}

// A user's stored files may take up to --upload-quota-mib; `size` more
// would go past it.
std::optional<Error> over_quota(const Domain& d, store::Connection& c, store::Id user,
                                std::int64_t size) {
  const auto quota = static_cast<std::int64_t>(d.config().upload_quota_mib * 1024 * 1024);
  if (quota <= 0) return std::nullopt;
  const auto used = c.stored_bytes_of(user);
  if (used + size <= quota) return std::nullopt;
  return Error{Code::too_large,
               "your files take " + mib(used) + " of your " + mib(quota) +
                   " quota: delete messages with files to make room",
               0};
}

// Stores the bytes, then records the file (checking the quota again: other
// uploads of the same user may have been recorded meanwhile). Bytes that end
// up with no record are removed.
void store_upload(Domain& d, store::FileRecord f, UploadPart part, RestReply reply) {
  d.file_storage()->save(std::move(part), [&d, f, reply](std::optional<files::Stored> stored,
                                                         std::string error) mutable {
    if (!stored) {
      spdlog::error("upload of {} bytes not stored: {}", f.file_size, error);
      return reply(Domain::error_response({Code::internal, "the file could not be stored", 0}));
    }
    f.storage_key = std::move(stored->storage_key);
    f.content_type = std::move(stored->content_type);
    f.width = stored->width;
    f.height = stored->height;
    f.has_thumbnail = stored->has_thumbnail;
    d.post([&d, f = std::move(f), reply]() mutable {
      f.created_at = d.now();
      const std::string key = f.storage_key;
      d.write(
          [&d, f](store::Connection& c) mutable {
            if (auto e = over_quota(d, c, f.uploader_id, f.file_size)) return fail(*e);
            f.id = c.insert_file(f);
            Outcome o;
            o.body = file_json(f);
            return o;
          },
          [&d, key, reply](Outcome& o) {
            if (o.error) d.file_storage()->remove({key});
            Domain::respond(reply)(o);
          });
    });
  });
}

void upload(Domain& d, const Caller& caller, RestRequest& req, RestReply reply) {
  if (!req.upload)
    return reply(Domain::error_response(
        invalid("file", req.upload_problem.empty()
                            ? "is required: send multipart/form-data with a part named file"
                            : req.upload_problem)));
  const std::size_t size = req.upload->data.size();
  if (size == 0) return reply(Domain::error_response(invalid("file", "is empty")));
  if (size > d.config().max_upload_bytes)
    return reply(Domain::error_response(
        {Code::too_large,
         "the file is larger than " + std::to_string(d.config().max_upload_bytes) + " bytes", 0}));
  if (!d.file_storage())
    return reply(Domain::error_response({Code::internal, "uploads are not configured", 0}));
  // Uploads share the per-user send rate (their own bucket).
  if (unsigned wait = d.send_limiter().take("f:" + std::to_string(caller.user_id)))
    return reply(Domain::error_response({Code::rate_limited, "uploading too fast", wait}));
  store::FileRecord f;
  f.uploader_id = caller.user_id;
  f.file_name = files::clean_file_name(req.upload->file_name);
  f.file_size = static_cast<std::int64_t>(size);
  // Over the quota already: refused before the bytes are stored.
  auto part = std::make_shared<UploadPart>(std::move(*req.upload));
  d.read(
      [&d, user = f.uploader_id, size = f.file_size](store::Connection& c) {
        if (auto e = over_quota(d, c, user, size)) return fail(*e);
        return Outcome{};
      },
      [&d, f = std::move(f), part, reply](Outcome& o) mutable {
        if (o.error) return Domain::respond(reply)(o);
        store_upload(d, std::move(f), std::move(*part), std::move(reply));
      });
}

}  // namespace

void register_file_routes(Domain& d) {
  d.on_upload("/api/upload", d.config().max_upload_bytes + kMultipartOverhead,
              [&d](const Caller& caller, RestRequest& req, RestReply reply) {
                upload(d, caller, req, std::move(reply));
              });
  d.on_public_rest("GET", "/files/:key/:name", [&d](RestRequest req, RestReply reply) {
    serve(d, req.params["key"], req.params["name"], false, std::move(reply));
  });
  d.on_public_rest("GET", "/thumbs/:key", [&d](RestRequest req, RestReply reply) {
    std::string key = req.params["key"];
    constexpr std::string_view ext = ".jpg";
    if (key.size() <= ext.size() || key.compare(key.size() - ext.size(), ext.size(), ext) != 0)
      return reply(not_found_response());
    key.resize(key.size() - ext.size());
    serve(d, std::move(key), {}, true, std::move(reply));
  });
}

}  // namespace parlor::chat
