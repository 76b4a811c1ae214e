// The happy path and its timing: call order, NameServers first, drain, not-ready retries.
#include "harness.hpp"

namespace rmqup::test {
namespace {

using engine::RunStatus;

TEST(EngineFlow, TwoGroupMasterSlaveClusterRunsEveryStepInOrder) {
    Harness h;
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::completed) << s->message;
    const std::vector<std::string> expected = {
        "stop [h1] NamesrvStartup 127.0.0.2:9876",
        "start [h1] /opt/rocketmq-4.9.7/bin/mqnamesrv",
        "stop [h2] NamesrvStartup 127.0.0.3:9876",
        "start [h2] /opt/rocketmq-4.9.7/bin/mqnamesrv",
        // broker-a: slave first (no permission change), then the master
        "backup_once [h2] /opt/conf/broker-a-1.properties",
        "stop [h2] -c /opt/conf/broker-a-1.properties",
        "write_file [h2] /opt/conf/broker-a-1.properties",
        "start [h2] /opt/rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-a-1.properties",
        "backup_once [h1] /opt/conf/broker-a-0.properties",
        "update_broker_config 127.0.0.10:10911 brokerPermission=4",
        "backup_once [h1] /opt/conf/broker-a-0.properties",
        "stop [h1] -c /opt/conf/broker-a-0.properties",
        "write_file [h1] /opt/conf/broker-a-0.properties",
        "start [h1] /opt/rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-a-0.properties",
        "update_broker_config 127.0.0.10:10911 brokerPermission=6",
        "write_file [h1] /opt/conf/broker-a-0.properties",  // the perm-6 call's dump replaced by pristine + overrides
        "send_message 127.0.0.10:10911 TestTopic",
        "backup_once [h1] /opt/conf/broker-b-1.properties",
        "stop [h1] -c /opt/conf/broker-b-1.properties",
        "write_file [h1] /opt/conf/broker-b-1.properties",
        "start [h1] /opt/rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-b-1.properties",
        "backup_once [h2] /opt/conf/broker-b-0.properties",
        "update_broker_config 127.0.0.11:10911 brokerPermission=4",
        "backup_once [h2] /opt/conf/broker-b-0.properties",
        "stop [h2] -c /opt/conf/broker-b-0.properties",
        "write_file [h2] /opt/conf/broker-b-0.properties",
        "start [h2] /opt/rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-b-0.properties",
        "update_broker_config 127.0.0.11:10911 brokerPermission=6",
        "write_file [h2] /opt/conf/broker-b-0.properties",  // the perm-6 call's dump replaced by pristine + overrides
        "send_message 127.0.0.11:10911 TestTopic",
    };
    EXPECT_EQ(h.mutating_calls(), expected);
    for (const auto& [addr, b] : h.cluster.brokers) {
        EXPECT_EQ(b.proc.version, "4.9.7") << addr;
        EXPECT_EQ(b.perm, 6) << addr;
        EXPECT_EQ(b.proc.starts_of_target, 1) << addr;
    }
    EXPECT_TRUE(s->read_only_left.empty());
}

TEST(EngineFlow, NextNameServerWaitsUntilTheRestartedOneListsEveryBroker) {
    Harness h;
    h.cluster.ns_rereg_delay = Millis(25000);
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    const int start1 = h.index_of("start [h1] /opt/rocketmq-4.9.7/bin/mqnamesrv");
    const int stop2 = h.index_of("stop [h2] NamesrvStartup");
    ASSERT_GE(start1, 0);
    ASSERT_GT(stop2, start1);
    // The last cluster_info on NS 1 before NS 2 is stopped listed every broker (it ended the wait).
    int polls = 0;
    for (int i = start1; i < stop2; ++i)
        polls += h.cluster.log[static_cast<size_t>(i)] == "cluster_info 127.0.0.2:9876" ? 1 : 0;
    EXPECT_GE(polls, 2) << "the wait must have polled while NS 1 was still empty";
    EXPECT_LT(h.index_of("stop [h1] NamesrvStartup"), h.index_of("stop [h2] -c"));  // NameServers before brokers
}

TEST(EngineFlow, DrainWaitsAtLeastMinWaitAndUntilTrafficStops) {
    Harness h;
    h.cluster.route_refresh = Millis(80000);  // stale producers keep writing for 80 s after perm 4
    Millis perm4_at{-1}, stop_at{-1};
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "update_broker_config" && arg == "127.0.0.10:10911 brokerPermission=4")
            perm4_at = h.clock.now();
        if (op == "stop" && arg == "[h1] -c /opt/conf/broker-a-0.properties")
            stop_at = h.clock.now();
    };
    const auto wall_start = std::chrono::steady_clock::now();
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::completed);
    EXPECT_GE((stop_at - perm4_at).count(), 80000 + 10000) << "traffic then quiet period";
    EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(5));
}

TEST(EngineFlow, DrainWaitsMinWaitEvenWithoutTraffic) {
    Harness h;
    for (auto& [a, b] : h.cluster.brokers)
        b.base_tps = 0;
    Millis perm4_at{-1}, stop_at{-1};
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "update_broker_config" && arg == "127.0.0.10:10911 brokerPermission=4")
            perm4_at = h.clock.now();
        if (op == "stop" && arg == "[h1] -c /opt/conf/broker-a-0.properties")
            stop_at = h.clock.now();
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_GE((stop_at - perm4_at).count(), h.plan.policy.drain.min_wait.count());
}

TEST(EngineFlow, DrainTimeoutRollsBackUnderRollbackPolicy) {
    Harness h;
    h.cluster.brokers["127.0.0.10:10911"].stubborn_tps = 50;  // explicit-queue producer never leaves
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::rolled_back);
    const auto& a = h.cluster.brokers["127.0.0.10:10911"];
    EXPECT_TRUE(a.proc.running);
    EXPECT_EQ(a.proc.version, "4.8.0");
    EXPECT_EQ(a.perm, 6);
    EXPECT_EQ(h.cluster.count("stop [h1] -c /opt/conf/broker-a-0"), 0) << "a drain failure never stops the broker";
    EXPECT_EQ(h.cluster.brokers["127.0.0.11:10911"].proc.version, "4.8.0") << "the run stopped after the rollback";
}

TEST(EngineFlow, DrainTimeoutPausesWithPermRestoredUnderPausePolicy) {
    Harness h;
    h.plan.policy.on_failure = FailurePolicy::pause;
    h.cluster.brokers["127.0.0.10:10911"].stubborn_tps = 50;
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::paused);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6);
    ASSERT_FALSE(s->failures.empty());
    EXPECT_NE(s->failures[0].find("drain"), std::string::npos) << s->failures[0];
}

TEST(EngineFlow, RuntimeInfoNotReadyAfterBootIsRetriedNeverAFailure) {
    Harness h;
    h.cluster.ready_delay = Millis(6000);
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::completed) << s->message;
    EXPECT_GT(h.cluster.not_ready_answers, 0);
    EXPECT_TRUE(s->failures.empty());
}

TEST(EngineFlow, NewVersionStartsFromPristineConfigPlusOverridesReadWrite) {
    Harness h;
    std::string conf_at_start;
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "start" && arg == "[h1] /opt/rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-a-0.properties")
            conf_at_start = h.cluster.files["/opt/conf/broker-a-0.properties"];
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    // The perm-4 call made the old broker rewrite its whole config (fact 11); none of it survives.
    EXPECT_EQ(conf_at_start.find("someOldDefault"), std::string::npos) << conf_at_start;
    EXPECT_NE(conf_at_start.find("brokerName=broker-a"), std::string::npos);
    EXPECT_NE(conf_at_start.find("newFeatureFlag=true"), std::string::npos);
    EXPECT_EQ(conf_at_start.find("brokerPermission=4"), std::string::npos);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6);
}

TEST(EngineFlow, NewVersionThatExitsAtOnceIsRolledBack) {
    Harness h;
    // The target starts but dies immediately (store geometry mismatch, fact 26).
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "identify" && arg == "[h1] -c /opt/conf/broker-a-0.properties") {
            auto& b = h.cluster.brokers["127.0.0.10:10911"];
            if (b.proc.version == "4.9.7")
                b.proc.running = false;
        }
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::rolled_back);
    const auto& a = h.cluster.brokers["127.0.0.10:10911"];
    EXPECT_TRUE(a.proc.running);
    EXPECT_EQ(a.proc.version, "4.8.0");
    EXPECT_EQ(a.perm, 6);
    EXPECT_EQ(s->rollbacks, 1);
}

TEST(EngineFlow, UncleanStopWarnsLoudly) {
    Harness h;
    h.cluster.brokers["127.0.0.10:10911"].abort_marker_after_stop = true;
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    bool warned = false;
    for (const auto& e : h.reporter.events())
        warned = warned || (e.level == engine::Level::warning && e.message.find("abort marker") != std::string::npos);
    EXPECT_TRUE(warned);
    EXPECT_EQ(s->status, RunStatus::completed);
}

TEST(EngineFlow, SkippedNodesAreNotTouched) {
    Harness h;
    h.plan.nodes[0].skip = true;
    h.plan.nodes[0].skip_reason = "already at 4.9.7";
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(h.cluster.count("stop [h1] NamesrvStartup"), 0);
    EXPECT_EQ(s->nodes[0].final_phase, Phase::skipped);
}

TEST(EngineFlow, CanaryGateWaitsBeforeTheNextBatch) {
    Harness h;
    h.plan.policy.canary_group = "broker-a";
    h.plan.policy.pause_after_canary = Millis(120000);
    Millis a_done{-1}, b_first{-1};
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "send_message" && arg.rfind("127.0.0.10:10911", 0) == 0)
            a_done = h.clock.now();
        if (op == "backup_once" && arg.find("broker-b-1") != std::string::npos && b_first.count() < 0)
            b_first = h.clock.now();
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_GE((b_first - a_done).count(), 120000);
}

}  // namespace
}  // namespace rmqup::test

namespace rmqup::test {
namespace {

TEST(EngineFlow, CanaryGateOpensOnceWhenTheGroupSpansBatches) {
    Harness h;
    h.plan.batches = {{"ns:127.0.0.2:9876"}, {"ns:127.0.0.3:9876"}, {"broker:broker-a:1"},
                      {"broker:broker-a:0"}, {"broker:broker-b:1"}, {"broker:broker-b:0"}};
    h.plan.policy.canary_group = "broker-a";
    h.plan.policy.pause_after_canary = Millis(60000);
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    int gates = 0;
    for (const auto& e : h.reporter.events())
        gates += e.kind == engine::EventKind::message && e.message.rfind("canary done", 0) == 0 ? 1 : 0;
    EXPECT_EQ(gates, 1);
    EXPECT_EQ(s->status, engine::RunStatus::completed);
}

}  // namespace
}  // namespace rmqup::test

namespace rmqup::test {
namespace {

TEST(EngineFlow, ANameServerDownFailsTheFlowButNotTheSafetyNet) {
    Harness h;
    // Only the masters are rolled; one NameServer is down.
    std::vector<PlanNode> masters;
    for (const auto& n : h.plan.nodes)
        if (n.kind == NodeKind::broker && n.broker_id == 0)
            masters.push_back(n);
    h.plan.nodes = masters;
    h.plan.batches = {{"broker:broker-a:0"}, {"broker:broker-b:0"}};
    h.cluster.nameservers["127.0.0.3:9876"].proc.running = false;  // and one is down
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    // perm 4 cannot be confirmed everywhere -> rollback; the rollback's perm 6 skips the dead one.
    EXPECT_EQ(s->status, engine::RunStatus::rolled_back) << s->message;
    EXPECT_TRUE(s->read_only_left.empty());
    bool warned = false;
    for (const auto& e : h.reporter.events())
        warned = warned || (e.level == engine::Level::warning &&
                            e.message.find("nameserver 127.0.0.3:9876 does not answer") != std::string::npos);
    EXPECT_TRUE(warned);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6);
}

}  // namespace
}  // namespace rmqup::test
