// Parallel waves (policy.parallel > 1): the nodes of a wave run concurrently under the manual
// clock; a failure in one lets the others finish and starts no new wave; a crash mid-wave resumes;
// the health gate and the approval gates stop between waves.
#include <functional>
#include <sstream>
#include <thread>

#include "harness.hpp"

namespace rmqup::test {
namespace {

using engine::RunStatus;

const std::string k_a_slave = "broker:broker-a:1";
const std::string k_a_master = "broker:broker-a:0";
const std::string k_b_slave = "broker:broker-b:1";
const std::string k_b_master = "broker:broker-b:0";

// Two NameServer waves, the slaves together, then the masters together (hosts differ: fact 13).
void make_parallel(Plan& p) {
    p.policy.parallel = 2;
    p.batches = {{"ns:127.0.0.2:9876"}, {"ns:127.0.0.3:9876"}, {k_a_slave, k_b_slave}, {k_a_master, k_b_master}};
}

// Wall time of the first journaled entry of node into phase (0 when absent).
std::int64_t entered(const engine::MemoryJournal& j, const std::string& node, Phase phase) {
    for (const auto& r : j.records())
        if (r.kind == engine::RecordKind::phase && r.node == node && r.phase == phase)
            return r.wall_ms;
    return 0;
}

TEST(ManualClockConcurrency, TwoThreadsSleepingTogetherTakeTheLongerSleepNotTheSum) {
    ManualClock clock;
    clock.begin_concurrent(2);
    std::thread a([&] {
        clock.sleep_for(Millis(45000));
        clock.end_concurrent();
    });
    std::thread b([&] {
        for (int i = 0; i < 3; ++i)
            clock.sleep_for(Millis(10000));
        clock.end_concurrent();
    });
    a.join();
    b.join();
    EXPECT_EQ(clock.now(), Millis(45000));
    clock.sleep_for(Millis(1000));  // no concurrent threads left: advances at once
    EXPECT_EQ(clock.now(), Millis(46000));
}

TEST(ParallelWaves, TheMastersOfAWaveDrainAtTheSameTimeAndTheRollIsShorter) {
    Harness serial;
    auto one = serial.apply();
    ASSERT_TRUE(one.ok());
    ASSERT_EQ(one->status, RunStatus::completed) << one->message;

    Harness h;
    make_parallel(h.plan);
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    ASSERT_EQ(s->status, RunStatus::completed) << s->message;
    for (const auto& [addr, b] : h.cluster.brokers) {
        EXPECT_EQ(b.proc.version, "4.9.7") << addr;
        EXPECT_EQ(b.perm, 6) << addr;
        EXPECT_EQ(b.proc.starts_of_target, 1) << addr;
    }
    // Both masters were draining at once: each entered drain before the other left it.
    const auto a_drain = entered(h.journal, k_a_master, Phase::drain);
    const auto b_drain = entered(h.journal, k_b_master, Phase::drain);
    const auto a_stop = entered(h.journal, k_a_master, Phase::stop);
    const auto b_stop = entered(h.journal, k_b_master, Phase::stop);
    ASSERT_GT(a_drain, 0);
    ASSERT_GT(b_drain, 0);
    EXPECT_LT(a_drain, b_stop);
    EXPECT_LT(b_drain, a_stop);
    // Two groups in parallel take clearly less (virtual) time than one after another.
    EXPECT_LT(s->ended_ms - s->started_ms, (one->ended_ms - one->started_ms) * 3 / 4);
}

TEST(ParallelWaves, AFailureInOneNodeLetsTheOtherFinishAndStartsNoNewWave) {
    Harness h;
    make_parallel(h.plan);
    // broker-b's slave cannot start the target: it is rolled back; broker-a's slave finishes.
    h.cluster.fail("start", 1, 100, "rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-b-1");
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::rolled_back) << s->message;
    std::map<std::string, Phase> final;
    for (const auto& n : s->nodes)
        final[n.id] = n.final_phase;
    EXPECT_EQ(final[k_a_slave], Phase::done);
    EXPECT_EQ(final[k_b_slave], Phase::rolled_back);
    // No master was touched: the masters' wave never began.
    EXPECT_EQ(final[k_a_master], Phase::pending);
    EXPECT_EQ(final[k_b_master], Phase::pending);
    EXPECT_EQ(h.cluster.count("update_broker_config"), 0);
    h.expect_no_silent_read_only(*s);
}

TEST(ParallelWaves, AMasterFailingMidWaveIsRolledBackWhileTheOtherMasterFinishesWritable) {
    Harness h;
    make_parallel(h.plan);
    h.cluster.fail("start", 1, 100, "rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-b-0");
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::rolled_back) << s->message;
    EXPECT_TRUE(s->read_only_left.empty());
    for (const auto& [addr, b] : h.cluster.brokers) {
        EXPECT_TRUE(b.proc.running) << addr;
        if (b.id == 0) {
            EXPECT_EQ(b.perm, 6) << addr;
        }
    }
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].proc.version, "4.9.7");  // broker-a master finished
    EXPECT_EQ(h.cluster.brokers["127.0.0.11:10911"].proc.version, "4.8.0");  // broker-b master rolled back
    h.expect_no_silent_read_only(*s);
}

TEST(ParallelWaves, CtrlCDuringTheMastersWaveRestoresBothThenResumeFinishesWithoutDoubleRestarts) {
    Harness h;
    make_parallel(h.plan);
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "update_broker_config" && arg.find("127.0.0.11:10911") == 0 && arg.find("=4") != std::string::npos)
            h.interrupt = true;
    };
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::interrupted) << s->message;
    h.expect_no_silent_read_only(*s);
    for (const auto& [addr, b] : h.cluster.brokers)
        if (b.id == 0 && b.proc.running) {
            EXPECT_EQ(b.perm, 6) << addr;
        }
    h.cluster.on_call = nullptr;
    h.interrupt = false;
    auto d = h.deps();
    auto r = engine::run_resume(h.plan, d);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r->status, RunStatus::completed) << r->message;
    for (const auto& [addr, b] : h.cluster.brokers) {
        EXPECT_EQ(b.proc.version, "4.9.7") << addr;
        EXPECT_EQ(b.proc.starts_of_target, 1) << addr << " restarted twice";
    }
}

TEST(ParallelWaves, ACrashAtAnyRecordOfAParallelRollThenResumeFinishesWithoutDoubleRestarts) {
    size_t total = 0;
    {
        Harness h;
        make_parallel(h.plan);
        ASSERT_TRUE(h.apply().ok());
        total = h.journal.records().size();
    }
    ASSERT_GT(total, 40u);
    for (size_t k = 2; k <= total; ++k) {
        SCOPED_TRACE("crash when writing record " + std::to_string(k));
        Harness h;
        make_parallel(h.plan);
        engine::MemoryJournal written;
        FaultyJournal crashing(written, static_cast<int>(k), JournalFault::crash);
        bool crashed = false;
        try {
            auto d = h.deps(&crashing);
            (void)engine::run_apply(h.plan, d);
        } catch (const SimulatedCrash&) {
            crashed = true;
        }
        ASSERT_TRUE(crashed);
        engine::MemoryJournal kept(written.records());
        h.clock.advance(Millis(5000));
        auto d = h.deps(&kept);
        auto r = engine::run_resume(h.plan, d);
        ASSERT_TRUE(r.ok()) << r.error().describe();
        ASSERT_EQ(r->status, RunStatus::completed) << r->message << ": " << testing::PrintToString(r->failures);
        for (const auto& [addr, b] : h.cluster.brokers) {
            EXPECT_EQ(b.proc.version, "4.9.7") << addr;
            EXPECT_EQ(b.perm, 6) << addr;
            EXPECT_EQ(b.proc.starts_of_target, 1) << addr << " restarted twice";
        }
    }
}

TEST(ParallelWaves, TwoMembersOfOneGroupInAParallelWaveAreRefusedBeforeAnyChange) {
    Harness h;
    h.plan.policy.parallel = 2;  // the default test plan puts slave and master in one batch
    auto s = h.apply();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("two members of broker-a"), std::string::npos) << s.error().message;
    EXPECT_EQ(h.cluster.count("stop [h2] broker"), 0);
    EXPECT_EQ(h.cluster.count("update_broker_config"), 0);
}

TEST(Gates, AnApprovalGateStopsTheRunUntilResumeApproves) {
    Harness h;
    make_parallel(h.plan);
    h.plan.policy.pause_after_waves = {3};  // after the slaves' wave
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    ASSERT_EQ(s->status, RunStatus::awaiting_approval) << s->message;
    EXPECT_EQ(s->gate, "wave 3");
    EXPECT_EQ(h.cluster.count("update_broker_config"), 0);  // no master touched yet
    ASSERT_EQ(engine::gate_state(h.journal.records()).awaiting, "wave 3");

    // resume without --approve stops at the same gate and changes nothing.
    const size_t calls = h.mutating_calls().size();
    auto d = h.deps();
    auto again = engine::run_resume(h.plan, d);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->status, RunStatus::awaiting_approval);
    EXPECT_EQ(h.mutating_calls().size(), calls);

    auto d2 = h.deps();
    d2.approve = true;
    auto done = engine::run_resume(h.plan, d2);
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->status, RunStatus::completed) << done->message;
    for (const auto& [addr, b] : h.cluster.brokers)
        EXPECT_EQ(b.proc.version, "4.9.7") << addr;
}

TEST(Gates, TheCanaryGateWaitsForApprovalAfterItsObservationWindow) {
    Harness h;
    h.plan.batches = {{"ns:127.0.0.2:9876"}, {"ns:127.0.0.3:9876"}, {k_a_slave},
                      {k_a_master},          {k_b_slave},           {k_b_master}};
    h.plan.policy.canary_group = "broker-a";
    h.plan.policy.pause_after_canary = Millis(60000);
    h.plan.policy.approve_after_canary = true;
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->status, RunStatus::awaiting_approval) << s->message;
    EXPECT_EQ(s->gate, "canary");
    EXPECT_EQ(h.cluster.brokers["127.0.0.11:10911"].proc.version, "4.8.0");  // broker-b untouched
    auto d = h.deps();
    d.approve = true;
    auto done = engine::run_resume(h.plan, d);
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->status, RunStatus::completed) << done->message;
}

// Stops at the approval gate after the slaves' wave (wave 3), so a test can change the cluster
// between the waves, then approves: the health gate before wave 4 runs next.
Result<engine::RunSummary> stop_after_slaves_then_approve(Harness& h, const std::function<void()>& meanwhile) {
    h.plan.policy.pause_after_waves = {3};
    auto s = h.apply();
    if (!s.ok())
        return s;
    EXPECT_EQ(s->status, RunStatus::awaiting_approval) << s->message;
    meanwhile();
    h.clock.advance(Millis(20000));
    auto d = h.deps();
    d.approve = true;
    return engine::run_resume(h.plan, d);
}

TEST(Gates, TheHealthGatePausesWhenTheClusterPutTpsFellBelowTheBaselineRatio) {
    Harness h;
    make_parallel(h.plan);
    h.plan.policy.health_gate.min_put_tps_ratio = 0.5;
    // Between the waves the producers lose most of their traffic (an outage elsewhere).
    auto s = stop_after_slaves_then_approve(h, [&] {
        for (auto& [addr, b] : h.cluster.brokers)
            b.base_tps = 10;
    });
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::paused) << s->message;
    ASSERT_FALSE(s->failures.empty());
    EXPECT_NE(s->failures.back().find("health gate before wave 4"), std::string::npos) << s->failures.back();
    EXPECT_NE(s->failures.back().find("baseline 200"), std::string::npos) << s->failures.back();
    EXPECT_EQ(h.cluster.count("update_broker_config"), 0);  // the masters' wave never began

    // Traffic is back: resume passes the gate and finishes.
    for (auto& [addr, b] : h.cluster.brokers)
        b.base_tps = 100;
    h.clock.advance(Millis(20000));
    auto d = h.deps();
    auto r = engine::run_resume(h.plan, d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, RunStatus::completed) << r->message;
}

TEST(Gates, TheHealthGatePausesWhenAFinishedBrokerIsNoLongerAtTheTarget) {
    Harness h;
    make_parallel(h.plan);
    h.plan.policy.health_gate.min_put_tps_ratio = 0;  // only the registration part
    // Someone restarts broker-a's slave on the old version between the waves.
    auto s = stop_after_slaves_then_approve(h, [&] { h.cluster.brokers["127.0.0.11:10921"].proc.version = "4.8.0"; });
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::paused) << s->message;
    ASSERT_FALSE(s->failures.empty());
    EXPECT_NE(s->failures.back().find("broker-a@1"), std::string::npos) << s->failures.back();
    EXPECT_EQ(h.cluster.count("update_broker_config"), 0);
}

}  // namespace
}  // namespace rmqup::test

namespace rmqup::test {
namespace {

std::vector<engine::Progress> progress_events(const engine::CollectingReporter& r) {
    std::vector<engine::Progress> out;
    for (const auto& e : r.events())
        if (e.kind == engine::EventKind::progress)
            out.push_back(e.progress);
    return out;
}

TEST(Progress, EveryWaveAndNodeReportsNodeNOfMWaveKOfKAndAShrinkingEta) {
    Harness h;
    make_parallel(h.plan);
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->status, engine::RunStatus::completed);
    auto p = progress_events(h.reporter);
    // 4 wave starts + 6 finished nodes.
    ASSERT_EQ(p.size(), 10u);
    EXPECT_EQ(p.front().nodes_done, 0);
    EXPECT_EQ(p.front().nodes_total, 6);
    EXPECT_EQ(p.front().wave, 1);
    EXPECT_EQ(p.front().waves_total, 4);
    EXPECT_GT(p.front().eta_ms, 0);
    EXPECT_EQ(p.back().nodes_done, 6);
    EXPECT_EQ(p.back().wave, 4);
    EXPECT_EQ(p.back().eta_ms, 0);
    for (std::size_t i = 1; i < p.size(); ++i) {
        EXPECT_GE(p[i].nodes_done, p[i - 1].nodes_done);
        EXPECT_GE(p[i].elapsed_ms, p[i - 1].elapsed_ms);
    }
    // The first estimate is of the right order: the real (virtual) run time within a factor of 3.
    const double real = static_cast<double>(s->ended_ms - s->started_ms);
    EXPECT_GT(static_cast<double>(p.front().eta_ms), real / 3);
    EXPECT_LT(static_cast<double>(p.front().eta_ms), real * 3);
}

TEST(Progress, TheTerminalAndTheEventsFileCarryTheSameFields) {
    engine::Event e;
    e.kind = engine::EventKind::progress;
    e.wall_ms = 1700000000000;
    e.progress = {5, 12, 3, 7, 250000, 370000};
    std::ostringstream term;
    engine::TerminalReporter(term).report(e);
    EXPECT_NE(term.str().find("progress: 5 of 12 nodes done, wave 3 of 7, elapsed 4m10s, about 6m10s to go"),
              std::string::npos)
        << term.str();
    const std::string json = engine::event_to_json(e);
    for (const char* field : {"\"nodes_done\":5", "\"nodes_total\":12", "\"wave\":3", "\"waves_total\":7",
                              "\"elapsed_ms\":250000", "\"eta_ms\":370000"})
        EXPECT_NE(json.find(field), std::string::npos) << json;
}

}  // namespace
}  // namespace rmqup::test
