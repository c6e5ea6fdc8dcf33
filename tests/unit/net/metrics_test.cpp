// Metrics registry and Prometheus rendering.
#include "net/metrics.hpp"

#include <gtest/gtest.h>

namespace parlor::net {
namespace {

TEST(Metrics, RendersCountersAndLabelledGauges) {
  Metrics m;
  m.counter("x_total", "things").inc(3);
  m.gauge("open", "open things", "transport=\"polling\"").add(2);
  m.gauge("open", "open things", "transport=\"websocket\"").add(5);
  auto text = m.render();
  EXPECT_NE(text.find("# TYPE x_total counter\nx_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE open gauge\nopen{transport=\"polling\"} 2\n"
                      "open{transport=\"websocket\"} 5\n"),
            std::string::npos)
      << text;
}

TEST(Metrics, SameNameAndLabelsIsTheSameMetric) {
  Metrics m;
  auto& a = m.counter("c", "h");
  auto& b = m.counter("c", "h");
  EXPECT_EQ(&a, &b);
  a.inc();
  b.inc();
  EXPECT_EQ(a.value(), 2u);
}

TEST(Metrics, CollectorsCopyFiguresInBeforeEachRenderUntilRemoved) {
  Metrics m;
  auto& total = m.counter("jobs_total", "jobs");
  auto& queue = m.gauge("queue", "waiting");
  std::uint64_t jobs = 7;
  int runs = 0;
  auto id = m.add_collector([&] {
    ++runs;
    total.set(jobs);
    queue.set(static_cast<std::int64_t>(jobs) - 5);
  });
  auto text = m.render();
  EXPECT_NE(text.find("jobs_total 7\n"), std::string::npos) << text;
  EXPECT_NE(text.find("queue 2\n"), std::string::npos) << text;
  jobs = 9;
  EXPECT_NE(m.render().find("jobs_total 9\n"), std::string::npos);
  EXPECT_EQ(runs, 2);
  m.remove_collector(id);
  jobs = 11;
  EXPECT_NE(m.render().find("jobs_total 9\n"), std::string::npos);
  EXPECT_EQ(runs, 2);
}

}  // namespace
}  // namespace parlor::net
