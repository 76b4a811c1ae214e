#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "load_generator.hpp"
#include "sim_common.hpp"

namespace rmqsim {
namespace {

TEST(SimCommon, DurationsHostPortsAndJavaDoubles) {
    EXPECT_EQ(parse_duration_ms("120s").value_or(-1), 120000);
    EXPECT_EQ(parse_duration_ms("1500ms").value_or(-1), 1500);
    EXPECT_EQ(parse_duration_ms("2m").value_or(-1), 120000);
    EXPECT_EQ(parse_duration_ms("90").value_or(-1), 90000);
    EXPECT_FALSE(parse_duration_ms("ten").has_value());
    EXPECT_FALSE(parse_duration_ms("5x").has_value());
    auto hp = split_host_port("127.0.0.2:9876");
    ASSERT_TRUE(hp);
    EXPECT_EQ(hp->first, "127.0.0.2");
    EXPECT_EQ(hp->second, 9876);
    EXPECT_FALSE(split_host_port("127.0.0.1").has_value());
    EXPECT_FALSE(split_host_port("h:70000").has_value());
    EXPECT_EQ(java_double(0.0), "0.0");
    EXPECT_EQ(java_double(20.0), "20.0");
    EXPECT_EQ(java_double(0.4165555851772861), "0.4165555851772861");
}

TEST(LoadReport, JsonHasTheDocumentedKeysAndSummaryFlagsLoss) {
    LoadReport r;
    r.sent = 10;
    r.acked = 9;
    r.failed = 1;
    r.received = 8;
    r.duplicates = 2;
    r.lost = 1;
    r.acked_by_broker["broker-a"] = 9;
    auto j = nlohmann::json::parse(format_report_json(r));
    for (const char* k : {"sent", "acked", "failed", "received", "duplicates", "lost", "retries", "elapsed_ms"})
        EXPECT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j["lost"], 1);
    EXPECT_EQ(j["acked_by_broker"]["broker-a"], 9);
    EXPECT_NE(format_report(r).find("LOST"), std::string::npos);
    r.lost = 0;
    EXPECT_EQ(format_report(r).find("LOST"), std::string::npos);
}

TEST(LoadGenerator, FailsWithoutNameServers) {
    LoadOptions lo;
    EXPECT_FALSE(run_load(lo).ok());
    lo.namesrv_addrs = {"127.0.0.1:1"};  // nothing listens there
    lo.duration_ms = 100;
    auto r = run_load(lo);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, rmqup::ErrorKind::unreachable);
}

}  // namespace
}  // namespace rmqsim
