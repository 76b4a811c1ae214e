// The planner's host checks (preflight_hosts.cpp) against fake hosts: process identity, Java as the
// start scripts pick it, the target and current homes, log folders, disks, snapshots, ACL files.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fake_host_probe.hpp"
#include "plan_fixture.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

// Every host healthy for whatever is asked: every node found where the inventory says.
struct Hosts : FakeFleet {
    Hosts() {
        defaults.java = healthy_java();
        defaults.unlisted = Unlisted::as_specified;
        defaults.other_homes = OtherHomes::version_from_name;
    }
    FakeHost& operator[](const std::string& name) { return host(name); }
    void cut_off(const std::string& name) {
        host(name).unreachable = make_error(ErrorKind::unreachable, "ssh connect to " + name + ": refused");
    }
};

Plan plan_with_hosts(Hosts& hosts, const std::string& text = k_two_groups) {
    auto admin = healthy_two_groups();
    PlanRequest req = fixed_request();
    req.host_ops = hosts.provider();
    auto plan = make_plan(parse_or_die(text), &admin, req);
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

std::vector<const CheckFinding*> all(const Plan& plan, const std::string& id, Severity severity) {
    std::vector<const CheckFinding*> out;
    for (const auto& f : plan.findings) {
        if (f.id == id && f.severity == severity) out.push_back(&f);
    }
    return out;
}

std::string text_of(const std::vector<const CheckFinding*>& fs) {
    std::string out;
    for (const auto* f : fs) out += f->subject + ": " + f->message + "\n";
    return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(HostChecks, HealthyHostsShowEachProcessAndBlockNothing) {
    Hosts hosts;
    auto plan = plan_with_hosts(hosts);
    for (const auto& f : plan.findings) EXPECT_EQ(f.severity, Severity::info) << f.id << ": " << f.message;
    EXPECT_FALSE(plan_blocked(plan));
    const auto shown = all(plan, "process-identified", Severity::info);
    ASSERT_EQ(shown.size(), 6u) << text_of(shown);
    std::set<std::string> subjects;
    for (const auto* f : shown) subjects.insert(f->subject);
    EXPECT_TRUE(subjects.count("broker:broker-a:0"));
    EXPECT_TRUE(subjects.count("ns:127.0.0.1:9876"));
    EXPECT_TRUE(contains(text_of(shown), "(home /opt/rocketmq-4.8.0 from classpath, config /c/a.properties)"))
        << text_of(shown);
    EXPECT_TRUE(contains(text_of(all(plan, "java", Severity::info)), "Java 1.8.0_392 at /usr/lib/jvm/java-8/bin/java"));

    ASSERT_EQ(hosts["h2"].requests.size(), 1u);
    const FactsRequest& r = hosts["h2"].requests[0];
    EXPECT_EQ(r.homes, (std::vector<std::string>{"/opt/rocketmq-4.9.7", "/opt/rocketmq-4.8.0"}));
    EXPECT_EQ(r.store_paths, (std::vector<std::string>{"/s/a-s", "/s/b"}));
    EXPECT_EQ(r.config_paths, (std::vector<std::string>{"/c/a-s.properties", "/c/b.properties"}));
    EXPECT_FALSE(r.log_paths.empty());
}

TEST(HostChecks, UnreachableHost) {
    Hosts hosts;
    hosts.cut_off("h3");
    auto plan = plan_with_hosts(hosts);
    auto* f = finding(plan, "host-unreachable");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->subject, "h3");
    EXPECT_NE(f->message.find("refused"), std::string::npos);
}

TEST(HostChecks, ANodeWithNoListenerIsAnError) {
    Hosts hosts;
    hosts["h1"].identities.emplace("127.0.0.1:10911", std::optional<ProcessIdentity>{});
    auto plan = plan_with_hosts(hosts);
    const auto errors = all(plan, "process-identified", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "broker:broker-a:0");
    EXPECT_TRUE(contains(errors[0]->message, "nothing listens on 127.0.0.1:10911 on host h1")) << errors[0]->message;
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(HostChecks, AnUnidentifiableListenerIsAnErrorWithTheReason) {
    Hosts hosts;
    hosts["h2"].identities.emplace(
        "127.0.0.2:9876", make_error(ErrorKind::conflict, "a process listens on *:9876 but its PID cannot be read"));
    auto plan = plan_with_hosts(hosts);
    const auto errors = all(plan, "process-identified", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "ns:127.0.0.2:9876");
    EXPECT_TRUE(contains(errors[0]->message, "PID cannot be read")) << errors[0]->message;
}

TEST(HostChecks, AnotherHomeOrConfigIsAnErrorNamingBoth) {
    Hosts hosts;
    ProcessIdentity id;
    id.pid = 77;
    id.home = "/opt/rocketmq-4.7.1";
    id.home_source = "ROCKETMQ_HOME";
    id.config_path = "/opt/rocketmq-4.7.1/conf/broker-b.properties";
    id.expected_config = "/c/b.properties";
    hosts["h2"].identities.emplace("127.0.0.2:10911", std::optional<ProcessIdentity>{id});
    auto plan = plan_with_hosts(hosts);
    const std::string errors = text_of(all(plan, "process-identified", Severity::error));
    EXPECT_TRUE(contains(errors, "runs with config /opt/rocketmq-4.7.1/conf/broker-b.properties, the inventory says "
                                 "/c/b.properties"))
        << errors;
    EXPECT_TRUE(contains(errors, "runs from home /opt/rocketmq-4.7.1 (read from its ROCKETMQ_HOME environment), the "
                                 "inventory's currentHome is /opt/rocketmq-4.8.0"))
        << errors;
}

TEST(HostChecks, NoJavaForTheStartScripts) {
    Hosts hosts;
    hosts["h3"].java = JavaFacts{};
    auto plan = plan_with_hosts(hosts);
    const auto errors = all(plan, "java", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "h3");
    EXPECT_TRUE(contains(errors[0]->message, "no $HOME/jdk/java, no /usr/java; they never look at PATH"));
}

TEST(HostChecks, JavaTooOldForAnyRocketMQ) {
    Hosts hosts;
    hosts["h1"].java.version = "1.7.0_80";
    auto plan = plan_with_hosts(hosts);
    const auto errors = all(plan, "java", Severity::error);
    ASSERT_FALSE(errors.empty());
    EXPECT_TRUE(contains(errors[0]->message, "needs Java 8 or newer"));
}

TEST(HostChecks, Java9PlusOnlyFrom493ForTheTargetAndTheRollbackHome) {
    std::string text = k_two_groups;
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: 4.9.2");
    Hosts hosts;
    hosts["h2"].java.version = "11.0.2";
    auto plan = plan_with_hosts(hosts, text);
    const std::string errors = text_of(all(plan, "java", Severity::error));
    EXPECT_TRUE(contains(errors, "h2: host h2: Java 11.0.2 at /usr/lib/jvm/java-8/bin/java (JAVA_HOME of the session) cannot run "
                                 "RocketMQ 4.9.2 (target)"))
        << errors;
    EXPECT_TRUE(contains(errors, "RocketMQ 4.8.0 (current, for rollback)")) << errors;

    Hosts newer;  // 4.9.7 runs on Java 11, the 4.8.0 rollback does not
    newer["h2"].java.version = "11.0.2";
    const std::string rollback_only = text_of(all(plan_with_hosts(newer), "java", Severity::error));
    EXPECT_FALSE(contains(rollback_only, "(target)")) << rollback_only;
    EXPECT_TRUE(contains(rollback_only, "4.8.0 (current, for rollback)")) << rollback_only;
}

TEST(HostChecks, AJavaHomeWithoutJavaFallsBackAndSaysSo) {
    std::string text = k_two_groups;
    const std::string h1 = "{name: h1, address: 127.0.0.1}";
    text.replace(text.find(h1), h1.size(), "{name: h1, address: 127.0.0.1, javaHome: /opt/jdk8}");
    Hosts hosts;
    hosts["h1"].java.source = "$HOME/jdk/java";
    auto plan = plan_with_hosts(hosts, text);
    const std::string warnings = text_of(all(plan, "java", Severity::warning));
    EXPECT_TRUE(contains(warnings, "javaHome /opt/jdk8 has no bin/java")) << warnings;
}

TEST(HostChecks, TargetHomeLayoutAndVersionFromTheJars) {
    Hosts hosts;
    hosts["h1"].jar_version["/opt/rocketmq-4.9.7"] = "4.9.6";
    hosts["h2"].missing["/opt/rocketmq-4.9.7"] = {"bin/runbroker.sh"};
    hosts["h3"].absent_homes.insert("/opt/rocketmq-4.9.7");
    hosts["h3"].uncreatable_logs = {"/opt/rocketmq-4.9.7/logs"};
    auto plan = plan_with_hosts(hosts);
    const std::string errors = text_of(all(plan, "target-home", Severity::error));
    EXPECT_TRUE(contains(errors, "h1: RocketMQ home /opt/rocketmq-4.9.7 on host h1 holds lib/rocketmq-broker-4.9.6.jar, "
                                 "not version 4.9.7"))
        << errors;
    EXPECT_TRUE(contains(errors, "h2: RocketMQ home /opt/rocketmq-4.9.7 on host h2 lacks bin/runbroker.sh")) << errors;
    EXPECT_TRUE(contains(errors, "h3: RocketMQ home /opt/rocketmq-4.9.7 is not present on host h3")) << errors;
    EXPECT_TRUE(contains(errors, "log folder /opt/rocketmq-4.9.7/logs cannot be created on host h3")) << errors;
}

TEST(HostChecks, TheRollbackHomeIsCheckedToo) {
    Hosts hosts;
    hosts["h1"].missing["/opt/rocketmq-4.8.0"] = {"bin/mqnamesrv"};
    auto plan = plan_with_hosts(hosts);
    const std::string errors = text_of(all(plan, "current-home", Severity::error));
    EXPECT_TRUE(contains(errors, "/opt/rocketmq-4.8.0 on host h1 lacks bin/mqnamesrv")) << errors;
}

TEST(HostChecks, LowDisk) {
    Hosts hosts;
    hosts["h1"].free_bytes = 100LL << 20;
    auto plan = plan_with_hosts(hosts);
    auto* disk = finding(plan, "disk-free-low");
    ASSERT_TRUE(disk);
    EXPECT_EQ(disk->subject, "h1:/s/a");
    EXPECT_EQ(disk->severity, Severity::warning);
}

TEST(HostChecks, LeftoverSnapshotsOfOtherRunsAreWarnedAboutNeverOurs) {
    Hosts hosts;
    auto first = plan_with_hosts(hosts);
    std::string ours;
    for (const auto& n : first.nodes) {
        if (n.id == "broker:broker-a:0") ours = n.pristine_config_backup;
    }
    ASSERT_FALSE(ours.empty());
    const std::vector<std::string> on_disk = {ours, "/c/a.properties.rmqup-pristine",
                                              "/c/a.properties.rmqup-0badc0de.pristine"};
    hosts["h1"].snapshots = on_disk;
    auto plan = plan_with_hosts(hosts);
    std::set<std::string> flagged;
    for (const auto* f : all(plan, "leftover-snapshot", Severity::warning)) flagged.insert(f->subject);
    EXPECT_TRUE(flagged.count("h1:/c/a.properties.rmqup-0badc0de.pristine"));
    EXPECT_FALSE(flagged.count("h1:" + ours)) << "this plan's own snapshot is not a leftover";
    EXPECT_EQ(flagged.size(), ours == "/c/a.properties.rmqup-pristine" ? 1u : 2u);
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(HostChecks, AclFilesAreComparedWhenABrokerHasAclOn) {
    Hosts hosts;
    auto& h1 = hosts["h1"];
    h1.files["/c/a.properties"] = "brokerName=broker-a\naclEnable=true\n";
    h1.files["/opt/rocketmq-4.8.0/conf/plain_acl.yml"] = "accounts:\n- accessKey: ops\n";
    h1.files["/opt/rocketmq-4.9.7/conf/plain_acl.yml"] = "accounts:\n- accessKey: RocketMQ\n";
    h1.files["/opt/rocketmq-4.8.0/conf/tools.yml"] = "accessKey: ops\n";
    h1.files["/opt/rocketmq-4.9.7/conf/tools.yml"] = "accessKey: ops\n";
    auto plan = plan_with_hosts(hosts);
    const std::string info = text_of(all(plan, "acl-file", Severity::info));
    EXPECT_TRUE(contains(info, "/opt/rocketmq-4.8.0/conf/plain_acl.yml on host h1 differs from the target home's: the "
                               "roll carries the current file into /opt/rocketmq-4.9.7"))
        << info;
    EXPECT_TRUE(contains(info, "tools.yml on host h1 are identical")) << info;
    EXPECT_TRUE(all(plan, "acl-file", Severity::error).empty());
    EXPECT_TRUE(all(plan, "acl-file", Severity::info).size() == 2u);

    h1.files.erase("/opt/rocketmq-4.8.0/conf/plain_acl.yml");
    const auto without_acl = plan_with_hosts(hosts);  // errors points into it
    const auto errors = all(without_acl, "acl-file", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_TRUE(contains(errors[0]->message, "cannot be read")) << errors[0]->message;
}

TEST(HostChecks, NoAclNoAclFileFindings) {
    Hosts hosts;
    EXPECT_FALSE(finding(plan_with_hosts(hosts), "acl-file"));
}

TEST(HostChecks, OfflineContactsNoHost) {
    Hosts hosts;
    for (const char* h : {"h1", "h2", "h3"}) hosts.cut_off(h);
    PlanRequest req = fixed_request();
    req.offline = true;
    req.host_ops = hosts.provider();
    auto plan = make_plan(parse_or_die(k_two_groups), nullptr, req);
    ASSERT_TRUE(plan.ok());
    EXPECT_TRUE(plan->findings.empty());
}

}  // namespace

namespace {

TEST(HostChecks, ABrokerRunningWithEnableProxyKeepsItAcrossTheRestart) {
    Hosts hosts;
    ProcessIdentity id;
    id.pid = 88;
    id.home = "/opt/rocketmq-4.8.0";
    id.home_source = "classpath";
    id.args = "java -cp /opt/rocketmq-4.8.0/lib/* org.apache.rocketmq.broker.BrokerStartup -c /c/b.properties --enable-proxy";
    id.config_path = "/c/b.properties";
    id.config_matches = true;
    id.home_matches = true;
    hosts["h2"].identities.emplace("127.0.0.2:10911", std::optional<ProcessIdentity>{id});
    auto plan = plan_with_hosts(hosts);
    EXPECT_EQ(all(plan, "broker-mode", Severity::info).size(), 1u) << text_of(all(plan, "broker-mode", Severity::info));
    int proxied = 0;
    for (const auto& n : plan.nodes) {
        const bool has = contains(n.target.start_command, "--enable-proxy");
        if (n.address == "127.0.0.2:10911") {
            EXPECT_TRUE(has) << n.target.start_command;
            EXPECT_TRUE(contains(n.current.start_command, "--enable-proxy")) << "the rollback keeps it too";
        } else {
            EXPECT_FALSE(has) << n.id;
        }
        proxied += has ? 1 : 0;
    }
    EXPECT_EQ(proxied, 1);
}

}  // namespace
