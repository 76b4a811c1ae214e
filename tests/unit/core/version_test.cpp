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
