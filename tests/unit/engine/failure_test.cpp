// Each step of the flow made to fail (once and permanently): the cluster never ends with a
// silently read-only broker, and a rollback leaves the old version running.
#include <set>

#include "harness.hpp"

namespace rmqup::test {
namespace {

using engine::RunStatus;

const char* const k_ops[] = {"update_broker_config", "topic_route", "runtime_info", "backup_once", "stop",
                             "abort_marker_present", "read_file",   "write_file",   "identify",   "start",
                             "cluster_info",         "send_message", "max_offset",  "pull_message", "all_topic_config"};

int clean_run_count(const std::string& op) {
    Harness h;
    auto s = h.apply();
    EXPECT_TRUE(s.ok());
    return h.cluster.count(op + " ");
}

// Calls to try for an op: all of the first 40, then every 7th (runtime_info is polled a lot).
std::vector<int> nths(int total) {
    std::vector<int> out;
    for (int i = 1; i <= total; ++i)
        if (i <= 40 || i % 7 == 0)
            out.push_back(i);
    return out;
}

void check_outcome(Harness& h, const engine::RunSummary& s, const std::string& what) {
    SCOPED_TRACE(what);
    h.expect_no_silent_read_only(s);
    for (const auto& n : s.nodes) {
        if (n.final_phase != Phase::rolled_back)
            continue;
        for (const auto& [addr, b] : h.cluster.brokers)
            if (n.label.find(addr) != std::string::npos) {
                EXPECT_TRUE(b.proc.running) << n.label;
                EXPECT_EQ(b.proc.version, "4.8.0") << n.label;
            }
    }
    if (s.status == RunStatus::completed) {
        for (const auto& [addr, b] : h.cluster.brokers)
            EXPECT_EQ(b.proc.version, "4.9.7") << addr;
    } else {
        EXPECT_FALSE(s.failures.empty()) << "a run that did not complete says why";
    }
}

TEST(FailAtStepN, EveryCallFailingOnceNeverLeavesASilentReadOnlyBroker) {
    int runs = 0, stopped = 0;
    for (const char* op : k_ops) {
        const int total = clean_run_count(op);
        ASSERT_GT(total, 0) << op;
        for (int nth : nths(total)) {
            Harness h;
            h.cluster.fail(op, nth, 1);
            auto s = h.apply();
            ASSERT_TRUE(s.ok()) << op << " #" << nth << ": " << s.error().describe();
            check_outcome(h, *s, std::string(op) + " #" + std::to_string(nth) + " once");
            ++runs;
            stopped += s->status != RunStatus::completed ? 1 : 0;
        }
    }
    EXPECT_GT(runs, 200);
    EXPECT_GT(stopped, 50) << "most injected failures must actually stop or roll back the run";
}

TEST(FailAtStepN, EveryCallFailingPermanentlyUnderEachPolicy) {
    int rolled_back = 0, read_only_named = 0;
    for (auto policy : {FailurePolicy::rollback, FailurePolicy::pause, FailurePolicy::abort}) {
        for (const char* op : k_ops) {
            const int total = clean_run_count(op);
            for (int nth : nths(total)) {
                Harness h;
                h.plan.policy.on_failure = policy;
                // A permanently failing start only hits the new version, so a rollback can work.
                h.cluster.fail(op, nth, 1000000, std::string(op) == "start" ? "4.9.7" : "");
                auto s = h.apply();
                ASSERT_TRUE(s.ok()) << op << " #" << nth;
                check_outcome(h, *s, std::string(op) + " #" + std::to_string(nth) + " permanently, policy " +
                                         std::to_string(static_cast<int>(policy)));
                rolled_back += s->status == RunStatus::rolled_back ? 1 : 0;
                read_only_named += s->read_only_left.empty() ? 0 : 1;
            }
        }
    }
    EXPECT_GT(rolled_back, 20);
    EXPECT_GT(read_only_named, 0) << "permanent perm failures must be reported as read-only brokers";
}

TEST(FailAtStepN, PermanentStartFailureOfTargetRollsBackToOldVersion) {
    Harness h;
    h.cluster.fail("start", 1, 1000000, "rocketmq-4.9.7/bin/mqbroker");
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::rolled_back);
    const auto& slave = h.cluster.brokers["127.0.0.11:10921"];
    EXPECT_TRUE(slave.proc.running);
    EXPECT_EQ(slave.proc.version, "4.8.0");
}

TEST(FailAtStepN, PermNeverRestorableIsNamedLoudly) {
    Harness h;
    h.plan.policy.on_failure = FailurePolicy::pause;
    h.cluster.brokers["127.0.0.10:10911"].stubborn_tps = 50;      // drain times out
    h.cluster.fail("update_broker_config", 1, 1000000, "brokerPermission=6");  // and perm 6 never works
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 4);
    ASSERT_EQ(s->read_only_left.size(), 1u);
    EXPECT_NE(s->read_only_left[0].find("broker-a@0"), std::string::npos);
    EXPECT_TRUE(h.message_names("broker-a@0"));
}

TEST(Interrupt, CtrlCDuringDrainRestoresPermAndPauses) {
    Harness h;
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "update_broker_config" && arg == "127.0.0.10:10911 brokerPermission=4")
            h.interrupt = true;
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::interrupted);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6);
    EXPECT_TRUE(h.cluster.brokers["127.0.0.10:10911"].proc.running);
    EXPECT_EQ(h.journal.records()[h.journal.records().size() - 2].phase, Phase::paused);

    // Resuming continues with a fresh interrupt flag and finishes.
    h.interrupt = false;
    h.cluster.on_call = nullptr;
    auto d = h.deps();
    auto r = engine::run_resume(h.plan, d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, RunStatus::completed) << r->message;
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].proc.version, "4.9.7");
}

TEST(Interrupt, CtrlCBetweenNodesStopsBeforeTheNextNode) {
    Harness h;
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "start" && arg.find("mqnamesrv") != std::string::npos)
            h.interrupt = true;
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->status, RunStatus::interrupted);
    EXPECT_EQ(h.cluster.count("stop [h2]"), 0);
    for (const auto& [a, b] : h.cluster.brokers)
        EXPECT_EQ(b.perm, 6);
}

}  // namespace
}  // namespace rmqup::test
