#include "chat/files/sweep.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "chat/domain.hpp"
#include "chat/files/storage.hpp"

namespace parlor::chat::files {

namespace {
constexpr std::size_t kBatch = 500;
}

Sweep::Sweep(Domain& d) : d_(d) {
  const double hours = d.config().unclaimed_upload_hours;
  if (!d.file_storage() || !(hours > 0)) return;
  max_age_ms_ = static_cast<store::TimeMs>(hours * 3600 * 1000);
  interval_ms_ = std::clamp<store::TimeMs>(max_age_ms_ / 4, 1000, 3600 * 1000);
  alarm_ = std::make_unique<AlarmThread>([&d] { return d.now(); },
                                         [this] { d_.post([this] { pass(); }); });
}

Sweep::~Sweep() {
  stop();
}

void Sweep::start() {
  if (alarm_) alarm_->arm(d_.now() + std::min<store::TimeMs>(interval_ms_, 60 * 1000));
}

void Sweep::stop() {
  if (alarm_) alarm_->stop();
}

void Sweep::pass() {
  auto removed = std::make_shared<std::vector<store::FileRecord>>();
  const store::TimeMs before = d_.now() - max_age_ms_;
  d_.write(
      [removed, before](store::Connection& c) {
        *removed = c.remove_unclaimed_files(before, kBatch);
        return Outcome{};
      },
      [this, removed](Outcome& o) {
        if (o.error) {
          spdlog::warn("unclaimed uploads: sweep failed: {}", o.error->message);
        } else if (!removed->empty()) {
          std::vector<std::string> keys;
          std::int64_t bytes = 0;
          for (const auto& f : *removed) {
            keys.push_back(f.storage_key);
            bytes += f.file_size;
          }
          spdlog::info("unclaimed uploads: removed {} ({} bytes)", keys.size(), bytes);
          d_.file_storage()->remove(std::move(keys));
        }
        const bool more = !o.error && removed->size() == kBatch;
        alarm_->arm(d_.now() + (more ? 0 : interval_ms_));
      });
}

}  // namespace parlor::chat::files
