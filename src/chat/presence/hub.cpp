// Thread-safe presence with ordered, per-transition fan-out (see hub.hpp).
#include "chat/presence/hub.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>

#include "store/executor.hpp"
#include "store/store.hpp"

namespace parlor::chat::presence {

namespace {

boost::json::value iso_or_null(store::TimeMs t) {
  if (t == 0) return nullptr;
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(t % 1000));
  return boost::json::string(buf);
}

}  // namespace

boost::json::object update_json(const View& v) {
  return {{"user_id", std::to_string(v.user_id)},
          {"status", to_string(v.status)},
          {"last_seen", iso_or_null(v.last_seen)},
          {"custom_status", v.custom_status}};
}

Hub::Hub(Outbox& outbox, AudienceLookup audience, SaveLastSeen save_last_seen, Now now)
    : outbox_(outbox),
      audience_(std::move(audience)),
      save_last_seen_(std::move(save_last_seen)),
      now_(std::move(now)) {}

bool Hub::queue(const View& v) {
  Pending& p = pending_[v.user_id];
  p.views.push_back(v);
  if (p.covered > 0) return false;
  p.covered = p.views.size();
  return true;
}

void Hub::start_lookup(store::Id user_id) {
  audience_(user_id, [this, user_id](std::vector<store::Id> audience) {
    deliver(user_id, std::move(audience));
  });
}

void Hub::deliver(store::Id user_id, std::vector<store::Id> audience) {
  std::vector<View> views;
  std::vector<store::Id> online;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(user_id);
    if (it == pending_.end()) return;
    Pending& p = it->second;
    views.assign(p.views.begin(), p.views.begin() + static_cast<std::ptrdiff_t>(p.covered));
    p.views.erase(p.views.begin(), p.views.begin() + static_cast<std::ptrdiff_t>(p.covered));
    std::unordered_set<store::Id> seen;
    for (store::Id id : audience) {
      if (tracker_.online(id) && seen.insert(id).second) online.push_back(id);
    }
  }
  // `covered` stays set while we send, so a newer transition cannot
  // overtake these: it waits in `views` for the next lookup.
  for (const View& v : views) {
    boost::json::value payload = update_json(v);
    for (store::Id id : online) outbox_.to_user(id, "presence_update", payload);
  }
  bool again = false;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(user_id);
    if (it == pending_.end()) return;
    if (it->second.views.empty()) {
      pending_.erase(it);
    } else {
      it->second.covered = it->second.views.size();
      again = true;
    }
  }
  if (again) start_lookup(user_id);
}

void Hub::connected(const ConnId& conn, store::Id user_id, const Profile& stored) {
  bool lookup = false;
  {
    std::lock_guard lock(mutex_);
    if (auto v = tracker_.connected(conn, user_id, stored)) lookup = queue(*v);
  }
  if (lookup) start_lookup(user_id);
}

void Hub::disconnected(const ConnId& conn) {
  store::TimeMs now = now_();
  std::optional<View> v;
  bool lookup = false;
  {
    std::lock_guard lock(mutex_);
    v = tracker_.disconnected(conn, now);
    if (v) lookup = queue(*v);
  }
  if (!v) return;
  if (v->status == Status::offline) save_last_seen_(v->user_id, v->last_seen);
  if (lookup) start_lookup(v->user_id);
}

void Hub::activity(const ConnId& conn, bool idle) {
  std::optional<View> v;
  bool lookup = false;
  {
    std::lock_guard lock(mutex_);
    v = tracker_.activity(conn, idle);
    if (v) lookup = queue(*v);
  }
  if (lookup) start_lookup(v->user_id);
}

void Hub::choice_changed(store::Id user_id, const Profile& before, const Profile& after) {
  bool lookup = false;
  {
    std::lock_guard lock(mutex_);
    if (auto v = tracker_.choice_changed(user_id, before, after)) lookup = queue(*v);
  }
  if (lookup) start_lookup(user_id);
}

View Hub::view(store::Id user_id) const {
  std::lock_guard lock(mutex_);
  return tracker_.view(user_id);
}

View Hub::view(const store::UserRecord& u) const {
  std::lock_guard lock(mutex_);
  if (tracker_.known(u.id)) return tracker_.view(u.id);
  return View{u.id, Status::offline, u.last_seen, u.custom_status};
}

std::string_view Hub::status(store::Id user_id) const {
  std::lock_guard lock(mutex_);
  return to_string(tracker_.view(user_id).status);
}

std::string_view Hub::status(const store::UserRecord& u) const {
  std::lock_guard lock(mutex_);
  if (!tracker_.online(u.id)) return to_string(Status::offline);
  if (u.status == "busy") return to_string(Status::busy);
  return to_string(tracker_.idle(u.id) ? Status::away : Status::online);
}

bool Hub::online(store::Id user_id) const {
  std::lock_guard lock(mutex_);
  return tracker_.online(user_id);
}

std::optional<store::Id> Hub::user_of(const ConnId& conn) const {
  std::lock_guard lock(mutex_);
  return tracker_.user_of(conn);
}

Hub::AudienceLookup store_audience(store::Executor& executor,
                                   std::function<void(std::function<void()>)> post) {
  return [&executor, post](store::Id user_id, Hub::Recipients done) {
    auto found = std::make_shared<std::vector<store::Id>>();
    auto job = [user_id, found](store::Connection& c) { *found = c.room_sharers(user_id); };
    auto finish = [user_id, found, done, post](std::exception_ptr error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::error("presence: audience of user {}: {}", user_id, e.what());
        } catch (...) {
          spdlog::error("presence: audience of user {}: unknown error", user_id);
        }
        done({});
        return;
      }
      if (post) {
        post([found, done] { done(std::move(*found)); });
      } else {
        done(std::move(*found));
      }
    };
    if (!executor.submit_write(std::move(job), finish)) {
      spdlog::warn("presence: store busy, update of user {} not sent", user_id);
      done({});
    }
  };
}

Hub::SaveLastSeen store_last_seen(store::Executor& executor) {
  return [&executor](store::Id user_id, store::TimeMs when) {
    auto job = [user_id, when](store::Connection& c) { c.set_last_seen(user_id, when); };
    auto finish = [user_id](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("presence: last_seen of user {}: {}", user_id, e.what());
      } catch (...) {
        spdlog::error("presence: last_seen of user {}: unknown error", user_id);
      }
    };
    if (!executor.submit_write(std::move(job), finish)) {
      spdlog::warn("presence: store busy, last_seen of user {} not saved", user_id);
    }
  };
}

}  // namespace parlor::chat::presence
