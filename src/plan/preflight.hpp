// Preflight: what the cluster and the hosts report, turned into findings and node facts.
// Internal to the planner; each concern lives in its own preflight_*.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rmqup/admin/admin_api.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/plan/plan.hpp"
#include "rmqup/plan/planner.hpp"

namespace rmqup::plan_detail {

class Findings {
public:
    explicit Findings(std::vector<CheckFinding>& out) : m_out(out) {}
    void add(const char* id, Severity severity, std::string subject, std::string message) {
        m_out.push_back(CheckFinding{id, severity, std::move(subject), std::move(message), false});
    }

private:
    std::vector<CheckFinding>& m_out;
};

// One topic on one broker group, as its master reports it.
struct TopicPlacement {
    std::uint32_t group = 0;  // index into PreflightView::groups
    int read_queues = 0;
    int write_queues = 0;
    int perm = 0;
    bool order = false;
};

// The cluster as the planner's checks see it: the inventory's groups with what their masters
// report (not net::ClusterView, the clusterList of `rmq-upgrade cluster`).
struct PreflightView {
    std::vector<std::string> groups;                       // brokerNames in inventory order
    std::unordered_map<std::string, std::uint32_t> group_index;
    std::vector<std::string> master_address;               // per group ("" when unknown)
    std::unordered_map<std::string, rmq::RuntimeInfo> runtime;  // broker address -> runtime info
    std::unordered_map<std::string, int> broker_perm;      // broker address -> brokerPermission
    std::unordered_map<std::string, std::vector<TopicPlacement>> topics;  // topic -> placements
    std::optional<RmqVersion> lowest_version;              // lowest observed broker version
    std::unordered_map<std::string, rmq::Properties> broker_config;  // broker address -> GET_BROKER_CONFIG
    std::unordered_set<std::string> topics_read;           // masters whose GET_ALL_TOPIC_CONFIG answered
    bool live = false;                                     // discovery ran (not --offline)
};

// A key of a broker's live configuration (GET_BROKER_CONFIG); nothing when unread or absent.
std::optional<std::string> live_config(const PreflightView& view, const std::string& address, std::string_view key);

// True when the broker's live configuration sets key to "true".
bool live_flag(const PreflightView& view, const std::string& address, std::string_view key);

// True when err is a broker's ACL refusing the request (also a send or pull refused by it).
bool is_acl_refusal(const Error& err);

PreflightView make_view(const Inventory& inv);

// NameServer reconciliation, broker runtime/perm, versions (skips nodes already at target).
void check_cluster(const Inventory& inv, NameServerAdmin& nameservers, BrokerAdmin& brokers, const PlanRequest& req,
                   PreflightView& view, std::vector<PlanNode>& nodes, Findings& findings);

// Reads every master's topic config into view.topics (one request per master).
void load_topics(BrokerAdmin& admin, PreflightView& view, Findings& findings);

// single-group-topic, orderly-topic, single-queue-topic, consumer-lag.
void check_topics(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view, const PlanRequest& req,
                  Findings& findings);

// Fills topics_losing_writable of master nodes from the batches (topics whose every writable
// group is restarted within one batch).
void mark_topics_losing_writable(const PreflightView& view, const Inventory& inv,
                                 const std::vector<std::vector<std::string>>& batches,
                                 std::vector<PlanNode>& nodes);

// broker-mode (DLedger, controller, TLS), role-mismatch (live brokerRole/brokerId) and acl-account
// (admin rights where ACL is on): what the engine's steps assume about each broker.
void check_broker_modes(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view,
                        const std::vector<PlanNode>& nodes, Findings& findings);

// probe-topic: the verify step's probe topic exists with a writable and readable queue 0 on every
// master it will probe, and (ACL on) the account may send and pull it: one probe round trip.
// created_at tags the probe messages.
void check_probe_topic(const Inventory& inv, MessageProbe& probe, const PreflightView& view,
                       const std::vector<PlanNode>& nodes, const std::string& created_at, Findings& findings);

// 5x-replicas, live: a 4.x SYNC_MASTER group going to 5.x gets totalReplicas (master + its live
// slaves) and inSyncReplicas 2 as overrides on its members' nodes, derived from GET_BROKER_CONFIG of
// the master and its slaves; a blocking finding when they cannot be derived.
void settle_5x_replicas(const Inventory& inv, const PreflightView& view, std::vector<PlanNode>& nodes, Findings& findings);

// acl-v2: ACL 1.0 going to a release that no longer reads aclEnable (5.3.3+) gets the ACL 2.0
// settings as overrides, or blocks. acl-clients: where the restart switches aclEnable on, the
// client census against the plain_acl.yml that will be live (docs/plan.md).
void check_acl_transitions(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view, const PlanRequest& req,
                           std::vector<PlanNode>& nodes, Findings& findings);

// Checks that need only the inventory: target older than current (offline), 5.x replica settings
// (offline; live plans settle them in settle_5x_replicas).
void check_inventory(const Inventory& inv, const PreflightView& view, Findings& findings);

// Host checks through HostProbe: reachable, every node identified, Java, homes, log folders, free
// disk, snapshots, ACL files. A broker found running with --enable-proxy keeps it: the default
// start commands of its node get " --enable-proxy" (a custom brokerStart without it is an error).
void check_hosts(const Inventory& inv, std::vector<PlanNode>& nodes, const HostProbeProvider& provider,
                 const PlanRequest& req, Findings& findings);

// RocketMQ's own topics (TBW102, RMQ_SYS_*, %RETRY%/%DLQ%, <cluster>_REPLY_TOPIC, the cluster and
// broker names, ...; docs/plan.md lists them with their source) and the plan's probe topic: never
// the subject of availability warnings.
bool is_system_topic(const std::string& topic, const PreflightView& view, const Inventory& inv);

// "a, b, c (+N more)".
std::string list_some(const std::vector<std::string>& items, std::size_t limit);

}  // namespace rmqup::plan_detail
