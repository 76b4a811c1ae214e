// Durations and typo hints used by the inventory diagnostics.
#include <gtest/gtest.h>

#include "inventory/yaml_reader.hpp"

using namespace rmqup::inventory_detail;
using namespace std::chrono_literals;

namespace {

TEST(Duration, UnitsAndDecimals) {
    EXPECT_EQ(parse_duration("500ms"), 500ms);
    EXPECT_EQ(parse_duration("45s"), 45s);
    EXPECT_EQ(parse_duration("2m"), 2min);
    EXPECT_EQ(parse_duration("1h"), 1h);
    EXPECT_EQ(parse_duration("1.5s"), 1500ms);
    EXPECT_EQ(parse_duration("0s"), 0ms);
}

TEST(Duration, RejectsWhatIsNotADuration) {
    for (const char* bad : {"", "45", "s", "5 minutes", "-3s", "1d", "1.s5", "ms"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(Closest, SuggestsTyposOnly) {
    const std::vector<std::string> keys{"slavesFirst", "batchSize", "canary", "drain"};
    EXPECT_EQ(closest("slaveFirst", keys), "slavesFirst");
    EXPECT_EQ(closest("batchsize", keys), "batchSize");  // case differences are free
    EXPECT_EQ(closest("drian", keys), "drain");
    EXPECT_FALSE(closest("somethingElse", keys).has_value());
}

}  // namespace
