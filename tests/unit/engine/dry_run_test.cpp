// Dry run: the same engine over recording adapters prints every call and touches nothing.
#include "harness.hpp"
#include "rmqup/engine/recording.hpp"

namespace rmqup::test {
namespace {

TEST(DryRun, RecordsEveryCallInOrderAndTouchesNothing) {
    Harness h;  // the fake cluster stands for the real one: it must see no call at all
    engine::CallLog log;
    engine::RecordingAdmin admin(h.plan, log);
    std::map<std::string, std::unique_ptr<engine::RecordingHostOps>> hosts;
    ManualClock clock;
    engine::MemoryJournal journal;
    engine::CollectingReporter reporter;
    engine::EngineDeps d{admin,
                         [&](const std::string& host) -> Result<HostOps*> {
                             auto& p = hosts[host];
                             if (!p)
                                 p = std::make_unique<engine::RecordingHostOps>(host, h.plan, log, &admin);
                             return p.get();
                         },
                         clock, journal, reporter, nullptr};
    auto s = engine::run_apply(h.plan, d, engine::RunMode::dry_run);
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, engine::RunStatus::completed) << s->message;
    EXPECT_TRUE(h.cluster.log.empty());
    auto pos = [&](const std::string& prefix) {
        for (size_t i = 0; i < log.calls.size(); ++i)
            if (log.calls[i].rfind(prefix, 0) == 0)
                return static_cast<int>(i);
        return -1;
    };
    const int perm4 = pos("update_broker_config 127.0.0.10:10911 brokerPermission=4");
    const int stop = pos("[h1] stop '-c /opt/conf/broker-a-0.properties'");
    const int start = pos("[h1] start /opt/rocketmq-4.9.7/bin/mqbroker -c /opt/conf/broker-a-0.properties");
    const int perm6 = pos("update_broker_config 127.0.0.10:10911 brokerPermission=6");
    ASSERT_GE(perm4, 0);
    EXPECT_LT(perm4, stop);
    EXPECT_LT(stop, start);
    EXPECT_LT(start, perm6);
    EXPECT_LT(pos("[h1] stop 'NamesrvStartup 127.0.0.2:9876'"), perm4);
}

}  // namespace
}  // namespace rmqup::test
