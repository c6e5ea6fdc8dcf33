#include "core/config.hpp"

#include <gtest/gtest.h>

namespace parlor::core {
namespace {

TEST(Config, MaxPayloadStaysAboveTheMessageLimit) {
  Config defaults;
  EXPECT_FALSE(fit_payload_to_limits(defaults));
  EXPECT_EQ(defaults.max_payload, std::size_t{2 * 1024 * 1024});

  Config raised;
  raised.max_message_chars = 1000000;
  auto note = fit_payload_to_limits(raised);
  ASSERT_TRUE(note);
  EXPECT_GE(raised.max_payload, std::size_t{12 * 1000000});
  EXPECT_NE(note->find("max_payload raised"), std::string::npos);
  EXPECT_FALSE(fit_payload_to_limits(raised));  // once is enough
}

}  // namespace
}  // namespace parlor::core
