// discover's three stages against a fake cluster (FakeAdmin) and fake hosts (FakeHostProbe): the inventory
// it writes validates as it is when every host was read, hosts shared by several brokers keep
// distinct configs and stores, NameServers that disagree are reported, a host that cannot be read
// leaves placeholders `validate` refuses, the target home is derived (and marked assumed), and
// secrets are only ever references.
#include <gtest/gtest.h>

#include "fake_admin.hpp"
#include "fake_host_probe.hpp"
#include "rmqup/inventory/inventory.hpp"

using namespace rmqup;
using namespace rmqup::test;
using discover::Origin;
using namespace std::string_literals;

namespace {

const std::string k_old_home = "/opt/rocketmq-4.8.0";
const std::string k_new_home = "/opt/rocketmq-4.9.7";
const std::string k_java_home = "/usr/lib/jvm/java-8-openjdk";

std::string ip_of(const std::string& address) { return address.substr(0, address.rfind(':')); }

class Discover : public ::testing::Test {
protected:
    void SetUp() override {
        add_nameserver("10.0.0.1:9876");
        // 10.0.0.2 runs broker-a's master and broker-b's slave; 10.0.0.3 the other two.
        add_broker("broker-a", 0, "10.0.0.2:10911", "SYNC_MASTER");
        add_broker("broker-b", 1, "10.0.0.2:10921", "SLAVE");
        add_broker("broker-b", 0, "10.0.0.3:10911", "SYNC_MASTER");
        add_broker("broker-a", 1, "10.0.0.3:10921", "SLAVE");
        options.nameservers = {"10.0.0.1:9876"};
        options.target_version = "4.9.7";
        options.access.user = "rocketmq";
    }

    FakeHost& machine(const std::string& ip) {
        auto& m = fleet.hosts[ip];
        m.jar_version = {{k_old_home, "4.8.0"}, {k_new_home, "4.9.7"}};
        m.java.java = k_java_home + "/bin/java";
        m.java.java_home = k_java_home;
        m.java.source = "javaHome";
        m.java.version = "1.8.0_392";
        return m;
    }

    void add_nameserver(const std::string& address) {
        machine(ip_of(address)).listeners[address] =
            FakeListener{next_pid++, k_java_home + "/bin/java -cp .:" + k_old_home + "/lib/* org.apache.rocketmq.namesrv.NamesrvStartup",
                        k_old_home, ""};
    }

    // A broker registered with the NameServers, listening on its host, started with its own config.
    void add_broker(const std::string& name, int id, const std::string& address, const std::string& role) {
        FakeBroker b;
        b.cluster = "ProdCluster";
        b.name = name;
        b.id = id;
        b.address = address;
        b.config = {{"brokerRole", role}, {"storePathRootDir", "/root/store"}};
        admin.add(b);
        const std::string config = k_old_home + "/conf/" + name + "-" + std::to_string(id) + ".properties";
        auto& m = machine(ip_of(address));
        m.listeners[address] = FakeListener{next_pid++,
                                           k_java_home + "/bin/java -cp .:" + k_old_home +
                                               "/lib/* org.apache.rocketmq.broker.BrokerStartup -c " + config,
                                           k_old_home, config};
        m.files[config] = "brokerClusterName=ProdCluster\nbrokerName=" + name + "\nbrokerId=" + std::to_string(id) +
                          "\nbrokerRole=" + role + "\nstorePathRootDir=/data/rocketmq/" + name + "-" +
                          std::to_string(id) + "\nlistenPort=" + address.substr(address.rfind(':') + 1) + "\n";
    }

    discover::DiscoveredInventory run() {
        auto inv = discover::discover(admin, admin, fleet.factory(), options);
        EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().describe());
        return inv.ok() ? std::move(inv).value() : discover::DiscoveredInventory{};
    }

    const discover::DiscoveredNode& member(const discover::DiscoveredInventory& inv, const std::string& name, int id) {
        for (const auto& g : inv.groups) {
            for (const auto& m : g.members) {
                if (m.broker_name == name && m.broker_id == id) return m;
            }
        }
        ADD_FAILURE() << "no member " << name << "@" << id;
        static discover::DiscoveredNode none;
        return none;
    }

    FakeAdmin admin;
    FakeFleet fleet;
    discover::DiscoverOptions options;
    int next_pid = 4200;
};

TEST_F(Discover, EveryHostReadableGivesAnInventoryThatValidatesAsWritten) {
    auto inv = run();
    EXPECT_TRUE(inv.placeholders().empty());
    const std::string yaml = discover::render_yaml(inv);
    auto parsed = parse_inventory(yaml, "inventory.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << yaml;
    EXPECT_EQ(parsed->cluster, "ProdCluster");
    EXPECT_EQ(parsed->target_version, "4.9.7");
    EXPECT_EQ(parsed->current_version, "4.8.0");
    ASSERT_EQ(parsed->broker_groups.size(), 2u);
    const InvBroker& a0 = parsed->broker_groups[0].members[0];
    EXPECT_EQ(a0.broker_name, "broker-a");
    EXPECT_EQ(a0.role, BrokerRole::sync_master);
    EXPECT_EQ(a0.config, k_old_home + "/conf/broker-a-0.properties");
    EXPECT_EQ(a0.store_path, "/data/rocketmq/broker-a-0") << "the config file's storePathRootDir wins";
    const InvHost* host = parsed->find_host("10.0.0.2");
    ASSERT_NE(host, nullptr);
    EXPECT_EQ(host->current_home, k_old_home);
    EXPECT_EQ(host->target_home, k_new_home);
    EXPECT_EQ(host->access.java_home, k_java_home);
    EXPECT_EQ(host->access.user, "rocketmq");
    // the NameServer's release comes from its home's jars (it has no runtime info)
    ASSERT_EQ(inv.nameservers.size(), 1u);
    EXPECT_EQ(inv.nameservers[0].notes, (std::vector<std::string>{"home " + k_old_home + " (classpath), lib/ holds 4.8.0"}));
    // every node was found by the port it listens on, as apply finds it
    EXPECT_EQ(fleet.hosts["10.0.0.2"].identified, (std::vector<std::string>{"10.0.0.2:10911", "10.0.0.2:10921"}));
}

TEST_F(Discover, AHostSharedByTwoBrokersIsOneHostWithDistinctConfigsAndStores) {
    auto inv = run();
    ASSERT_EQ(inv.hosts.size(), 3u) << "one inventory host per distinct IP";
    const auto& a0 = member(inv, "broker-a", 0);
    const auto& b1 = member(inv, "broker-b", 1);
    EXPECT_EQ(a0.host, "10.0.0.2");
    EXPECT_EQ(b1.host, "10.0.0.2");
    EXPECT_NE(a0.config.value, b1.config.value);
    EXPECT_NE(a0.store.value, b1.store.value);
    auto parsed = parse_inventory(discover::render_yaml(inv), "inventory.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->hosts.size(), 3u);
}

TEST_F(Discover, NameServersThatDisagreeAreReportedAndTheUnionIsWritten) {
    add_nameserver("10.0.0.4:9876");
    options.nameservers.push_back("10.0.0.4:9876");
    admin.hidden_from["10.0.0.4:9876"] = {"10.0.0.3:10921"};  // broker-a@1 never registered there
    auto inv = run();
    ASSERT_EQ(inv.disagreements.size(), 1u);
    EXPECT_EQ(inv.disagreements[0], "NameServer 10.0.0.4:9876 lacks broker-a@1 (10.0.0.3:10921)");
    EXPECT_EQ(member(inv, "broker-a", 1).address, "10.0.0.3:10921");
    const std::string yaml = discover::render_yaml(inv);
    EXPECT_NE(yaml.find("# NameServers disagree:\n#   - NameServer 10.0.0.4:9876 lacks broker-a@1"), std::string::npos)
        << yaml;
    EXPECT_TRUE(parse_inventory(yaml, "inventory.yaml").ok());
}

TEST_F(Discover, AHostThatCannotBeReadLeavesPlaceholdersThatValidateRefuses) {
    fleet.hosts.erase("10.0.0.3");  // no login there
    auto inv = run();
    ASSERT_EQ(inv.host_errors.size(), 1u);
    EXPECT_EQ(inv.host_errors[0].kind, ErrorKind::unreachable);
    const auto& b0 = member(inv, "broker-b", 0);
    EXPECT_EQ(b0.config.origin, Origin::placeholder);
    EXPECT_EQ(b0.config.value, "<FILL IN: config (-c) of broker-b@0>");
    EXPECT_NE(b0.config.note.find("No route to host"), std::string::npos) << b0.config.note;
    // the live config still names the store and role
    EXPECT_EQ(b0.role.value, "SYNC_MASTER");
    EXPECT_EQ(b0.store.origin, Origin::discovered);
    // the readable host is complete
    EXPECT_EQ(member(inv, "broker-a", 0).config.origin, Origin::discovered);

    const std::string yaml = discover::render_yaml(inv);
    auto parsed = parse_inventory(yaml, "inventory.yaml");
    ASSERT_FALSE(parsed.ok()) << yaml;
    const std::string& msg = parsed.error().message;
    EXPECT_NE(msg.find("inventory.yaml:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'config' must be an absolute path, got '<FILL IN: config (-c) of broker-b@0>'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("<FILL IN: currentHome of host 10.0.0.3>"), std::string::npos) << msg;
    EXPECT_NE(yaml.find("# Placeholders to fill in:"), std::string::npos);
}

TEST_F(Discover, TheTargetHomeIsDerivedFromTheCurrentHomesNameAndMarkedAssumed) {
    fleet.hosts["10.0.0.3"].jar_version.erase(k_new_home);  // not installed there yet
    auto inv = run();
    for (const auto& h : inv.hosts) {
        SCOPED_TRACE(h.name);
        EXPECT_EQ(h.current_home.origin, Origin::discovered);
        EXPECT_EQ(h.target_home.value, k_new_home);
        EXPECT_EQ(h.target_home.origin, Origin::assumed);
    }
    const auto& h3 = inv.hosts[2];
    ASSERT_EQ(h3.name, "10.0.0.3");
    EXPECT_NE(h3.target_home.note.find("NOT on the host yet"), std::string::npos) << h3.target_home.note;
    const std::string yaml = discover::render_yaml(inv);
    EXPECT_NE(yaml.find("targetHome: \"/opt/rocketmq-4.9.7\"  # assumed: the current home's name with 4.8.0 -> 4.9.7"),
              std::string::npos)
        << yaml;
}

TEST_F(Discover, EachHostIsAskedForJavaAndHomesOnceWhenTheRunningVersionsNameTheTargetHome) {
    run();
    const auto& requests = fleet.hosts["10.0.0.2"].requests;
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].java_home, k_java_home);
    EXPECT_EQ(requests[0].homes, (std::vector<std::string>{k_old_home, k_new_home}));
}

TEST_F(Discover, ANameServerHomeNamedAfterAReleaseNoBrokerRunsIsAskedAgain) {
    auto& ns = fleet.hosts["10.0.0.1"];
    ns.listeners["10.0.0.1:9876"].home = "/opt/rocketmq-4.7.1";
    ns.jar_version["/opt/rocketmq-4.7.1"] = "4.7.1";
    auto inv = run();
    ASSERT_EQ(ns.requests.size(), 2u);
    EXPECT_EQ(ns.requests[1].homes, (std::vector<std::string>{k_new_home}));
    EXPECT_EQ(inv.hosts[0].target_home.value, k_new_home);
    EXPECT_EQ(inv.hosts[0].target_home.origin, Origin::assumed);
}

TEST(DeriveTargetHome, ReplacesTheVersionInTheLastPathComponentOnly) {
    using discover::derive_target_home;
    EXPECT_EQ(derive_target_home("/opt/rocketmq-4.8.0", "4.8.0", "4.9.7"), "/opt/rocketmq-4.9.7");
    EXPECT_EQ(derive_target_home("/opt/rocketmq-all-4.8.0-bin-release", "4.8.0", "5.3.1"),
              "/opt/rocketmq-all-5.3.1-bin-release");
    EXPECT_EQ(derive_target_home("/opt/rocketmq-4.9.7", "4.9.7", "4.9.7"), "/opt/rocketmq-4.9.7");
    EXPECT_EQ(derive_target_home("/opt/rocketmq", "4.8.0", "4.9.7"), std::nullopt);
    EXPECT_EQ(derive_target_home("/opt/4.8.0/rocketmq", "4.8.0", "4.9.7"), std::nullopt);
    EXPECT_EQ(derive_target_home("/opt/rocketmq-4.8.0", "", "4.9.7"), std::nullopt);
}

TEST_F(Discover, AHomeWithoutAVersionInItsNameLeavesTheTargetHomeAPlaceholder) {
    for (auto& [ip, m] : fleet.hosts) {
        for (auto& [address, p] : m.listeners) p.home = "/opt/rocketmq";
    }
    auto inv = run();
    EXPECT_EQ(inv.hosts[0].target_home.origin, Origin::placeholder);
    EXPECT_NE(inv.hosts[0].target_home.note.find("carries no version"), std::string::npos);
    EXPECT_FALSE(parse_inventory(discover::render_yaml(inv), "inventory.yaml").ok());
}

TEST_F(Discover, WithoutATargetVersionTheFileIsRefusedUntilItIsFilled) {
    options.target_version.clear();
    auto inv = run();
    EXPECT_EQ(inv.target_version.origin, Origin::placeholder);
    auto parsed = parse_inventory(discover::render_yaml(inv), "inventory.yaml");
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().message.find("targetVersion '<FILL IN: targetVersion>' is not a RocketMQ version"),
              std::string::npos)
        << parsed.error().message;
}

TEST_F(Discover, ProcessesOfOneHostRunningFromTwoHomesLeaveAPlaceholderNamingThem) {
    fleet.hosts["10.0.0.2"].listeners["10.0.0.2:10921"].home = "/opt/rocketmq-4.9.7";
    auto inv = run();
    const auto& h = inv.hosts[1];
    ASSERT_EQ(h.name, "10.0.0.2");
    EXPECT_EQ(h.current_home.origin, Origin::placeholder);
    EXPECT_NE(h.current_home.note.find("/opt/rocketmq-4.8.0 (broker broker-a@0)"), std::string::npos)
        << h.current_home.note;
    EXPECT_NE(h.current_home.note.find("/opt/rocketmq-4.9.7 (broker broker-b@1)"), std::string::npos);
}

TEST_F(Discover, JavaHomeComesFromTheProcessEnvironmentWhenArgv0IsNotAJvm) {
    auto& m = fleet.hosts["10.0.0.2"];
    for (auto& [address, p] : m.listeners) {
        p.args = "/usr/bin/rmq-sim broker -c " + p.config_path;
        m.files["/proc/" + std::to_string(p.pid) + "/environ"] =
            "PATH=/usr/bin\0JAVA_HOME=/opt/jdk8\0ROCKETMQ_HOME=/x\0"s;
    }
    auto inv = run();
    EXPECT_EQ(inv.hosts[1].java_home.value, "/opt/jdk8");
    EXPECT_EQ(inv.hosts[1].java_home.origin, Origin::discovered);
    EXPECT_NE(inv.hosts[1].java_home.note.find("JAVA_HOME of pid"), std::string::npos);
}

TEST_F(Discover, SecretsAreWrittenAsReferencesOnly) {
    options.acl = discover::AclReferences{"rocketmq2", "file:/etc/rmq-upgrade/secret-key"};
    const std::string yaml = discover::render_yaml(run());
    EXPECT_NE(yaml.find("secretKey: \"file:/etc/rmq-upgrade/secret-key\""), std::string::npos) << yaml;
    auto parsed = parse_inventory(yaml, "inventory.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->acl.access_key, "rocketmq2");
    EXPECT_EQ(parsed->acl.secret_key_ref, "file:/etc/rmq-upgrade/secret-key");
}

TEST_F(Discover, NothingListeningOnABrokersPortIsAPlaceholderNamingTheAddress) {
    fleet.hosts["10.0.0.3"].listeners.erase("10.0.0.3:10921");
    auto inv = run();
    const auto& a1 = member(inv, "broker-a", 1);
    EXPECT_EQ(a1.config.origin, Origin::placeholder);
    EXPECT_EQ(a1.config.note, "nothing listens on 10.0.0.3:10921 on host 10.0.0.3");
}

TEST_F(Discover, NoNameServerAnsweringIsUnreachable) {
    admin.down_nameservers = {"10.0.0.1:9876"};
    auto inv = discover::discover(admin, admin, fleet.factory(), options);
    ASSERT_FALSE(inv.ok());
    EXPECT_EQ(inv.error().kind, ErrorKind::unreachable);
    EXPECT_NE(inv.error().describe().find("10.0.0.1:9876"), std::string::npos) << inv.error().describe();
}

TEST_F(Discover, SeveralClustersNeedAChoice) {
    FakeBroker other;
    other.cluster = "OtherCluster";
    other.name = "broker-x";
    other.address = "10.0.0.9:10911";
    admin.add(other);
    auto inv = discover::discover(admin, admin, fleet.factory(), options);
    ASSERT_FALSE(inv.ok());
    EXPECT_EQ(inv.error().kind, ErrorKind::invalid_input);
    EXPECT_NE(inv.error().describe().find("OtherCluster, ProdCluster"), std::string::npos) << inv.error().describe();
    options.cluster = "ProdCluster";
    auto chosen = run();
    EXPECT_EQ(chosen.groups.size(), 2u);
}

}  // namespace
