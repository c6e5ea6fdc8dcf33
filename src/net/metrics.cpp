// Metrics registry: registration under a lock, rendering grouped by name.
#include "net/metrics.hpp"

#include <set>

namespace parlor::net {

Metrics::Entry& Metrics::find_or_add(const std::string& name, const std::string& help,
                                     const std::string& labels, bool is_counter) {
  std::lock_guard lock(mu_);
  for (auto& e : entries_)
    if (e.name == name && e.labels == labels) return e;
  auto& e = entries_.emplace_back();
  e.name = name;
  e.help = help;
  e.labels = labels;
  e.is_counter = is_counter;
  return e;
}

Counter& Metrics::counter(const std::string& name, const std::string& help,
                          const std::string& labels) {
  return find_or_add(name, help, labels, true).counter;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const std::string& labels) {
  return find_or_add(name, help, labels, false).gauge;
}

std::uint64_t Metrics::add_collector(Collector c) {
  std::lock_guard lock(collectors_mu_);
  const std::uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(c));
  return id;
}

void Metrics::remove_collector(std::uint64_t id) {
  std::lock_guard lock(collectors_mu_);
  collectors_.erase(id);
}

std::string Metrics::render() const {
  {
    std::lock_guard lock(collectors_mu_);
    for (const auto& [id, collect] : collectors_) collect();
  }
  std::lock_guard lock(mu_);
  std::string out;
  std::set<std::string> done;
  for (const auto& first : entries_) {
    if (!done.insert(first.name).second) continue;
    out += "# HELP " + first.name + " " + first.help + "\n";
    out += "# TYPE " + first.name + (first.is_counter ? " counter\n" : " gauge\n");
    for (const auto& e : entries_) {
      if (e.name != first.name) continue;
      out += e.name;
      if (!e.labels.empty()) out += "{" + e.labels + "}";
      out += " ";
      out += e.is_counter ? std::to_string(e.counter.value()) : std::to_string(e.gauge.value());
      out += "\n";
    }
  }
  return out;
}

}  // namespace parlor::net
