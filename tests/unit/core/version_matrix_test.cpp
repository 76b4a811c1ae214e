// One test per row of the version matrix (docs/versions.md).
#include <gtest/gtest.h>

#include "rmqup/core/version_matrix.hpp"

namespace rmqup {
namespace {

RmqVersion v(const char* text) { return *RmqVersion::parse(text); }

TEST(VersionMatrix, From326To460NeedsNameServersFirstAndRehearsedRollback) {
    auto p = upgrade_path(v("3.2.6"), v("4.6.0"));
    EXPECT_EQ(p.verdict, PathVerdict::supported);
    EXPECT_EQ(p.order, NamesrvOrder::required_first);
    EXPECT_NE(p.order_reason.find("SYSTEM_ERROR"), std::string::npos);
    EXPECT_EQ(p.store, StoreCompat::unknown);
}

TEST(VersionMatrix, From3xTo5xIsRefusedWithTheWayAround) {
    auto p = upgrade_path(v("3.2.6"), v("5.3.3"));
    EXPECT_EQ(p.verdict, PathVerdict::refused);
    EXPECT_NE(p.reason.find("3.x -> 4.x"), std::string::npos);
}

TEST(VersionMatrix, From410To480StoreVerifiedBothWays) {
    auto p = upgrade_path(v("4.1.0"), v("4.8.0"));
    EXPECT_EQ(p.verdict, PathVerdict::supported);
    EXPECT_EQ(p.order, NamesrvOrder::recommended_first);
    EXPECT_EQ(p.store, StoreCompat::verified);
}

TEST(VersionMatrix, Within4xStoreExpected) {
    auto p = upgrade_path(v("4.8.0"), v("4.9.7"));
    EXPECT_EQ(p.verdict, PathVerdict::supported);
    EXPECT_EQ(p.order, NamesrvOrder::recommended_first);
    EXPECT_EQ(p.store, StoreCompat::expected);
}

TEST(VersionMatrix, From4xTo5xNeedsNameServersFirst) {
    auto p = upgrade_path(v("4.9.7"), v("5.3.3"));
    EXPECT_EQ(p.verdict, PathVerdict::supported);
    EXPECT_EQ(p.order, NamesrvOrder::required_first);
    EXPECT_NE(p.order_reason.find("#5536"), std::string::npos);
    EXPECT_EQ(p.store, StoreCompat::unknown);
}

TEST(VersionMatrix, Within5xStoreExpected) {
    auto p = upgrade_path(v("5.1.0"), v("5.3.3"));
    EXPECT_EQ(p.verdict, PathVerdict::supported);
    EXPECT_EQ(p.order, NamesrvOrder::recommended_first);
    EXPECT_EQ(p.store, StoreCompat::expected);
}

TEST(VersionMatrix, SameVersionIsARestart) {
    auto p = upgrade_path(v("4.9.7"), v("4.9.7"));
    EXPECT_EQ(p.verdict, PathVerdict::supported);
    EXPECT_EQ(p.store, StoreCompat::same_version);
}

TEST(VersionMatrix, DowngradeIsRefused) {
    auto p = upgrade_path(v("4.9.7"), v("4.8.0"));
    EXPECT_EQ(p.verdict, PathVerdict::refused);
    EXPECT_NE(p.reason.find("rollback"), std::string::npos);
}

TEST(VersionMatrix, UnknownReleasesAreRefused) {
    EXPECT_EQ(upgrade_path(v("4.9.7"), v("6.0.0")).verdict, PathVerdict::refused);
    EXPECT_EQ(upgrade_path(v("3.3.0"), v("4.6.0")).verdict, PathVerdict::refused);  // no V3_3_0 constant
    EXPECT_NE(upgrade_path(v("4.9.7"), v("6.0.0")).reason.find("6.0.0"), std::string::npos);
}

TEST(VersionMatrix, Between3xReleasesIsOutOfScope) {
    EXPECT_EQ(upgrade_path(v("3.2.4"), v("3.2.6")).verdict, PathVerdict::refused);
}

TEST(VersionMatrix, JavaRangePerRelease) {
    struct Row {
        const char* release;
        int min;
        std::optional<int> max;
    };
    for (const Row& r : {Row{"3.2.6", 6, 8}, Row{"4.1.0", 8, 8}, Row{"4.6.0", 8, 8}, Row{"4.9.2", 8, 8},
                         Row{"4.9.3", 8, std::nullopt}, Row{"4.9.7", 8, std::nullopt}, Row{"5.3.3", 8, std::nullopt}}) {
        SCOPED_TRACE(r.release);
        auto range = java_range(v(r.release));
        EXPECT_EQ(range.min_major, r.min);
        EXPECT_EQ(range.max_major, r.max);
        EXPECT_FALSE(range.source.empty());
    }
    EXPECT_FALSE(java_supported(v("4.9.2"), 11));
    EXPECT_TRUE(java_supported(v("4.9.3"), 17));
    EXPECT_TRUE(java_supported(v("4.6.0"), 8));
    EXPECT_FALSE(java_supported(v("5.3.3"), 7));
    EXPECT_FALSE(java_supported(v("3.2.6"), 17));
}

TEST(VersionMatrix, JavaMajorFromVersionText) {
    EXPECT_EQ(parse_java_major("1.8.0_392"), 8);
    EXPECT_EQ(parse_java_major("17.0.2"), 17);
    EXPECT_EQ(parse_java_major("11"), 11);
    EXPECT_EQ(parse_java_major("1.6.0_45"), 6);
    EXPECT_FALSE(parse_java_major("openjdk"));
    EXPECT_FALSE(parse_java_major(""));
}

TEST(VersionMatrix, ReadOnlyRulePerRelease) {
    auto r326 = read_only_rule(v("3.2.6"));
    EXPECT_EQ(r326.method, ReadOnlyMethod::wipe_write_perm);
    EXPECT_EQ(r326.timing, ReadOnlyTiming::immediate);
    for (const char* early : {"4.0.0", "4.1.0", "4.2.0"}) {
        auto r = read_only_rule(v(early));
        EXPECT_EQ(r.method, ReadOnlyMethod::broker_permission) << early;
        EXPECT_EQ(r.timing, ReadOnlyTiming::next_registration) << early;
    }
    for (const char* later : {"4.3.0", "4.6.0", "4.9.7", "5.3.3"}) {
        auto r = read_only_rule(v(later));
        EXPECT_EQ(r.method, ReadOnlyMethod::broker_permission) << later;
        EXPECT_EQ(r.timing, ReadOnlyTiming::immediate) << later;
    }
}

}  // namespace
}  // namespace rmqup
