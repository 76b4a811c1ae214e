// 4.x SYNC_MASTER groups going to 5.x: totalReplicas/inSyncReplicas become overrides on the plan's
// nodes, derived from the live GET_BROKER_CONFIG of the master and its slaves (5.x defaults both to
// 1, and CommitLog.handleHA at rocketmq-all-5.3.3 then acknowledges a send without any slave), or
// a blocking finding when they cannot be derived.
#include <gtest/gtest.h>

#include "plan_fixture.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

constexpr const char* k_master_a = "127.0.0.1:10911";
constexpr const char* k_slave_a = "127.0.0.2:10921";
constexpr const char* k_master_b = "127.0.0.2:10911";
constexpr const char* k_slave_b = "127.0.0.3:10921";

std::string to_5x(std::string text = k_two_groups) {
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: 5.3.3");
    return text;
}

// Both groups SYNC_MASTER with their slaves reporting themselves, as real brokers do.
FakeAdmin sync_groups() {
    auto admin = healthy_two_groups();
    for (const char* m : {k_master_a, k_master_b}) {
        admin.find(m)->config.emplace_back("brokerRole", "SYNC_MASTER");
        admin.find(m)->config.emplace_back("brokerId", "0");
    }
    for (const char* s : {k_slave_a, k_slave_b}) {
        admin.find(s)->config.emplace_back("brokerRole", "SLAVE");
        admin.find(s)->config.emplace_back("brokerId", "1");
    }
    return admin;
}

Plan plan_of(FakeAdmin& admin, const std::string& text) {
    auto plan = make_plan(parse_or_die(text), &admin, fixed_request());
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

std::optional<std::string> override_of(const Plan& plan, const std::string& node_id, const std::string& key) {
    for (const auto& n : plan.nodes) {
        if (n.id != node_id) continue;
        for (const auto& [k, v] : n.config_overrides)
            if (k == key) return v;
    }
    return std::nullopt;
}

std::vector<const CheckFinding*> replicas(const Plan& plan) {
    std::vector<const CheckFinding*> out;
    for (const auto& f : plan.findings)
        if (f.id == "5x-replicas") out.push_back(&f);
    return out;
}

TEST(Replicas5x, SyncGroupsGetTheirLiveShapeAsOverridesOnEveryMember) {
    auto admin = sync_groups();
    auto plan = plan_of(admin, to_5x());
    for (const char* id : {"broker:broker-a:0", "broker:broker-a:1", "broker:broker-b:0", "broker:broker-b:1"}) {
        EXPECT_EQ(override_of(plan, id, "totalReplicas"), std::optional<std::string>("2")) << id;
        EXPECT_EQ(override_of(plan, id, "inSyncReplicas"), std::optional<std::string>("2")) << id;
    }
    auto found = replicas(plan);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0]->severity, Severity::info);
    EXPECT_NE(found[0]->message.find("1 live slave(s) (broker-a@1)"), std::string::npos) << found[0]->message;
    for (const auto& f : plan.findings) EXPECT_NE(f.severity, Severity::error) << f.id << ": " << f.message;
}

TEST(Replicas5x, ASlaveThatDoesNotAnswerBlocks) {
    auto admin = sync_groups();
    admin.find(k_slave_b)->down = true;
    auto plan = plan_of(admin, to_5x());
    auto found = replicas(plan);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[1]->subject, "broker-b");
    EXPECT_EQ(found[1]->severity, Severity::error);
    EXPECT_NE(found[1]->message.find("broker-b@1 (127.0.0.3:10921) did not answer GET_BROKER_CONFIG"), std::string::npos)
        << found[1]->message;
    EXPECT_FALSE(override_of(plan, "broker:broker-b:0", "inSyncReplicas"));
}

TEST(Replicas5x, AMemberThatIsNotASlaveIsNotCounted) {
    auto admin = sync_groups();
    for (auto& [k, v] : admin.find(k_slave_a)->config)
        if (k == "brokerRole") v = "ASYNC_MASTER";
    auto plan = plan_of(admin, to_5x());
    auto found = replicas(plan);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0]->severity, Severity::error);
    EXPECT_NE(found[0]->message.find("reports brokerName=broker-a brokerRole=ASYNC_MASTER brokerId=1"), std::string::npos) << found[0]->message;
}

TEST(Replicas5x, UnreadableMasterOfAnInventorySyncGroupBlocks) {
    auto admin = sync_groups();
    admin.find(k_master_a)->down = true;
    auto plan = plan_of(admin, to_5x());
    auto found = replicas(plan);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0]->subject, "broker-a");
    EXPECT_EQ(found[0]->severity, Severity::error);
}

TEST(Replicas5x, AsyncGroupsAndGroupsAlreadySetAreLeftAlone) {
    auto admin = sync_groups();
    for (auto& [k, v] : admin.find(k_master_a)->config)
        if (k == "brokerRole") v = "ASYNC_MASTER";
    admin.find(k_master_b)->config.emplace_back("totalReplicas", "2");
    admin.find(k_master_b)->config.emplace_back("inSyncReplicas", "2");
    std::string text = to_5x();
    const std::string sync_a = "role: SYNC_MASTER, address: 127.0.0.1:10911";
    text.replace(text.find(sync_a), sync_a.size(), "role: ASYNC_MASTER, address: 127.0.0.1:10911");
    auto plan = plan_of(admin, text);
    EXPECT_TRUE(replicas(plan).empty());
    EXPECT_FALSE(override_of(plan, "broker:broker-a:0", "totalReplicas"));
    EXPECT_FALSE(override_of(plan, "broker:broker-b:0", "totalReplicas"));
}

TEST(Replicas5x, TheOperatorsOwnOverridesStandAndAWeakerOneWarns) {
    auto admin = sync_groups();
    std::string text = to_5x();
    const auto pos = text.find("storePathRootDir: /s/a}");
    text.replace(pos, 23, "storePathRootDir: /s/a, overrides: {totalReplicas: 2, inSyncReplicas: 1}}");
    auto plan = plan_of(admin, text);
    EXPECT_EQ(override_of(plan, "broker:broker-a:0", "inSyncReplicas"), std::optional<std::string>("1"));
    auto found = replicas(plan);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0]->subject, "broker-a");
    EXPECT_EQ(found[0]->severity, Severity::warning);
    EXPECT_NE(found[0]->message.find("inSyncReplicas=1"), std::string::npos) << found[0]->message;
}

TEST(Replicas5x, NotAskedWhenTheTargetIs4x) {
    auto admin = sync_groups();
    auto plan = plan_of(admin, k_two_groups);
    EXPECT_TRUE(replicas(plan).empty());
    for (const auto& n : plan.nodes) EXPECT_TRUE(n.config_overrides.empty()) << n.id;
}

}  // namespace
