// The plan's contract with apply: each precondition of an apply step is a named check, shown here
// from both sides (precondition absent -> the plan blocks with that id; met -> no finding).
// probe-topic (verify), acl-account (set_read_only/set_read_write), broker-mode and role-mismatch
// (the master/slave flow), 5x-replicas from live keys, system topics, and "nothing reachable".
#include <gtest/gtest.h>

#include "plan_fixture.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

Plan plan_of(FakeAdmin& admin, const std::string& text = k_two_groups) {
    auto plan = make_plan(parse_or_die(text), &admin, fixed_request());
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

std::vector<const CheckFinding*> all(const Plan& plan, const std::string& id) {
    std::vector<const CheckFinding*> out;
    for (const auto& f : plan.findings) {
        if (f.id == id) out.push_back(&f);
    }
    return out;
}

// k_two_groups with `policy: probeTopic: <topic>` appended.
std::string with_probe(const std::string& topic = "RMQ_UPGRADE_PROBE") {
    return std::string(k_two_groups) + "policy:\n  probeTopic: " + topic + "\n";
}

void set(FakeAdmin& admin, const std::string& addr, const std::string& key, const std::string& value) {
    admin.find(addr)->config.emplace_back(key, value);
}

constexpr const char* k_master_a = "127.0.0.1:10911";
constexpr const char* k_master_b = "127.0.0.2:10911";
constexpr const char* k_slave_a = "127.0.0.2:10921";

// --- probe-topic (guards verify) ---

TEST(ProbeTopic, MissingWithAutoCreateOffBlocks) {
    auto admin = healthy_two_groups();
    for (const char* m : {k_master_a, k_master_b}) set(admin, m, "autoCreateTopicEnable", "false");
    auto plan = plan_of(admin, with_probe());
    auto found = all(plan, "probe-topic");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0]->severity, Severity::error);
    EXPECT_EQ(found[0]->subject, "broker-a@0");
    EXPECT_NE(found[0]->message.find("TOPIC_NOT_EXIST (17)"), std::string::npos) << found[0]->message;
    EXPECT_NE(found[0]->message.find("mqadmin updateTopic"), std::string::npos);
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(ProbeTopic, PresentWithWritableQueueIsReady) {
    auto admin = healthy_two_groups();
    for (const char* m : {k_master_a, k_master_b}) {
        set(admin, m, "autoCreateTopicEnable", "false");
        admin.find(m)->add_topic("RMQ_UPGRADE_PROBE", 1);
    }
    auto plan = plan_of(admin, with_probe());
    EXPECT_TRUE(all(plan, "probe-topic").empty());
    // one queue on each group, but the probe topic is the tool's own: no availability warning
    EXPECT_FALSE(finding(plan, "single-queue-topic"));
    EXPECT_FALSE(plan_blocked(plan));
    EXPECT_EQ(admin.calls["send_message"], 0);  // no ACL: nothing is sent at plan time
}

TEST(ProbeTopic, MissingWithAutoCreateOnIsOnlyNoted) {
    auto admin = healthy_two_groups();
    auto plan = plan_of(admin, with_probe());
    auto found = all(plan, "probe-topic");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0]->severity, Severity::info);
    EXPECT_FALSE(plan_blocked(plan));
}

TEST(ProbeTopic, ReadOnlyProbeTopicBlocks) {
    auto admin = healthy_two_groups();
    admin.find(k_master_a)->add_topic("RMQ_UPGRADE_PROBE", 1, 4);
    admin.find(k_master_b)->add_topic("RMQ_UPGRADE_PROBE", 1);
    auto plan = plan_of(admin, with_probe());
    auto found = all(plan, "probe-topic");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->subject, "broker-a@0");
    EXPECT_EQ(found[0]->severity, Severity::error);
}

TEST(ProbeTopic, WithAclTheAccountMustBeAllowedToSend) {
    auto admin = healthy_two_groups();
    for (auto& b : admin.brokers) b.config.emplace_back("aclEnable", "true");
    for (const char* m : {k_master_a, k_master_b}) admin.find(m)->add_topic("RMQ_UPGRADE_PROBE", 1);
    admin.find(k_master_b)->acl_may_send = false;
    auto plan = plan_of(admin, with_probe());
    auto found = all(plan, "acl-account");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->subject, "broker-b@0");
    EXPECT_NE(found[0]->message.find("PUB|SUB on RMQ_UPGRADE_PROBE"), std::string::npos) << found[0]->message;
    EXPECT_EQ(admin.calls["send_message"], 2);  // one probe per master
    EXPECT_TRUE(plan_blocked(plan));

    admin.find(k_master_b)->acl_may_send = true;
    auto ok = plan_of(admin, with_probe());
    EXPECT_TRUE(ok.findings.empty()) << ok.findings.front().id << ": " << ok.findings.front().message;
}

// --- acl-account (guards set_read_only / set_read_write) ---

TEST(AclAccount, RefusedAccountIsAnAclFindingNotUnreachable) {
    auto admin = healthy_two_groups();
    admin.find(k_slave_a)->acl_refuses_account = true;
    auto plan = plan_of(admin);
    EXPECT_FALSE(finding(plan, "broker-unreachable"));
    auto* f = finding(plan, "acl-account");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-a@1");
    EXPECT_EQ(f->severity, Severity::error);
    EXPECT_NE(f->message.find("No acl config for rocketmq2"), std::string::npos) << f->message;
}

TEST(AclAccount, NonAdminAccountBlocksAndAdminPasses) {
    auto admin = healthy_two_groups();
    for (auto& b : admin.brokers) b.config.emplace_back("aclEnable", "true");
    admin.find(k_master_a)->acl_admin = false;
    auto plan = plan_of(admin);
    auto found = all(plan, "acl-account");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->subject, "broker-a@0");
    EXPECT_NE(found[0]->message.find("Need admin permission for request code=25"), std::string::npos);
    EXPECT_EQ(admin.calls["update_broker_config"], 2);  // masters only: slaves get no permission change

    admin.find(k_master_a)->acl_admin = true;
    auto ok = plan_of(admin);
    EXPECT_TRUE(ok.findings.empty());
}

TEST(AclAccount, NoAdminProbeWithoutAcl) {
    auto admin = healthy_two_groups();
    auto plan = plan_of(admin);
    EXPECT_TRUE(plan.findings.empty());
    EXPECT_EQ(admin.calls["update_broker_config"], 0);
}

// --- broker-mode (guards the master/slave flow: set_read_only .. stop) ---

TEST(BrokerMode, DLedgerGroupIsRefused) {
    auto admin = healthy_two_groups();
    for (const char* a : {k_master_b, "127.0.0.3:10921"}) set(admin, a, "enableDLegerCommitLog", "true");
    auto plan = plan_of(admin);
    auto found = all(plan, "broker-mode");
    ASSERT_EQ(found.size(), 1u);  // one per group
    EXPECT_EQ(found[0]->subject, "broker-b");
    EXPECT_EQ(found[0]->severity, Severity::error);
    EXPECT_NE(found[0]->message.find("Raft"), std::string::npos);
    EXPECT_NE(found[0]->message.find("remove it from the inventory"), std::string::npos);
}

TEST(BrokerMode, ControllerModeIsRefused) {
    auto admin = healthy_two_groups();
    set(admin, k_master_a, "enableControllerMode", "true");
    auto plan = plan_of(admin);
    auto* f = finding(plan, "broker-mode");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "broker-a");
    EXPECT_EQ(f->severity, Severity::error);
    EXPECT_NE(f->message.find("controller"), std::string::npos);
}

TEST(BrokerMode, TlsClientIsAWarningToAccept) {
    auto admin = healthy_two_groups();
    set(admin, k_master_a, "useTLS", "true");
    auto plan = plan_of(admin);
    auto* f = finding(plan, "broker-mode");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::warning);
    EXPECT_NE(f->message.find("enforcing"), std::string::npos);
    EXPECT_TRUE(plan_blocked(plan));
    PlanRequest req = fixed_request();
    req.accepted_risks = {"broker-mode"};
    auto accepted = make_plan(parse_or_die(k_two_groups), &admin, req);
    ASSERT_TRUE(accepted.ok());
    EXPECT_FALSE(plan_blocked(*accepted));
}

TEST(BrokerMode, PlainMasterSlaveHasNoFinding) {
    auto admin = healthy_two_groups();
    for (auto& b : admin.brokers) {
        b.config.emplace_back("enableDLegerCommitLog", "false");
        b.config.emplace_back("enableControllerMode", "false");
        b.config.emplace_back("useTLS", "false");
    }
    auto plan = plan_of(admin);
    EXPECT_TRUE(plan.findings.empty());
}

// --- role-mismatch (guards ordering, drain and the slave flow) ---

TEST(RoleMismatch, LiveRoleAndIdMustMatchTheInventory) {
    auto admin = healthy_two_groups();
    set(admin, k_master_a, "brokerRole", "ASYNC_MASTER");  // inventory: SYNC_MASTER
    set(admin, k_slave_a, "brokerId", "2");                 // inventory: 1
    auto plan = plan_of(admin);
    auto found = all(plan, "role-mismatch");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0]->subject, "broker-a@0");
    EXPECT_NE(found[0]->message.find("brokerRole=ASYNC_MASTER"), std::string::npos);
    EXPECT_EQ(found[1]->subject, "broker-a@1");
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(RoleMismatch, MatchingRolesHaveNoFinding) {
    auto admin = healthy_two_groups();
    set(admin, k_master_a, "brokerRole", "SYNC_MASTER");
    set(admin, k_master_b, "brokerRole", "SYNC_MASTER");
    set(admin, k_slave_a, "brokerRole", "SLAVE");
    set(admin, k_slave_a, "brokerId", "1");
    auto plan = plan_of(admin);
    EXPECT_TRUE(plan.findings.empty());
}

// --- 5x-replicas reads the live keys ---

TEST(FiveXReplicas, LiveTwoOfTwoNeedsNoOverride) {
    std::string text = k_two_groups;
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: 5.3.1");
    auto admin = healthy_two_groups();
    for (const char* m : {k_master_a, k_master_b}) set(admin, m, "brokerRole", "SYNC_MASTER");
    set(admin, k_master_a, "totalReplicas", "2");
    set(admin, k_master_a, "inSyncReplicas", "2");
    set(admin, k_master_b, "totalReplicas", "1");
    set(admin, k_master_b, "inSyncReplicas", "1");
    auto plan = plan_of(admin, text);
    auto found = all(plan, "5x-replicas");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->subject, "broker-b");
}

TEST(FiveXReplicas, LiveAsyncMasterIsNotAsked) {
    std::string text = k_two_groups;
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: 5.3.1");
    auto admin = healthy_two_groups();
    for (const char* m : {k_master_a, k_master_b}) set(admin, m, "brokerRole", "ASYNC_MASTER");
    auto plan = plan_of(admin, text);
    EXPECT_TRUE(all(plan, "5x-replicas").empty());
    EXPECT_EQ(all(plan, "role-mismatch").size(), 2u);  // and the inventory is told it is wrong
}

// --- system topics are not availability risks ---

TEST(SystemTopics, ReplyAndOtherSystemTopicsAreNotWarned) {
    auto admin = healthy_two_groups();
    auto& a = *admin.find(k_master_a);
    for (const char* t : {"TestCluster_REPLY_TOPIC", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRACE_TOPIC", "SELF_TEST_TOPIC",
                          "OFFSET_MOVED_EVENT", "TRANS_CHECK_MAX_TIME_TOPIC", "SCHEDULE_TOPIC_XXXX", "TBW102",
                          "%DLQ%group", "%LMQ%x", "rmq_sys_wheel_timer", "TestCluster", "broker-a"}) {
        a.add_topic(t, 1);
    }
    auto plan = plan_of(admin);
    EXPECT_FALSE(finding(plan, "single-queue-topic"));
    EXPECT_FALSE(finding(plan, "single-group-topic"));
    // a user topic with one queue on one group still is
    a.add_topic("Orders", 1);
    auto warned = plan_of(admin);
    auto* f = finding(warned, "single-queue-topic");
    ASSERT_TRUE(f);
    EXPECT_NE(f->message.find("Orders"), std::string::npos);
    EXPECT_EQ(f->message.find("REPLY_TOPIC"), std::string::npos);
}

// --- nothing reachable ---

TEST(Unreachable, NoNameServerAnsweringIsUnreachable) {
    auto admin = healthy_two_groups();
    admin.down_nameservers = {"127.0.0.1:9876", "127.0.0.2:9876"};
    EXPECT_TRUE(plan_unreachable(plan_of(admin)));
    admin.down_nameservers = {"127.0.0.1:9876"};
    auto one = plan_of(admin);
    EXPECT_FALSE(plan_unreachable(one));
    EXPECT_TRUE(plan_blocked(one));
}

}  // namespace
