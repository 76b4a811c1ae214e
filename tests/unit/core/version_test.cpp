#include <gtest/gtest.h>

#include "rmqup/core/version.hpp"

using rmqup::RmqVersion;

TEST(Version, ParsesReleaseAndDescForms) {
    auto a = RmqVersion::parse("4.9.7");
    auto b = RmqVersion::parse("V4_9_7");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(a->desc(), "V4_9_7");
    EXPECT_EQ(a->str(), "4.9.7");
    auto inc = RmqVersion::parse("4.1.0-incubating");
    ASSERT_TRUE(inc);
    EXPECT_EQ(inc->str(), "4.1.0");
    EXPECT_FALSE(RmqVersion::parse("4.9"));
    EXPECT_FALSE(RmqVersion::parse("latest"));
    EXPECT_FALSE(RmqVersion::parse("4.9.7x"));
}

TEST(Version, OrdinalsMatchMQVersionEnum) {
    // Anchors from the protocol reference (MQVersion.Version ordinals).
    EXPECT_EQ(RmqVersion::parse("4.9.7")->ordinal(), 407);
    EXPECT_EQ(RmqVersion::parse("4.9.4")->ordinal(), 401);
    EXPECT_EQ(RmqVersion::parse("4.9.3")->ordinal(), 399);
    EXPECT_EQ(RmqVersion::parse("4.8.0")->ordinal(), 373);
    EXPECT_EQ(RmqVersion::parse("4.4.0")->ordinal(), 293);
    EXPECT_EQ(RmqVersion::parse("5.0.0")->ordinal(), 413);
    EXPECT_EQ(RmqVersion::parse("5.3.1")->ordinal(), 475);
    EXPECT_EQ(RmqVersion::parse("5.3.3")->ordinal(), 479);
}

TEST(Version, Ordering) {
    EXPECT_LT(*RmqVersion::parse("4.8.0"), *RmqVersion::parse("4.9.7"));
    EXPECT_LT(*RmqVersion::parse("4.9.7"), *RmqVersion::parse("5.3.3"));
    EXPECT_TRUE(RmqVersion::parse("5.3.3")->is5x());
}

// MQVersion.CURRENT_VERSION at each tag of apache/rocketmq (common/.../MQVersion.java), and the
// alibaba 3.2.6 release as captured (tests/data/fixtures/rocketmq-3.2.6: header version 79).
TEST(Version, OrdinalOfEveryReleaseIsWhatItsServersSend) {
    struct Row {
        const char* release;
        int ordinal;
        const char* desc;
    };
    const Row rows[] = {
        {"3.0.0", 15, "V3_0_0_FINAL"},    {"3.0.15", 45, "V3_0_15"},
        {"3.1.0", 47, "V3_1_0"},          {"3.2.6", 79, "V3_2_6"},
        {"3.3.1", 87, "V3_3_1"},          {"3.5.9", 139, "V3_5_9"},
        {"3.6.1", 141, "V3_6_1"},         {"3.9.9", 211, "V3_9_9"},
        {"4.0.0", 212, "V4_0_0_SNAPSHOT"}, {"4.1.0", 232, "V4_1_0_SNAPSHOT"},
        {"4.2.0", 252, "V4_2_0_SNAPSHOT"}, {"4.3.0", 273, "V4_3_0"},
        {"4.5.1", 315, "V4_5_1"},         {"4.6.0", 333, "V4_6_0"},
        {"4.7.1", 355, "V4_7_1"},         {"4.8.0", 373, "V4_8_0"},
        {"4.9.2", 397, "V4_9_2"},         {"4.9.4", 401, "V4_9_4"},
        {"4.9.7", 407, "V4_9_7"},         {"4.9.8", 409, "V4_9_8"},
        {"5.0.0", 413, "V5_0_0"},         {"5.1.4", 441, "V5_1_4"},
        {"5.3.3", 479, "V5_3_3"},         {"5.9.9", 611, "V5_9_9"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.release);
        auto v = RmqVersion::parse(row.release);
        ASSERT_TRUE(v);
        EXPECT_EQ(v->ordinal(), row.ordinal);
        EXPECT_EQ(v->desc(), row.desc);
        EXPECT_EQ(RmqVersion::from_ordinal(row.ordinal), v);
    }
}

TEST(Version, EnumNamesAndGaps) {
    EXPECT_EQ(rmqup::mq_version_name(0), "V3_0_0_SNAPSHOT");
    EXPECT_EQ(rmqup::mq_version_name(2), "V3_0_0_BETA1");
    EXPECT_EQ(rmqup::mq_version_name(78), "V3_2_6_SNAPSHOT");
    EXPECT_EQ(rmqup::mq_version_name(140), "V3_6_1_SNAPSHOT");  // first ordinal a 3.2.6 NameServer rejects
    EXPECT_EQ(rmqup::mq_version_name(612), "");
    EXPECT_EQ(rmqup::mq_version_name(-1), "");
    EXPECT_FALSE(RmqVersion::parse("3.3.0")->ordinal());  // 3.3-3.9 have no x.y.0 constant
    EXPECT_FALSE(RmqVersion::parse("6.0.0")->ordinal());
    EXPECT_FALSE(RmqVersion::from_ordinal(700));
    EXPECT_EQ(RmqVersion::parse("V4_1_0_SNAPSHOT"), RmqVersion::parse("4.1.0-incubating"));
}
