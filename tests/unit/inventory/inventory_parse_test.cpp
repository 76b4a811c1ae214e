// Literal inventory text in, every field asserted.
#include <gtest/gtest.h>

#include <algorithm>


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
    EXPECT_EQ(p.parallel, 2);                   // batchSize is the deprecated alias of parallel
    EXPECT_EQ(p.canary_group, "b");
    EXPECT_EQ(p.pause_after_canary, 2min);
    EXPECT_TRUE(p.approve_after_canary);        // a duration: observe, then stop for approval
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

// k_minimal without its policy, and a policy of the test's own; `policy:` is on line policy_line().
std::string with_policy(const std::string& body) {
    std::string text = k_minimal;
    return text.substr(0, text.find("policy:\n")) + "policy:\n" + body;
}
int policy_line() {
    std::string text = k_minimal;
    text = text.substr(0, text.find("policy:\n"));
    return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
}
std::string at(int line_after_policy, int column) {
    return "w.yaml:" + std::to_string(policy_line() + line_after_policy) + ":" + std::to_string(column) + ": ";
}

TEST(InventoryParse, WaveKeys) {
    auto r = parse_inventory(with_policy("  parallel: 4\n  maxPerHost: 2\n  pauseAfter: [5, 2, 2]\n  canary: b\n"
                                         "  pauseAfterCanary: true\n  healthGate: {minPutTpsRatio: 0.25}\n"),
                             "w.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& p = r->policy;
    EXPECT_EQ(p.parallel, 4);
    EXPECT_EQ(p.max_per_host, 2);
    EXPECT_EQ(p.pause_after_waves, (std::vector<int>{2, 5}));
    EXPECT_FALSE(p.pause_after_every_wave);
    EXPECT_TRUE(p.approve_after_canary);
    EXPECT_EQ(p.pause_after_canary, 0ms);  // true: stop for approval at once
    EXPECT_DOUBLE_EQ(p.health_gate.min_put_tps_ratio, 0.25);
    EXPECT_TRUE(r->warnings.empty());

    auto every = parse_inventory(with_policy("  pauseAfter: every\n  canary: b\n  pauseAfterCanary: false\n"), "w.yaml");
    ASSERT_TRUE(every.ok()) << every.error().message;
    EXPECT_TRUE(every->policy.pause_after_every_wave);
    EXPECT_FALSE(every->policy.approve_after_canary);
    EXPECT_EQ(every->policy.parallel, 1);
    EXPECT_EQ(every->policy.max_per_host, 1);
    EXPECT_DOUBLE_EQ(every->policy.health_gate.min_put_tps_ratio, 0.5);
}

TEST(InventoryParse, BatchSizeIsADeprecatedAliasWithAWarning) {
    auto r = parse_inventory(with_policy("  batchSize: 3\n"), "w.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->policy.parallel, 3);
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_EQ(r->warnings[0], at(1, 14) + "'batchSize' is deprecated; it is read as 'parallel' (broker groups restarted "
                                          "together in one wave): write parallel: 3");
}

TEST(InventoryParse, WaveKeysRefusedWithTheirLocation) {
    const std::pair<const char*, std::string> cases[] = {
        {"  parallel: 0\n", at(1, 13) + "'parallel' must be an integer between 1 and 1000, got '0'; allowed: 1..1000"},
        {"  maxPerHost: two\n", at(1, 15) + "'maxPerHost' must be an integer between 1 and 1000, got 'two'; allowed: 1..1000"},
        {"  parallel: 2\n  batchSize: 2\n",
         at(2, 14) + "both 'batchSize' and 'parallel' are set; allowed: parallel only (batchSize is its deprecated alias)"},
        {"  pauseAfter: sometimes\n",
         at(1, 15) + "invalid value for 'pauseAfter': 'sometimes'; allowed: a list of wave numbers from 1 (as the plan "
                     "prints them), e.g. [2, 5], or every"},
        {"  pauseAfter: [2, 0]\n",
         at(1, 19) + "'pauseAfter' holds '0', not a wave number; allowed: a list of wave numbers from 1 (as the plan "
                     "prints them), e.g. [2, 5], or every"},
        {"  pauseAfterCanary: true\n",
         at(1, 21) + "'pauseAfterCanary' without 'canary': there is no canary group to stop after; allowed: set canary "
                     "(the group rolled first, alone), or use pauseAfter with wave numbers"},
        {"  canary: b\n  pauseAfterCanary: soon\n",
         at(2, 21) + "'pauseAfterCanary' must be true, false or a duration, got 'soon'; allowed: true (stop for approval "
                     "after the canary), a duration such as 10m (observe that long, then stop for approval), false"},
        {"  healthGate: {minPutTpsRatio: 1.5}\n",
         at(1, 32) + "'minPutTpsRatio' must be between 0 and 1, got '1.5'; allowed: a fraction of the pre-roll put TPS, "
                     "e.g. 0.5 (0 disables the TPS part)"},
        {"  healthGate: {minTps: 1}\n",
         at(1, 16) + "unknown key 'minTps' in policy.healthGate; allowed: minPutTpsRatio"},
    };
    for (const auto& [body, want] : cases) {
        auto r = parse_inventory(with_policy(body), "w.yaml");
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_NE(r.error().message.find(want), std::string::npos) << "want: " << want << "\nactual: " << r.error().message;
    }
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
    for (const char* name : {"two-masters.yaml", "two-masters-sync-slaves.yaml", "shared-host.json", "upgrade-4.9-to-5.3.yaml",
                             "parallel-waves.yaml"}) {
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
