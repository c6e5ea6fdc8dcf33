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

}  // namespace
}  // namespace parlor::net
