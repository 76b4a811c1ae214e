// The safety boundary and process identity (issue 10): whatever ends a node's flow restores write
// permission or names the broker; nothing changes before the process on an address is known; a
// start that comes up from the wrong home fails fast; the config file after a roll is the
// operator's; an operator's rollback drains a serving master first.
#include <stdexcept>

#include "engine/properties_text.hpp"
#include "harness.hpp"

namespace rmqup::test {
namespace {

using engine::RunStatus;

int count_in(const std::vector<std::string>& log, const std::string& prefix) {
    int n = 0;
    for (const auto& l : log)
        n += l.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
}

bool said(const Harness& h, const std::string& text) {
    for (const auto& e : h.reporter.events())
        if (e.message.find(text) != std::string::npos)
            return true;
    return false;
}

TEST(SafetyBoundary, JournalFailingAtEveryRecordNeverLeavesAMasterReadOnly) {
    int total = 0;
    {
        Harness h;
        engine::MemoryJournal written;
        FaultyJournal never(written, 1 << 30, JournalFault::io_error);
        auto d = h.deps(&never);
        ASSERT_TRUE(engine::run_apply(h.plan, d).ok());
        total = never.appends();
    }
    ASSERT_GT(total, 20);
    for (int nth = 1; nth <= total; ++nth) {
        SCOPED_TRACE("journal fails from record " + std::to_string(nth));
        Harness h;
        engine::MemoryJournal written;
        FaultyJournal j(written, nth, JournalFault::io_error);
        auto d = h.deps(&j);
        auto s = engine::run_apply(h.plan, d);
        EXPECT_FALSE(s.ok()) << "a run whose journal fails must stop";
        for (const auto& [addr, b] : h.cluster.brokers) {
            if (b.id != 0 || !b.proc.running || (b.perm & rmq::k_perm_write))
                continue;
            EXPECT_TRUE(h.message_names(b.name)) << b.name << " left read-only silently";
        }
    }
}

TEST(SafetyBoundary, AnExceptionDuringTheDrainRestoresWritePermission) {
    Harness h;
    bool thrown = false;
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (!thrown && op == "runtime_info" && arg == "127.0.0.10:10911" &&
            h.cluster.brokers["127.0.0.10:10911"].perm == 4) {
            thrown = true;
            throw std::runtime_error("bad_alloc in a decoder");
        }
    };
    auto s = h.apply();
    ASSERT_TRUE(thrown);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().describe().find("bad_alloc"), std::string::npos);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6) << "perm 6 restored after the exception";
    EXPECT_TRUE(h.cluster.brokers["127.0.0.10:10911"].proc.running);
}

TEST(SafetyBoundary, ARefusedPermFourSaysTheBrokerWasNeverReadOnly) {
    Harness h;
    // An ACL account without admin rights: every brokerPermission call is refused.
    h.cluster.fail("update_broker_config", 1, 1000, "127.0.0.10:10911 brokerPermission", ErrorKind::rejected);
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_NE(s->status, RunStatus::completed);
    EXPECT_TRUE(s->read_only_left.empty()) << s->read_only_left.front();
    bool never = false;
    for (const auto& f : s->failures) {
        EXPECT_EQ(f.find("ROLLBACK FAILED"), std::string::npos) << f;
        never = never || f.find("never made read-only") != std::string::npos;
    }
    EXPECT_TRUE(never) << "the failure says the broker was never made read-only: "
                       << (s->failures.empty() ? std::string("(no failure)") : s->failures.front());
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].proc.version, "4.8.0");
    EXPECT_EQ(count_in(h.cluster.log, "stop [h1] -c /opt/conf/broker-a-0.properties"), 0);
}

TEST(ProcessIdentity, ABrokerAnsweringWithoutAnIdentifiableProcessIsAConflictBeforeAnyChange) {
    Harness h;
    h.cluster.unidentifiable.insert("127.0.0.10:10911");  // e.g. the inventory names the wrong host
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_NE(s->status, RunStatus::completed);
    EXPECT_EQ(count_in(h.cluster.log, "update_broker_config 127.0.0.10:10911"), 0) << "nothing changed";
    EXPECT_EQ(count_in(h.cluster.log, "stop [h1] -c /opt/conf/broker-a-0.properties"), 0);
    bool named = false;
    for (const auto& f : s->failures)
        named = named || (f.find("no process listens") != std::string::npos && f.find("h1") != std::string::npos);
    EXPECT_TRUE(named) << "the failure names the host and the missing listener";
}

TEST(ProcessIdentity, ANameServerComingUpFromTheOldHomeFailsFastAndIsNeverDone) {
    Harness h;
    h.cluster.inherited_home["127.0.0.2:9876"] = "4.8.0";  // ROCKETMQ_HOME of the old version inherited
    Millis started{-1}, ended{-1};
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "start" && arg.find("4.9.7/bin/mqnamesrv") != std::string::npos && started.count() < 0)
            started = h.clock.now();
    };
    auto s = h.apply();
    ended = h.clock.now();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_NE(s->status, RunStatus::completed);
    for (const auto& n : s->nodes) {
        if (n.id == "ns:127.0.0.2:9876") {
            EXPECT_NE(n.final_phase, Phase::done);
        }
    }
    bool named = false;
    for (const auto& f : s->failures)
        named = named || f.find("ROCKETMQ_HOME=/opt/rocketmq-4.8.0") != std::string::npos;
    EXPECT_TRUE(named) << "the failure names the inherited ROCKETMQ_HOME";
    ASSERT_GE(started.count(), 0);
    EXPECT_LT((ended - started).count(), h.plan.policy.timeouts.start.count())
        << "fails fast, not after the start timeout";
    EXPECT_EQ(count_in(h.cluster.log, "stop [h2] NamesrvStartup"), 0) << "the next NameServer is not touched";
}

TEST(ConfigFile, AfterTheRollEachBrokerConfigIsThePristineConfigPlusOverrides) {
    Harness h;
    std::map<std::string, std::string> pristine;
    for (const auto& n : h.plan.nodes)
        if (n.kind == NodeKind::broker)
            pristine[n.current.config_path] = h.cluster.files[n.current.config_path];
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->status, RunStatus::completed);
    for (const auto& n : h.plan.nodes) {
        if (n.kind != NodeKind::broker)
            continue;
        const std::string& now = h.cluster.files[n.current.config_path];
        EXPECT_EQ(now.find("someOldDefault"), std::string::npos)
            << n.id << ": the perm-6 call's dump of every key must not stay in the file:\n" << now;
        const auto expected = engine::detail::apply_properties(pristine[n.current.config_path], n.config_overrides);
        if (n.broker_id == 0) {
            EXPECT_EQ(now, expected) << n.id;
        }
    }
}

TEST(Rollback, OperatorRollbackOfAServingMasterDrainsItBeforeTheStop) {
    Harness h;
    auto up = h.apply();
    ASSERT_TRUE(up.ok());
    ASSERT_EQ(up->status, RunStatus::completed);
    const size_t rollback_from = h.cluster.log.size();
    Millis perm4{-1}, stop{-1};
    h.cluster.on_call = [&](const std::string& op, const std::string& arg) {
        if (op == "update_broker_config" && arg == "127.0.0.10:10911 brokerPermission=4")
            perm4 = h.clock.now();
        if (op == "stop" && arg == "[h1] -c /opt/conf/broker-a-0.properties")
            stop = h.clock.now();
    };
    auto d = h.deps();
    engine::RollbackScope scope;
    scope.broker_name = "broker-a";
    auto s = engine::run_rollback(h.plan, d, scope);
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::rolled_back) << s->message;
    ASSERT_GE(perm4.count(), 0) << "the serving master was made read-only first";
    ASSERT_GE(stop.count(), 0);
    EXPECT_GE((stop - perm4).count(), h.plan.policy.drain.min_wait.count()) << "and drained before the stop";
    bool stopped_in_rollback = false;
    for (size_t i = rollback_from; i < h.cluster.log.size(); ++i)
        stopped_in_rollback = stopped_in_rollback || h.cluster.log[i] == "stop [h1] -c /opt/conf/broker-a-0.properties";
    EXPECT_TRUE(stopped_in_rollback);
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].proc.version, "4.8.0");
    EXPECT_EQ(h.cluster.brokers["127.0.0.10:10911"].perm, 6);
}

TEST(AclFile, TheLiveAclFileIsCarriedIntoTheTargetHome) {
    Harness h;
    const std::string conf = "/opt/conf/broker-a-0.properties";
    h.cluster.files[conf] += "aclEnable=true\n";
    h.cluster.files["/opt/rocketmq-4.8.0/conf/plain_acl.yml"] = "accounts:\n- accessKey: operator\n";
    h.cluster.files["/opt/rocketmq-4.9.7/conf/plain_acl.yml"] = "accounts:\n- accessKey: RocketMQ\n";
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->status, RunStatus::completed) << s->message;
    EXPECT_EQ(h.cluster.files["/opt/rocketmq-4.9.7/conf/plain_acl.yml"], "accounts:\n- accessKey: operator\n");
    bool backed_up = false;
    for (const auto& [path, text] : h.cluster.files)
        backed_up = backed_up || (path.rfind("/opt/rocketmq-4.9.7/conf/plain_acl.yml.rmqup-", 0) == 0 &&
                                  text == "accounts:\n- accessKey: RocketMQ\n");
    EXPECT_TRUE(backed_up) << "the shipped sample is kept beside it";
    EXPECT_TRUE(said(h, "carried"));
}

TEST(AclFile, WithoutAclTheTargetHomeIsLeftAlone) {
    Harness h;
    h.cluster.files["/opt/rocketmq-4.8.0/conf/plain_acl.yml"] = "accounts:\n- accessKey: operator\n";
    h.cluster.files["/opt/rocketmq-4.9.7/conf/plain_acl.yml"] = "accounts:\n- accessKey: RocketMQ\n";
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(h.cluster.files["/opt/rocketmq-4.9.7/conf/plain_acl.yml"], "accounts:\n- accessKey: RocketMQ\n");
}

}  // namespace
}  // namespace rmqup::test

namespace rmqup::test {
namespace {

// The plan of the two-group cluster, started at `from` instead of 4.8.0.
Plan plan_from(const std::string& from) {
    Plan p = two_group_plan();
    for (auto& n : p.nodes) {
        n.current_version = from;
        for (auto* s : {&n.current.start_command, &n.current.home}) {
            const auto at = s->find("4.8.0");
            if (at != std::string::npos)
                s->replace(at, 5, from);
        }
        n.current_home = n.current.home;
    }
    return p;
}

TEST(ReadOnlyByVersion, A3xMasterIsDrainedThroughEveryNameServerNotItsBrokerPermission) {
    Harness h;
    h.plan = plan_from("3.2.6");
    h.plan.target_version = "4.6.0";
    for (auto& n : h.plan.nodes) {
        n.target_version = "4.6.0";
        for (auto* s : {&n.target.start_command, &n.target.home}) {
            const auto at = s->find("4.9.7");
            if (at != std::string::npos)
                s->replace(at, 5, "4.6.0");
        }
        n.target_home = n.target.home;
    }
    h.reload();
    auto s = h.apply();
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(s->status, RunStatus::completed) << (s->failures.empty() ? s->message : s->failures.front());
    // 3.2.6 routes never see brokerPermission (fixtures/rocketmq-3.2.6/FINDINGS.md): WIPE on each NS
    EXPECT_EQ(count_in(h.cluster.log, "wipe_write_perm 127.0.0.2:9876 broker-a"), 1);
    EXPECT_EQ(count_in(h.cluster.log, "wipe_write_perm 127.0.0.3:9876 broker-a"), 1);
    EXPECT_EQ(count_in(h.cluster.log, "update_broker_config 127.0.0.10:10911 brokerPermission=4"), 0);
    // the 4.6.0 broker that replaces it is set read-write the 4.x way
    EXPECT_EQ(count_in(h.cluster.log, "update_broker_config 127.0.0.10:10911 brokerPermission=6"), 1);
    for (const auto& [addr, b] : h.cluster.brokers) {
        EXPECT_EQ(b.proc.version, "4.6.0") << addr;
        EXPECT_EQ(b.perm, 6) << addr;
    }
}

TEST(ReadOnlyByVersion, A4xMasterIsDrainedWithBrokerPermission) {
    Harness h;
    auto s = h.apply();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(count_in(h.cluster.log, "wipe_write_perm"), 0);
    EXPECT_EQ(count_in(h.cluster.log, "update_broker_config 127.0.0.10:10911 brokerPermission=4"), 1);
}

}  // namespace
}  // namespace rmqup::test
