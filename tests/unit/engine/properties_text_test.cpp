#include <gtest/gtest.h>

#include "engine/properties_text.hpp"

namespace rmqup::engine::detail {
namespace {

TEST(PropertiesText, SetReplacesTheLastAssignmentAndKeepsComments) {
    const std::string in = "# pristine\nbrokerName=broker-a\nbrokerPermission = 4\nflushDiskType=ASYNC_FLUSH\nbrokerPermission:4\n";
    const std::string out = set_property(in, "brokerPermission", "6");
    EXPECT_EQ(out, "# pristine\nbrokerName=broker-a\nflushDiskType=ASYNC_FLUSH\nbrokerPermission=6\n");
    EXPECT_EQ(property_value(out, "brokerPermission"), "6");
}

TEST(PropertiesText, OverridesAppendMissingKeys) {
    const std::string out = apply_properties("a=1\n", {{"b", "2"}, {"a", "3"}});
    EXPECT_EQ(out, "a=3\nb=2\n");
    EXPECT_FALSE(property_value(out, "c").has_value());
}

}  // namespace
}  // namespace rmqup::engine::detail
