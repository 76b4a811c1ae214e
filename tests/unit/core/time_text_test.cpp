#include <gtest/gtest.h>

#include <cctype>

#include "rmqup/core/time_text.hpp"

TEST(TimeText, Iso8601UtcNowHasTheSecondsZuluForm) {
    const std::string t = rmqup::iso8601_utc_now();
    ASSERT_EQ(t.size(), 20u) << t;  // 2026-11-21T13:45:00Z
    const std::string shape = "dddd-dd-ddTdd:dd:ddZ";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 'd') EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(t[i]))) << t;
        else EXPECT_EQ(t[i], shape[i]) << t;
    }
    EXPECT_GE(t.substr(0, 4), "2024");
}
