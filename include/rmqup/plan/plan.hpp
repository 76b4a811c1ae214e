// The reviewed plan: everything `apply` will do, in order. Produced by the planner from an
// inventory plus discovery; consumed by the engine; saved as JSON with a hash so that what was
// reviewed is what runs. Contains secret REFERENCES ("${ENV}", "file:/path"), never secret values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup {

enum class FailurePolicy {
    rollback,  // put the old version back on the same store and config, perm 6, verify, then stop
    pause,     // stop where we are with a precise message (the broker is restored to perm 6 if running)
    abort,     // stop at once (still never leaving a running broker read-only silently)
};

enum class NameServerOrder { first, last };

struct DrainPolicy {
    std::chrono::milliseconds min_wait{45000};      // >= clients' 30 s route refresh + margin
    std::chrono::milliseconds quiet_period{10000};  // msgPutTotalTodayNow unchanged this long
    std::chrono::milliseconds timeout{300000};
    std::chrono::milliseconds poll_interval{2000};
    double tps_threshold = 1.0;                     // put TPS and consume TPS (10 s window) below this
    std::int64_t slave_lag_bytes = 0;               // master-slave commitLogMaxOffset gap allowed
};

struct Timeouts {
    std::chrono::milliseconds stop{60000};
    std::chrono::milliseconds start{120000};         // until registered on every NameServer at target
    std::chrono::milliseconds registration{90000};   // NameServer lists every expected broker
    std::chrono::milliseconds request{3000};         // one remoting request
    std::chrono::milliseconds verify{60000};
};

// Checked before every new wave of brokers (docs/engine.md "Gates").
struct HealthGate {
    // The cluster's put TPS (sum of every master's 10 s window) must be at least this fraction of the
    // baseline measured before the first change; 0 disables the TPS part. Every node already done must
    // still be registered at the target version with brokerPermission 6 either way.
    double min_put_tps_ratio = 0.5;
};

struct Policy {
    NameServerOrder nameserver_order = NameServerOrder::first;
    bool slaves_first = true;
    int batch_size = 1;                               // deprecated: inventory `batchSize`, see parallel
    // Broker groups restarted at the same time in one wave (Plan::batches); 1 = one node at a time.
    // The planner proves each wave against the live topic routes (docs/plan.md "Waves").
    int parallel = 1;
    int max_per_host = 1;                             // nodes of one host restarting in the same wave
    std::optional<std::string> canary_group;          // brokerName rolled first, then pause
    // Observation window after the canary group (the cluster's TPS is sampled), before its gate.
    std::chrono::milliseconds pause_after_canary{0};
    // Approval gates: the run stops (journal `awaiting_approval`, exit code 4) until
    // `rmq-upgrade resume --approve`. Waves are numbered from 1 in Plan::batches order.
    bool approve_after_canary = false;                // inventory `pauseAfterCanary`
    std::vector<int> pause_after_waves;               // inventory `pauseAfter: [2, 5]`
    bool pause_after_every_wave = false;              // inventory `pauseAfter: every`
    HealthGate health_gate;
    DrainPolicy drain;
    Timeouts timeouts;
    std::optional<std::string> probe_topic;           // verification message topic
    FailurePolicy on_failure = FailurePolicy::rollback;
    KillPolicy kill_policy = KillPolicy::term_only;
    // With aclEnable=true, carry the current home's conf/plain_acl.yml into the target home at
    // restart (the shipped sample is backed up first); false keeps the target home's file.
    bool carry_acl_file = true;
};

// How to reach a host. Secrets are references resolved at connect time.
struct HostAccess {
    std::string name;            // inventory host name
    std::string address;         // loopback/IP/DNS to connect to
    enum class Transport { ssh, local } transport = Transport::ssh;
    std::string user;
    int port = 22;
    std::string identity_file;
    std::string passphrase_ref;  // "${ENV}" / "file:/path" / "" (never the value)
    std::string known_hosts;
    bool accept_new_host_keys = false;
    bool sudo = false;
    std::string java_home;
};

enum class NodeKind { nameserver, broker };

// One process the roll restarts.
struct PlanNode {
    NodeKind kind = NodeKind::broker;
    std::string id;               // stable id: "ns:127.0.0.2:9876" or "broker:broker-a:0"
    std::string cluster;
    std::string broker_name;      // brokers only
    std::int64_t broker_id = 0;   // brokers only; 0 = master
    std::string address;          // "ip:port" (remoting)
    std::string host;             // HostAccess::name
    std::string current_version;  // "4.8.0" (observed, or from inventory offline)
    std::string target_version;   // "4.9.7"
    std::string current_home;     // RocketMQ home of the running version (rollback target)
    std::string target_home;
    ProcessSpec current;          // how the old version is matched and started (rollback)
    ProcessSpec target;           // how the new version is matched and started
    std::string pristine_config_backup;  // where the pristine broker.properties copy is kept
    rmq::Properties config_overrides;    // applied on top of the pristine config at restart
    std::vector<std::string> topics_losing_writable;  // topics with no other writable group meanwhile
    bool skip = false;            // already at target (a half-done roll planned again)
    std::string skip_reason;
};

// A reviewable finding of the preflight checks.
enum class Severity { info, warning, error };
struct CheckFinding {
    std::string id;         // e.g. "single-group-topic"
    Severity severity = Severity::info;
    std::string subject;    // broker/topic/host concerned
    std::string message;
    bool accepted = false;  // a warning accepted with --accept-risk ID
};

struct Plan {
    int format_version = 1;
    std::string cluster;
    std::vector<std::string> nameservers;  // "ip:port" as clients use them
    std::string target_version;
    Policy policy;
    std::vector<HostAccess> hosts;
    std::vector<PlanNode> nodes;           // in execution order
    // Waves in order: the node ids of one wave restart concurrently when policy.parallel > 1, one
    // after another otherwise. Nodes not in any wave (skipped) are never touched.
    std::vector<std::vector<std::string>> batches;
    // One line per wave (same index as batches) saying why the wave is safe, e.g. "every topic keeps
    // >= 1 writable group; tightest: TopicX keeps 1 of 3"; may be empty for a single-node wave.
    std::vector<std::string> batch_proofs;
    std::vector<CheckFinding> findings;
    std::string acl_access_key_ref;        // reference only
    std::string acl_secret_key_ref;        // reference only
    std::string created_at;                // ISO-8601
    std::string run_id;                    // names this run's config snapshots (from created_at)
    std::string inventory_path;
};

}  // namespace rmqup
