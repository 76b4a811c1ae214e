// `rmq-upgrade plan` as a process against rmq-sim clusters (local transport, host checks off): each
// case planned READY before the checks of issue 11 existed, and apply then failed. Now the plan
// blocks with the check that guards the failing apply step, and plans READY once it is met.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../sim/sim_process.hpp"
#include "run_capture.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/requests.hpp"

using namespace std::chrono_literals;
using namespace rmqsim::test;
namespace rmq = rmqup::rmq;

namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;
    nlohmann::json plan;  // the JSON plan printed on stdout (empty object if none)
};

// Runs `env rmq-upgrade plan ... --format json --no-host-checks` (bounded), capturing stdout.
CliRun run_plan(const std::string& inventory, const std::string& env = "") {
    CliRun r;
    const std::string cmd =
        env + " " + std::string(RMQUP_CLI_BIN) + " plan -i " + inventory + " --format json --no-host-checks";
    auto run = rmqup::test::run_shell(cmd, std::chrono::seconds(60), rmqup::test::Stderr::merged);
    r.out = std::move(run.out);
    r.exit_code = run.exit_code;
    auto start = r.out.find('{');
    auto end = r.out.rfind('}');
    if (start != std::string::npos && end != std::string::npos && end > start) {
        auto j = nlohmann::json::parse(r.out.substr(start, end - start + 1), nullptr, false);
        if (!j.is_discarded()) r.plan = j;
    }
    return r;
}

// Findings with the given id: "severity subject: message" lines.
std::vector<std::string> findings(const CliRun& r, const std::string& id) {
    std::vector<std::string> out;
    for (const auto& f : r.plan.value("findings", nlohmann::json::array())) {
        if (f.value("id", "") == id) {
            out.push_back(f.value("severity", "") + " " + f.value("subject", "") + ": " + f.value("message", ""));
        }
    }
    return out;
}

std::string ids(const CliRun& r) {
    std::string out;
    for (const auto& f : r.plan.value("findings", nlohmann::json::array()))
        out += f.value("id", "") + "(" + f.value("severity", "") + ") ";
    return out.empty() ? r.out : out;
}

struct BrokerSpec {
    std::string name = "broker-a";
    int id = 0;
    std::string role = "ASYNC_MASTER";       // in its config file
    std::string inventory_role;              // in the inventory ("" = role)
    std::string extra;                       // more config lines
    std::string addr;                        // filled by start
    std::filesystem::path config;
};

class PlanAgainstSim : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = temp_dir("plan");
        m_ns = m_ip + ":" + std::to_string(free_port(m_ip));
        m_procs.push_back(std::make_unique<SimProcess>(std::vector<std::string>{"namesrv", "--listen", m_ns},
                                                       (m_dir / "ns.log").string()));
        ASSERT_TRUE(eventually(5s, [&] { return cluster_info().ok(); })) << m_ns;
    }
    void TearDown() override {
        m_procs.clear();  // SIGKILL and reap every simulator process
        if (HasFailure()) std::cerr << "kept " << m_dir << " (simulator logs) for inspection\n";
        else std::filesystem::remove_all(m_dir);
    }

    rmqup::Result<rmq::RemotingCommand> cluster_info() {
        return m_client.call(m_ns, rmq::requests::get_broker_cluster_info(), 1000ms);
    }

    // Starts a 4.8.0 broker with its config; returns once the NameServer lists it.
    void start(BrokerSpec& b) {
        std::set<std::uint16_t> taken;
        for (const auto& o : m_brokers) taken.insert(static_cast<std::uint16_t>(std::stoi(o.addr.substr(o.addr.rfind(':') + 1))));
        std::uint16_t port = 0;
        while (port == 0 || taken.count(port)) port = free_port(m_ip);
        b.addr = m_ip + ":" + std::to_string(port);
        const std::string tag = b.name + "-" + std::to_string(b.id);
        b.config = m_dir / (tag + ".properties");
        write_text(b.config, "brokerClusterName=PlanCluster\nbrokerName=" + b.name + "\nbrokerId=" + std::to_string(b.id) +
                                 "\nbrokerRole=" + b.role + "\nbrokerIP1=" + m_ip + "\nlistenPort=" + std::to_string(port) +
                                 "\nnamesrvAddr=" + m_ns + "\nstorePathRootDir=" + (m_dir / tag).string() + "\n" + b.extra);
        m_procs.push_back(std::make_unique<SimProcess>(
            std::vector<std::string>{"broker", "-c", b.config.string(), "--version", "4.8.0", "--register-interval-ms",
                                     "2000", "--runtime-info-error-ms", "0"},
            (m_dir / (tag + ".log")).string()));
        m_brokers.push_back(b);
        ASSERT_TRUE(eventually(10s, [&] {
            auto r = cluster_info();
            return r.ok() && r->body.find(b.addr) != std::string::npos;
        })) << tag << " never registered";
    }

    // The inventory of the started brokers (one group per brokerName, in start order).
    std::string write_inventory(const std::string& extra = "") {
        std::string groups;
        std::vector<std::string> names;
        for (const auto& b : m_brokers) {
            if (std::find(names.begin(), names.end(), b.name) == names.end()) names.push_back(b.name);
        }
        for (const auto& name : names) {
            groups += "  - brokerName: " + name + "\n    members:\n";
            for (const auto& b : m_brokers) {
                if (b.name != name) continue;
                const std::string tag = b.name + "-" + std::to_string(b.id);
                groups += "      - {brokerId: " + std::to_string(b.id) + ", role: " +
                          (b.inventory_role.empty() ? b.role : b.inventory_role) + ", address: " + b.addr +
                          ", host: h1, config: " + b.config.string() + ", storePathRootDir: " + (m_dir / tag).string() + "}\n";
            }
        }
        const auto path = m_dir / "inventory.yaml";
        write_text(path, "cluster: PlanCluster\ntargetVersion: 4.9.7\n"
                         "defaults: {transport: local, currentHome: /opt/rocketmq-4.8.0, targetHome: /opt/rocketmq-4.9.7}\n"
                         "hosts:\n  - {name: h1, address: " + m_ip + "}\n"
                         "nameServers:\n  - {address: " + m_ns + ", host: h1}\n"
                         "brokerGroups:\n" + groups + extra);
        return path.string();
    }

    // Creates topic (1 queue, perm 6) on a broker as mqadmin updateTopic does.
    void create_topic(const std::string& broker, const std::string& topic, rmqup::net::RemotingClient& client) {
        rmq::TopicConfig tc;
        tc.topic_name = topic;
        tc.read_queue_nums = 1;
        tc.write_queue_nums = 1;
        tc.perm = 6;
        auto r = client.call(broker, rmq::requests::update_and_create_topic(tc), 2000ms);
        ASSERT_TRUE(r.ok()) << r.error().describe();
        ASSERT_EQ(r->code, 0) << r->remark.value_or("");
    }

    std::string m_ip = "127.0.0.91";
    std::filesystem::path m_dir;
    std::string m_ns;
    std::vector<BrokerSpec> m_brokers;
    std::vector<std::unique_ptr<SimProcess>> m_procs;
    rmqup::net::RemotingClient m_client{rmqup::net::ClientOptions{}};
};

}  // namespace

TEST_F(PlanAgainstSim, ReplyTopicOfASingleGroupIsNoRisk) {
    // Given one master whose broker created <cluster>_REPLY_TOPIC with a single queue
    BrokerSpec a;
    start(a);
    // When the roll is planned, Then it is READY: a system topic is not an availability risk
    auto r = run_plan(write_inventory());
    EXPECT_EQ(r.exit_code, 0) << ids(r);
    EXPECT_TRUE(findings(r, "single-queue-topic").empty()) << ids(r);
}

TEST_F(PlanAgainstSim, MissingProbeTopicWithAutoCreateOffBlocksUntilCreated) {
    // Given a master with autoCreateTopicEnable=false and a probe topic nobody created
    BrokerSpec a;
    a.extra = "autoCreateTopicEnable=false\n";
    start(a);
    const auto inv = write_inventory("policy:\n  probeTopic: RMQ_UPGRADE_PROBE\n");
    // Then the plan blocks with probe-topic (verify would get TOPIC_NOT_EXIST and roll back)
    auto r = run_plan(inv);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    auto probe = findings(r, "probe-topic");
    ASSERT_EQ(probe.size(), 1u) << ids(r);
    EXPECT_NE(probe[0].find("error broker-a@0"), std::string::npos) << probe[0];
    EXPECT_NE(probe[0].find("TOPIC_NOT_EXIST"), std::string::npos) << probe[0];
    // When the operator creates it as the finding says, Then the plan is READY
    create_topic(a.addr, "RMQ_UPGRADE_PROBE", m_client);
    auto ready = run_plan(inv);
    EXPECT_EQ(ready.exit_code, 0) << ids(ready);
}

TEST_F(PlanAgainstSim, NonAdminAclAccountIsAnAclFindingNotUnreachable) {
    // Given a master with aclEnable=true, an admin and a non-admin account, and a probe topic
    write_text(m_dir / "plain_acl.yml", "accounts:\n"
                                        "  - accessKey: rmqadmin\n    secretKey: rmqadmin-secret-123\n    admin: true\n"
                                        "  - accessKey: rmquser\n    secretKey: rmquser-secret-456\n    admin: false\n");
    BrokerSpec a;
    a.extra = "aclEnable=true\nrmqsimAclFile=" + (m_dir / "plain_acl.yml").string() + "\n";
    start(a);
    const std::string acl = "acl: {accessKey: \"${RMQUP_IT_AK}\", secretKey: \"${RMQUP_IT_SK}\"}\n";
    const auto inv = write_inventory(acl);

    // When planned with the non-admin account: blocked by acl-account quoting the broker
    auto user = run_plan(inv, "RMQUP_IT_AK=rmquser RMQUP_IT_SK=rmquser-secret-456");
    EXPECT_EQ(user.exit_code, 1) << user.out;
    auto acl_findings = findings(user, "acl-account");
    ASSERT_EQ(acl_findings.size(), 1u) << ids(user);
    EXPECT_NE(acl_findings[0].find("Need admin permission for request code=25"), std::string::npos) << acl_findings[0];
    EXPECT_TRUE(findings(user, "broker-unreachable").empty()) << ids(user);

    // and with an unknown account: acl-account too, never broker-unreachable
    auto unknown = run_plan(inv, "RMQUP_IT_AK=rocketmq2 RMQUP_IT_SK=12345678");
    EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
    ASSERT_FALSE(findings(unknown, "acl-account").empty()) << ids(unknown);
    EXPECT_TRUE(findings(unknown, "broker-unreachable").empty()) << ids(unknown);

    // When planned with the admin account: READY, and the admin probe changed nothing on disk
    const std::string before = read_text(a.config);
    auto admin = run_plan(inv, "RMQUP_IT_AK=rmqadmin RMQUP_IT_SK=rmqadmin-secret-123");
    EXPECT_EQ(admin.exit_code, 0) << ids(admin);
    EXPECT_EQ(read_text(a.config), before);
}

TEST_F(PlanAgainstSim, DLedgerGroupIsRefused) {
    // Given a group whose brokers run DLedger
    BrokerSpec a;
    a.extra = "enableDLegerCommitLog=true\n";
    start(a);
    auto r = run_plan(write_inventory());
    // Then the plan refuses it (an error: not acceptable) and says what to do instead
    EXPECT_EQ(r.exit_code, 1) << r.out;
    auto mode = findings(r, "broker-mode");
    ASSERT_EQ(mode.size(), 1u) << ids(r);
    EXPECT_NE(mode[0].find("error broker-a: group broker-a runs DLedger"), std::string::npos) << mode[0];
    EXPECT_NE(mode[0].find("remove it from the inventory"), std::string::npos) << mode[0];
}

TEST_F(PlanAgainstSim, LiveRoleMustMatchTheInventory) {
    // Given a SYNC_MASTER listed as ASYNC_MASTER
    BrokerSpec a;
    a.role = "SYNC_MASTER";
    a.inventory_role = "ASYNC_MASTER";
    start(a);
    BrokerSpec s;
    s.id = 1;
    s.role = "SLAVE";
    start(s);
    auto r = run_plan(write_inventory());
    EXPECT_EQ(r.exit_code, 1) << r.out;
    auto mismatch = findings(r, "role-mismatch");
    ASSERT_EQ(mismatch.size(), 1u) << ids(r);
    EXPECT_NE(mismatch[0].find("brokerRole=SYNC_MASTER"), std::string::npos) << mismatch[0];

    // When the inventory says what the broker runs, Then nothing is reported
    m_brokers[0].inventory_role = "SYNC_MASTER";
    auto fixed = run_plan(write_inventory());
    EXPECT_TRUE(findings(fixed, "role-mismatch").empty()) << ids(fixed);
    EXPECT_EQ(fixed.exit_code, 0) << ids(fixed);
}

TEST_F(PlanAgainstSim, NothingReachableExitsThree) {
    // Given an inventory whose NameServer and broker nobody listens on
    BrokerSpec ghost;
    ghost.addr = m_ip + ":" + std::to_string(free_port(m_ip));
    ghost.config = m_dir / "ghost.properties";
    m_brokers.push_back(ghost);
    std::string inv = write_inventory();
    std::string text = read_text(inv);
    const std::string dead_ns = m_ip + ":" + std::to_string(free_port(m_ip));
    text.replace(text.find(m_ns), m_ns.size(), dead_ns);
    write_text(inv, text);
    // Then plan exits 3 (unreachable), not 1 (blocked)
    auto r = run_plan(inv);
    EXPECT_EQ(r.exit_code, 3) << r.out;
    EXPECT_FALSE(findings(r, "ns-unreachable").empty()) << r.out;
}
