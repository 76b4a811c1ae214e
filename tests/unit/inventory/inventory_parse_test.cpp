// Literal inventory text in, every field asserted.
#include <gtest/gtest.h>


#include "rmqup/inventory/inventory.hpp"

using namespace rmqup;
using namespace std::chrono_literals;

namespace {

const char* k_minimal = R"(
cluster: C1
targetVersion: V4_9_7
currentVersion: 4.8.0
defaults:
  user: rmq
  port: 2200
  currentHome: /opt/old
  targetHome: /opt/new
  javaHome: /usr/lib/jvm/j8
  passphrase: "${SSH_PASS}"
hosts:
  - name: h1
    address: 127.0.0.1
    port: 22
    sudo: true
    transport: local
nameServers:
  - address: 127.0.0.1:9876
    host: h1
brokerGroups:
  - brokerName: b
    members:
      - brokerId: 0
        role: SYNC_MASTER
        address: 127.0.0.1:10911
        host: h1
        config: /c/b.properties
        storePathRootDir: /s/b
        overrides:
          aclEnable: true
          totalReplicas: 2
acl:
  accessKey: "${AK}"
  secretKey: "file:/etc/sk"
policy:
  nameServerOrder: last
  slavesFirst: false
  batchSize: 2
  canary: b
  pauseAfterCanary: 2m
  drain: {tpsThreshold: 0.5, minWait: 500ms, quietPeriod: 1.5s, timeout: 1h, pollInterval: 250ms, slaveLagBytes: 1024, allowShortDrainForTests: true}
  timeouts: {stop: 10s, start: 20s, registration: 30s, request: 1s, verify: 5s}
  probeTopic: P
  onFailure: abort
  killPolicy: kill-after-term
)";

TEST(InventoryParse, ReadsEveryField) {
    auto r = parse_inventory(k_minimal, "inv.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const Inventory& inv = *r;
    EXPECT_EQ(inv.source, "inv.yaml");
    EXPECT_EQ(inv.cluster, "C1");
    EXPECT_EQ(inv.target_version, "4.9.7");
    EXPECT_EQ(inv.current_version, "4.8.0");
    ASSERT_EQ(inv.hosts.size(), 1u);
    const auto& h = inv.hosts[0].access;
    EXPECT_EQ(h.name, "h1");
    EXPECT_EQ(h.address, "127.0.0.1");
    EXPECT_EQ(h.user, "rmq");            // from defaults
    EXPECT_EQ(h.port, 22);               // host overrides defaults
    EXPECT_TRUE(h.sudo);
    EXPECT_EQ(h.transport, HostAccess::Transport::local);
    EXPECT_EQ(h.passphrase_ref, "${SSH_PASS}");
    EXPECT_EQ(h.java_home, "/usr/lib/jvm/j8");
    EXPECT_EQ(inv.hosts[0].current_home, "/opt/old");
    EXPECT_EQ(inv.hosts[0].target_home, "/opt/new");
    ASSERT_EQ(inv.nameservers.size(), 1u);
    EXPECT_EQ(inv.nameservers[0].address, "127.0.0.1:9876");
    ASSERT_EQ(inv.broker_groups.size(), 1u);
    const auto& b = inv.broker_groups[0].members.at(0);
    EXPECT_EQ(b.broker_name, "b");
    EXPECT_EQ(b.role, BrokerRole::sync_master);
    EXPECT_EQ(b.config, "/c/b.properties");
    EXPECT_EQ(b.store_path, "/s/b");
    EXPECT_EQ(b.overrides, (rmq::Properties{{"aclEnable", "true"}, {"totalReplicas", "2"}}));
    EXPECT_EQ(inv.acl.access_key, "${AK}");
    EXPECT_EQ(inv.acl.secret_key_ref, "file:/etc/sk");
    const auto& p = inv.policy;
    EXPECT_EQ(p.nameserver_order, NameServerOrder::last);
    EXPECT_FALSE(p.slaves_first);
    EXPECT_EQ(p.batch_size, 2);
    EXPECT_EQ(p.canary_group, "b");
    EXPECT_EQ(p.pause_after_canary, 2min);
    EXPECT_DOUBLE_EQ(p.drain.tps_threshold, 0.5);
    EXPECT_EQ(p.drain.min_wait, 500ms);
    EXPECT_EQ(p.drain.quiet_period, 1500ms);
    EXPECT_EQ(p.drain.timeout, 1h);
    EXPECT_EQ(p.drain.poll_interval, 250ms);
    EXPECT_EQ(p.drain.slave_lag_bytes, 1024);
    EXPECT_TRUE(inv.allow_short_drain_for_tests);
    EXPECT_EQ(p.timeouts.stop, 10s);
    EXPECT_EQ(p.timeouts.start, 20s);
    EXPECT_EQ(p.timeouts.registration, 30s);
    EXPECT_EQ(p.timeouts.request, 1s);
    EXPECT_EQ(p.timeouts.verify, 5s);
    EXPECT_EQ(p.probe_topic, "P");
    EXPECT_EQ(p.on_failure, FailurePolicy::abort);
    EXPECT_EQ(p.kill_policy, KillPolicy::kill_after_term);
}

TEST(InventoryParse, PlainTextSecretAllowedOnlyWhenAskedFor) {
    std::string text = k_minimal;
    text.replace(text.find("\"file:/etc/sk\""), 14, "literal-secret");
    EXPECT_FALSE(parse_inventory(text, "a.yaml").ok());
    text = "allowPlaintextSecrets: true\n" + text;
    auto r = parse_inventory(text, "a.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->acl.secret_key_ref, "literal-secret");
}

TEST(InventoryParse, ReportsEveryProblemInOneRun) {
    std::string text = k_minimal;
    text.replace(text.find("port: 2200"), 10, "prot: 2200");
    text.replace(text.find("onFailure: abort"), 16, "onFailure: explode");
    auto r = parse_inventory(text, "a.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("a.yaml:7:3: unknown key 'prot' in defaults (did you mean 'port'?)"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("invalid value for 'onFailure': 'explode'"), std::string::npos) << r.error().message;
}

TEST(InventoryParse, EveryExampleInPlansIsValid) {
    for (const char* name : {"two-masters.yaml", "two-masters-sync-slaves.yaml", "shared-host.json", "upgrade-4.9-to-5.3.yaml"}) {
        auto r = load_inventory(std::string(RMQUP_SOURCE_DIR) + "/plans/" + name);
        EXPECT_TRUE(r.ok()) << name << ": " << r.error().message;
    }
}

TEST(InventoryParse, JsonAndYamlGiveTheSameModel) {
    auto json = load_inventory(std::string(RMQUP_SOURCE_DIR) + "/plans/shared-host.json");
    ASSERT_TRUE(json.ok()) << json.error().message;
    EXPECT_EQ(json->cluster, "SharedCluster");
    ASSERT_EQ(json->broker_groups.size(), 2u);
    EXPECT_EQ(json->broker_groups[1].members[1].host, "mq1");
    EXPECT_EQ(json->broker_groups[1].members[1].broker_id, 1);
    EXPECT_EQ(json->policy.kill_policy, KillPolicy::kill_after_term);
}

TEST(InventoryParse, MissingFileIsAnIoError) {
    auto r = load_inventory("/nonexistent/rmqup/inv.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::io);
}

TEST(InventoryParse, EmptyDocumentIsRejected) {
    auto r = parse_inventory("", "e.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind("e.yaml:1:1: the inventory is empty", 0), 0u);
}

}  // namespace
