// Each preflight check against a simulated topology (FakeAdmin) and fake hosts.
#include <gtest/gtest.h>

#include <map>

#include "plan_fixture.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

Plan live_plan(FakeAdmin& admin, const std::string& text = k_two_groups, PlanRequest req = fixed_request()) {
    auto plan = make_plan(parse_or_die(text), &admin, req);
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

TEST(Preflight, HealthyClusterIsReady) {
    auto admin = healthy_two_groups();
    auto plan = live_plan(admin);
    EXPECT_TRUE(plan.findings.empty()) << plan.findings.front().id << ": " << plan.findings.front().message;
    EXPECT_FALSE(plan_blocked(plan));
    EXPECT_EQ(plan.nodes[3].current_version, "4.8.0");  // observed
    EXPECT_EQ(admin.calls["cluster_info"], 2);               // every NameServer
    EXPECT_EQ(admin.calls["all_topic_config"], 2);           // one per master, not one per topic
    EXPECT_EQ(admin.calls["topic_route"], 0);
}

TEST(Preflight, UnreachableNameServerBlocks) {
    auto admin = healthy_two_groups();
    admin.down_nameservers.insert("127.0.0.2:9876");
    auto plan = live_plan(admin);
    auto* f = finding(plan, "ns-unreachable");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::error);
    EXPECT_EQ(f->subject, "127.0.0.2:9876");
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(Preflight, BrokerMissingFromOneNameServerAndNameServersDisagree) {
    auto admin = healthy_two_groups();
    admin.hidden_from["127.0.0.2:9876"].insert("127.0.0.3:10921");
    auto plan = live_plan(admin);
    auto* missing = finding(plan, "broker-missing");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->subject, "broker-b@1");
    EXPECT_NE(missing->message.find("not registered on NameServer 127.0.0.2:9876"), std::string::npos);
    auto* disagree = finding(plan, "nameservers-disagree");
    ASSERT_TRUE(disagree);
    EXPECT_EQ(disagree->severity, Severity::warning);
}

TEST(Preflight, UnknownBrokerAndAddressMismatch) {
    auto admin = healthy_two_groups();
    FakeBroker extra;
    extra.name = "broker-c";
    extra.address = "127.0.0.4:10911";
    admin.add(extra);
    admin.find("127.0.0.3:10921")->address = "127.0.0.3:10999";
    auto plan = live_plan(admin);
    auto* unknown = finding(plan, "broker-unknown");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->subject, "broker-c@0");
    auto* mismatch = finding(plan, "address-mismatch");
    ASSERT_TRUE(mismatch);
    EXPECT_EQ(mismatch->severity, Severity::error);
    EXPECT_NE(mismatch->message.find("127.0.0.3:10999"), std::string::npos);
}

TEST(Preflight, UnreachableBrokerBlocks) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.3:10921")->down = true;
    auto plan = live_plan(admin);
    auto* f = finding(plan, "broker-unreachable");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-b@1");
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(Preflight, TargetOlderThanObservedVersionIsAnError) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->version_desc = "V5_1_0";
    auto plan = live_plan(admin);
    auto* f = finding(plan, "target-older-than-current");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::error);
    ASSERT_TRUE(finding(plan, "mixed-versions"));
}

TEST(Preflight, TargetOlderThanInventoryCurrentOffline) {
    std::string text = k_two_groups;
    text.replace(text.find("currentVersion: 4.8.0"), 21, "currentVersion: 5.0.0");
    PlanRequest req = fixed_request();
    req.offline = true;
    auto plan = make_plan(parse_or_die(text), nullptr, req);
    ASSERT_TRUE(plan.ok());
    ASSERT_TRUE(finding(*plan, "target-older-than-current"));
    EXPECT_TRUE(plan_blocked(*plan));
}

TEST(Preflight, MixedVersionsWarnAndAcceptRiskUnblocks) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10921")->version_desc = "V4_9_7";
    auto plan = live_plan(admin);
    auto* f = finding(plan, "mixed-versions");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::warning);
    EXPECT_TRUE(plan_blocked(plan));
    ASSERT_TRUE(finding(plan, "already-at-target"));

    PlanRequest req = fixed_request();
    req.accepted_risks = {"mixed-versions"};
    auto accepted = live_plan(admin, k_two_groups, req);
    EXPECT_TRUE(finding(accepted, "mixed-versions")->accepted);
    EXPECT_FALSE(plan_blocked(accepted));
}

TEST(Preflight, AcceptRiskDoesNotAcceptErrors) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.3:10921")->down = true;
    PlanRequest req = fixed_request();
    req.accepted_risks = {"broker-unreachable", "broker-missing"};
    auto plan = live_plan(admin, k_two_groups, req);
    EXPECT_FALSE(finding(plan, "broker-unreachable")->accepted);
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(Preflight, BrokerLeftReadOnly) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10911")->perm = 4;
    auto plan = live_plan(admin);
    auto* f = finding(plan, "broker-not-read-write");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-b@0");
    EXPECT_NE(f->message.find("brokerPermission=4"), std::string::npos);
}

TEST(Preflight, SlaveBehindMaster) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->commit_log_max_offset = 1000 + (100LL << 20);
    auto plan = live_plan(admin);
    auto* f = finding(plan, "slave-behind-master");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-a@1");
    EXPECT_NE(f->message.find(std::to_string(100LL << 20) + " bytes behind"), std::string::npos);
}

TEST(Preflight, SmallSlaveLagIsNotReported) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->commit_log_max_offset = 1000 + 4096;
    EXPECT_FALSE(finding(live_plan(admin), "slave-behind-master"));
}

TEST(Preflight, DiskRatioHigh) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10911")->disk_ratio = 0.93;
    auto plan = live_plan(admin);
    auto* f = finding(plan, "disk-ratio-high");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-b@0");
    EXPECT_NE(f->message.find("93%"), std::string::npos);
}

TEST(Preflight, SingleGroupTopicsAreFoundAndListedOnTheMaster) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->add_topic("OnlyOnA", 4);
    admin.find("127.0.0.1:10911")->add_topic("TBW102", 8);           // system topics are not reported
    admin.find("127.0.0.1:10911")->add_topic("%RETRY%group1", 1);
    admin.find("127.0.0.2:10911")->add_topic("OnlyOnA", 4, 4);        // read-only on b: not writable there
    auto plan = live_plan(admin);
    auto* f = finding(plan, "single-group-topic");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-a");
    EXPECT_NE(f->message.find("1 topic(s) have writable queues only on broker-a"), std::string::npos);
    EXPECT_NE(f->message.find("OnlyOnA"), std::string::npos);
    EXPECT_EQ(f->message.find("TBW102"), std::string::npos);
    const auto& master = plan.nodes[3];
    ASSERT_EQ(master.id, "broker:broker-a:0");
    EXPECT_EQ(master.topics_losing_writable, (std::vector<std::string>{"OnlyOnA"}));
    EXPECT_TRUE(plan.nodes[2].topics_losing_writable.empty());  // a slave takes no writes
}

TEST(Preflight, TopicsOnBothGroupsKeepAWritableGroupWithParallelWaves) {
    auto admin = healthy_two_groups();
    auto one_by_one = live_plan(admin);
    EXPECT_TRUE(one_by_one.nodes[3].topics_losing_writable.empty());
    // parallel 2 would restart both masters together, but "Shared" lives on both: the waves keep
    // them apart (docs/plan.md "Waves"), so no master lists it.
    auto parallel = live_plan(admin, std::string(k_two_groups) + "policy: {parallel: 2}\n");
    for (const auto& n : parallel.nodes) EXPECT_TRUE(n.topics_losing_writable.empty()) << n.id;
    EXPECT_EQ(parallel.batches.size(), 6u);
}

TEST(Preflight, OrderlyTopic) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10911")->add_topic("Orders", 4, 6, true);
    admin.find("127.0.0.1:10911")->add_topic("Orders", 4, 6, true);
    auto plan = live_plan(admin);
    auto* f = finding(plan, "orderly-topic");
    ASSERT_TRUE(f);
    EXPECT_NE(f->message.find("Orders"), std::string::npos);
    EXPECT_FALSE(finding(plan, "single-group-topic"));
}

TEST(Preflight, SingleQueueTopic) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10911")->add_topic("Tiny", 1);
    auto plan = live_plan(admin);
    auto* f = finding(plan, "single-queue-topic");
    ASSERT_TRUE(f);
    EXPECT_NE(f->message.find("Tiny"), std::string::npos);
}

TEST(Preflight, ConsumerLagFromRetryTopicGroups) {
    auto admin = healthy_two_groups();
    auto* a = admin.find("127.0.0.1:10911");
    a->add_topic("%RETRY%billing", 1);
    a->add_topic("%RETRY%quiet", 1);
    a->consume_stats["billing"] = lagging("Shared", "broker-a", 50000);
    a->consume_stats["quiet"] = lagging("Shared", "broker-a", 3);
    auto plan = live_plan(admin);
    auto* f = finding(plan, "consumer-lag");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "billing@broker-a");
    EXPECT_NE(f->message.find("50000 messages behind"), std::string::npos);
    EXPECT_EQ(std::count_if(plan.findings.begin(), plan.findings.end(), [](const CheckFinding& x) { return x.id == "consumer-lag"; }), 1);
}

TEST(Preflight, ConsumerLagQueriesAreBounded) {
    auto admin = healthy_two_groups();
    for (int i = 0; i < 50; ++i) admin.find("127.0.0.1:10911")->add_topic("%RETRY%g" + std::to_string(i), 1);
    PlanRequest req = fixed_request();
    req.max_consume_stats_queries = 10;
    auto plan = live_plan(admin, k_two_groups, req);
    EXPECT_EQ(admin.calls["consume_stats"], 10);
    ASSERT_TRUE(finding(plan, "consumer-lag-truncated"));
}

TEST(Preflight, FiveXReplicasWarnsForSyncGroupsWithoutTheSettings) {
    std::string text = k_two_groups;
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: 5.3.1");
    auto pos = text.find("storePathRootDir: /s/a}");
    text.replace(pos, 23, "storePathRootDir: /s/a, overrides: {totalReplicas: 2, inSyncReplicas: 2}}");
    PlanRequest req = fixed_request();
    req.offline = true;
    auto plan = make_plan(parse_or_die(text), nullptr, req);
    ASSERT_TRUE(plan.ok());
    std::vector<std::string> subjects;
    for (const auto& f : plan->findings) {
        if (f.id == "5x-replicas") subjects.push_back(f.subject);
    }
    EXPECT_EQ(subjects, (std::vector<std::string>{"broker-b"}));
}

// Host checks: preflight_hosts_test.cpp.

}  // namespace
