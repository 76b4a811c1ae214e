// A crash at every journal record boundary followed by `resume`: the run finishes, nothing is
// restarted twice. Plus the rollback command.
#include "harness.hpp"

namespace rmqup::test {
namespace {

using engine::RunStatus;

TEST(Resume, CrashAtEveryRecordBoundaryThenResumeFinishesWithoutDoubleRestarts) {
    size_t total = 0;
    {
        Harness h;
        ASSERT_TRUE(h.apply().ok());
        total = h.journal.records().size();
    }
    ASSERT_GT(total, 40u);
    for (size_t k = 2; k <= total; ++k) {
        SCOPED_TRACE("crash when writing record " + std::to_string(k));
        Harness h;
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
        h.clock.advance(Millis(5000));  // the operator restarts the tool
        auto d = h.deps(&kept);
        auto r = engine::run_resume(h.plan, d);
        ASSERT_TRUE(r.ok()) << r.error().describe();
        ASSERT_EQ(r->status, RunStatus::completed) << r->message;
        for (const auto& [addr, b] : h.cluster.brokers) {
            EXPECT_EQ(b.proc.version, "4.9.7") << addr;
            EXPECT_EQ(b.perm, 6) << addr;
            EXPECT_EQ(b.proc.starts_of_target, 1) << addr << " restarted twice";
        }
        for (const auto& [addr, ns] : h.cluster.nameservers)
            EXPECT_EQ(ns.proc.starts_of_target, 1) << addr << " restarted twice";
    }
}

TEST(Resume, NodesJournaledDoneAreNotTouched) {
    Harness h;
    ASSERT_TRUE(h.apply().ok());
    const size_t calls = h.mutating_calls().size();
    auto d = h.deps();
    auto r = engine::run_resume(h.plan, d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, RunStatus::completed);
    EXPECT_EQ(h.mutating_calls().size(), calls);
}

TEST(Rollback, AllPutsBrokersThenNameServersBackOnTheOldVersion) {
    Harness h;
    ASSERT_TRUE(h.apply().ok());
    h.cluster.log.clear();
    auto d = h.deps();
    auto r = engine::run_rollback(h.plan, d, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, RunStatus::rolled_back) << r->message;
    for (const auto& [addr, b] : h.cluster.brokers) {
        EXPECT_EQ(b.proc.version, "4.8.0") << addr;
        EXPECT_TRUE(b.proc.running) << addr;
        EXPECT_EQ(b.perm, 6) << addr;
    }
    for (const auto& [addr, ns] : h.cluster.nameservers)
        EXPECT_EQ(ns.proc.version, "4.8.0") << addr;
    // Reverse order: broker-b master first, NameServers last.
    EXPECT_LT(h.index_of("stop [h2] -c /opt/conf/broker-b-0"), h.index_of("stop [h1] -c /opt/conf/broker-b-1"));
    EXPECT_LT(h.index_of("stop [h1] -c /opt/conf/broker-a-0"), h.index_of("stop [h2] NamesrvStartup"));
    EXPECT_EQ(h.cluster.files["/opt/conf/broker-a-0.properties"].find("newFeatureFlag"), std::string::npos)
        << "rollback restores the pristine config, without the new version's overrides";
}

TEST(Rollback, OneBrokerGroupOnly) {
    Harness h;
    ASSERT_TRUE(h.apply().ok());
    auto d = h.deps();
    engine::RollbackScope scope;
    scope.broker_name = "broker-a";
    auto r = engine::run_rollback(h.plan, d, scope);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].proc.version, "4.8.0");
    EXPECT_EQ(h.cluster.brokers["127.0.0.11:10921"].proc.version, "4.8.0");
    EXPECT_EQ(h.cluster.brokers["127.0.0.11:10911"].proc.version, "4.9.7");
    EXPECT_EQ(h.cluster.nameservers["127.0.0.2:9876"].proc.version, "4.9.7");
}

}  // namespace
}  // namespace rmqup::test

namespace rmqup::test {
namespace {

TEST(Resume, RefusesAJournalOfAnotherPlan) {
    Harness h;
    h.cluster.on_call = [&](const std::string& op, const std::string&) {
        if (op == "stop")
            h.interrupt = true;
    };
    auto first = h.apply();
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->status, engine::RunStatus::interrupted);
    h.interrupt = false;
    h.cluster.on_call = nullptr;
    Plan other = h.plan;
    other.target_version = "5.3.3";
    auto d = h.deps();
    auto r = engine::run_resume(other, d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::conflict);
    auto same = engine::run_resume(h.plan, d);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->status, engine::RunStatus::completed);
}

}  // namespace
}  // namespace rmqup::test
