// See report.hpp.
#include "report.hpp"

#include <boost/json/array.hpp>
#include <cstdio>

namespace parlor::bench {

namespace json = boost::json;

json::object to_json(const Histogram& h) {
  return {{"count", h.count()},
          {"p50", h.percentile(0.50)},
          {"p99", h.percentile(0.99)},
          {"p999", h.percentile(0.999)},
          {"max", h.max()}};
}

double deliveries_per_s(const PhaseResult& p) {
  return p.elapsed_s > 0 ? static_cast<double>(p.c.delivered - p.c.via_sync) / p.elapsed_s : 0;
}

double cpu_us_per_delivery(const PhaseResult& p) {
  if (!p.server_before.ok || !p.server_after.ok || p.c.delivered == 0) return -1;
  return (p.server_after.cpu_s - p.server_before.cpu_s) * 1e6 / static_cast<double>(p.c.delivered);
}

double allocs_per_delivery(const PhaseResult& p) {
  if (!p.server_before.allocs_ok || !p.server_after.allocs_ok || p.c.delivered == 0) return -1;
  return static_cast<double>(p.server_after.allocs - p.server_before.allocs) /
         static_cast<double>(p.c.delivered);
}

bool has_errors(const PhaseResult& p) {
  return p.lost || p.gaps || p.c.duplicates || p.c.ack_errors || p.c.unexpected ||
         p.c.disconnects || p.c.sync_errors || p.c.synced < p.c.dropped ||
         p.c.acked + p.c.ack_errors < p.c.sent;
}

json::object to_json(const PhaseResult& p) {
  json::object o;
  o["offered_msgs_per_s"] = p.offered_rate;
  o["send_s"] = p.send_s;
  o["elapsed_s"] = p.elapsed_s;
  o["sent"] = p.c.sent;
  o["send_skipped"] = p.c.send_skipped;
  o["acked"] = p.c.acked;
  o["ack_errors"] = p.c.ack_errors;
  o["unacked"] = p.c.sent > p.c.acked + p.c.ack_errors ? p.c.sent - p.c.acked - p.c.ack_errors : 0;
  o["expected_deliveries"] = p.c.expected;
  o["delivered"] = p.c.delivered;
  o["delivered_via_sync"] = p.c.via_sync;
  o["lost"] = p.lost;
  o["duplicates"] = p.c.duplicates;
  o["sync_overlap"] = p.c.overlap;
  o["gaps"] = p.gaps;
  o["unexpected"] = p.c.unexpected;
  o["disconnects"] = p.c.disconnects;
  o["deliveries_per_s"] = deliveries_per_s(p);
  o["acks_per_s"] = p.elapsed_s > 0 ? static_cast<double>(p.c.acked) / p.elapsed_s : 0;
  o["delivery_latency_us"] = to_json(p.delivery_us);
  o["ack_latency_us"] = to_json(p.ack_us);
  if (p.c.dropped) {
    o["dropped"] = p.c.dropped;
    o["synced"] = p.c.synced;
    o["sync_errors"] = p.c.sync_errors;
    o["reconnect_to_synced_ms"] = to_json(p.sync_ms);
  }
  json::object s;
  s["sampled"] = p.server_before.ok && p.server_after.ok;
  s["cpu_s"] = p.server_after.cpu_s - p.server_before.cpu_s;
  s["cpu_us_per_delivery"] = cpu_us_per_delivery(p);
  s["rss_kib"] = p.server_after.rss_kib;
  if (p.server_before.allocs_ok && p.server_after.allocs_ok) {
    s["allocs"] = p.server_after.allocs - p.server_before.allocs;
    s["allocs_per_delivery"] = allocs_per_delivery(p);
  }
  s["processes"] = p.server_after.processes;
  o["server"] = std::move(s);
  o["loadgen_cpu_s"] = p.loadgen_cpu_s;
  json::array errs;
  for (auto& e : p.errors) errs.push_back(json::value(e));
  o["errors"] = std::move(errs);
  o["ok"] = !has_errors(p);
  return o;
}

json::object to_json(const ConnectResult& c) {
  json::array errs;
  for (auto& e : c.errors) errs.push_back(json::value(e));
  return {{"wanted", c.wanted},
          {"ready", c.ready},
          {"failed", c.failed},
          {"elapsed_s", c.elapsed_s},
          {"connect_ms", to_json(c.connect_ms)},
          {"errors", std::move(errs)}};
}

void print_phase_header(std::ostream& os) {
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %9s %10s %8s %8s %8s %8s %8s %8s %6s %5s %8s %8s\n",
                "phase", "offered/s", "deliv/s", "p50 ms", "p99 ms", "p99.9", "max ms", "ack p50",
                "ack p99", "lost", "dup", "cpu us/d", "rss MiB");
  os << line;
}

void print_phase_row(std::ostream& os, const std::string& name, const PhaseResult& p) {
  auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  char line[256];
  std::snprintf(
      line, sizeof line,
      "%-14s %9.0f %10.0f %8.2f %8.2f %8.2f %8.1f %8.2f %8.2f %6llu %5llu %8.2f %8.1f\n",
      name.c_str(), p.offered_rate, deliveries_per_s(p), ms(p.delivery_us.percentile(0.5)),
      ms(p.delivery_us.percentile(0.99)), ms(p.delivery_us.percentile(0.999)),
      ms(p.delivery_us.max()), ms(p.ack_us.percentile(0.5)), ms(p.ack_us.percentile(0.99)),
      static_cast<unsigned long long>(p.lost), static_cast<unsigned long long>(p.c.duplicates),
      cpu_us_per_delivery(p), static_cast<double>(p.server_after.rss_kib) / 1024.0);
  os << line;
  if (p.server_before.allocs_ok && p.server_after.allocs_ok)
    os << "  server heap allocations: " << p.server_after.allocs - p.server_before.allocs << " ("
       << allocs_per_delivery(p) << " per delivery)\n";
  if (p.c.dropped)
    os << "  storm: dropped " << p.c.dropped << ", synced " << p.c.synced << " (p50 "
       << p.sync_ms.percentile(0.5) << " ms, max " << p.sync_ms.max() << " ms), via sync "
       << p.c.via_sync << ", sync errors " << p.c.sync_errors << "\n";
  if (p.elapsed_s > 0 && p.loadgen_cpu_s / p.elapsed_s > 0.9)
    os << "  note: the generator used " << p.loadgen_cpu_s / p.elapsed_s
       << " cores; it may be the bottleneck\n";
  if (p.gaps || p.c.ack_errors || p.c.unexpected || p.c.disconnects)
    os << "  gaps " << p.gaps << ", ack errors " << p.c.ack_errors << ", unexpected "
       << p.c.unexpected << ", disconnects " << p.c.disconnects << "\n";
  for (auto& e : p.errors) os << "  error: " << e << "\n";
}

void print_connect(std::ostream& os, const ConnectResult& c) {
  os << "connected " << c.ready << "/" << c.wanted << " in " << c.elapsed_s << " s (p50 "
     << c.connect_ms.percentile(0.5) << " ms, p99 " << c.connect_ms.percentile(0.99) << " ms, max "
     << c.connect_ms.max() << " ms), failed " << c.failed << "\n";
  for (auto& e : c.errors) os << "  error: " << e << "\n";
}

}  // namespace parlor::bench
