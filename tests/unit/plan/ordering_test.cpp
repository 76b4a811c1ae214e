// Ordering rules: NameServers first or last, slaves before masters, canary first, batches as waves.
#include <gtest/gtest.h>

#include "plan_fixture.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

std::vector<std::string> ids(const Plan& plan) {
    std::vector<std::string> out;
    for (const auto& n : plan.nodes) out.push_back(n.id);
    return out;
}

Plan offline_plan(const std::string& text) {
    PlanRequest req = fixed_request();
    req.offline = true;
    auto plan = make_plan(parse_or_die(text), nullptr, req);
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

TEST(Ordering, NameServersFirstThenSlavesBeforeMasters) {
    auto plan = offline_plan(k_two_groups);
    EXPECT_EQ(ids(plan), (std::vector<std::string>{"ns:127.0.0.1:9876", "ns:127.0.0.2:9876", "broker:broker-a:1",
                                                   "broker:broker-a:0", "broker:broker-b:1", "broker:broker-b:0"}));
    EXPECT_EQ(plan.batches, (std::vector<std::vector<std::string>>{{"ns:127.0.0.1:9876"}, {"ns:127.0.0.2:9876"},
                                                                   {"broker:broker-a:1"}, {"broker:broker-a:0"},
                                                                   {"broker:broker-b:1"}, {"broker:broker-b:0"}}));
}

TEST(Ordering, NameServersLastAndMastersFirstWhenAsked) {
    auto plan = offline_plan(std::string(k_two_groups) + "policy: {nameServerOrder: last, slavesFirst: false}\n");
    EXPECT_EQ(ids(plan), (std::vector<std::string>{"broker:broker-a:0", "broker:broker-a:1", "broker:broker-b:0",
                                                   "broker:broker-b:1", "ns:127.0.0.1:9876", "ns:127.0.0.2:9876"}));
}

TEST(Ordering, CanaryGroupGoesFirstAlone) {
    auto plan = offline_plan(std::string(k_two_groups) + "policy: {canary: broker-b, batchSize: 2}\n");
    EXPECT_EQ(ids(plan), (std::vector<std::string>{"ns:127.0.0.1:9876", "ns:127.0.0.2:9876", "broker:broker-b:1",
                                                   "broker:broker-b:0", "broker:broker-a:1", "broker:broker-a:0"}));
    ASSERT_EQ(plan.batches.size(), 6u);
    EXPECT_EQ(plan.batches[2], (std::vector<std::string>{"broker:broker-b:1"}));
}

TEST(Ordering, BatchesRollOneMemberOfEachGroupPerWave) {
    auto plan = offline_plan(std::string(k_two_groups) + "policy: {batchSize: 2}\n");
    EXPECT_EQ(plan.batches, (std::vector<std::vector<std::string>>{
                                {"ns:127.0.0.1:9876"},
                                {"ns:127.0.0.2:9876"},
                                {"broker:broker-a:1", "broker:broker-b:1"},
                                {"broker:broker-a:0", "broker:broker-b:0"}}));
}

TEST(Ordering, SkippedNodesStayListedButLeaveTheBatches) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10921")->version_desc = "V4_9_7";  // broker-a's slave already upgraded
    auto plan = make_plan(parse_or_die(k_two_groups), &admin, fixed_request());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->nodes.size(), 6u);
    const auto& slave = plan->nodes[2];
    EXPECT_EQ(slave.id, "broker:broker-a:1");
    EXPECT_TRUE(slave.skip);
    EXPECT_EQ(slave.skip_reason, "already at 4.9.7 (observed)");
    for (const auto& batch : plan->batches) EXPECT_EQ(std::count(batch.begin(), batch.end(), "broker:broker-a:1"), 0);
    EXPECT_EQ(plan->batches.size(), 5u);
}

TEST(Ordering, NodesCarryRenderedProcessSpecs) {
    auto plan = offline_plan(k_two_groups);
    const auto& master = plan.nodes[3];
    EXPECT_EQ(master.id, "broker:broker-a:0");
    EXPECT_EQ(master.current.match, "-c /c/a.properties");
    EXPECT_EQ(master.target.config_path, "/c/a.properties");
    EXPECT_EQ(master.target.store_path, "/s/a");
    EXPECT_NE(master.target.start_command.find("/opt/rocketmq-4.9.7/bin/mqbroker"), std::string::npos);
    EXPECT_NE(master.current.start_command.find("/opt/rocketmq-4.8.0/bin/mqbroker"), std::string::npos);
    EXPECT_EQ(master.target.log_path, "/opt/rocketmq-4.9.7/logs/rmqup-broker-a-0.out");
    EXPECT_EQ(master.pristine_config_backup, "/c/a.properties.rmqup-20260101T000000Z.pristine");  // named after the run
    EXPECT_EQ(plan.nodes[0].current.match, "NamesrvStartup");
}

}  // namespace
