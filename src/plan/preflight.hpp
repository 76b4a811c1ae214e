// Preflight: what the cluster and the hosts report, turned into findings and node facts.
// Internal to the planner; each concern lives in its own preflight_*.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
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
    std::uint32_t group = 0;  // index into ClusterView::groups
    int read_queues = 0;
    int write_queues = 0;
    int perm = 0;
    bool order = false;
};

struct ClusterView {
    std::vector<std::string> groups;                       // brokerNames in inventory order
    std::unordered_map<std::string, std::uint32_t> group_index;
    std::vector<std::string> master_address;               // per group ("" when unknown)
    std::unordered_map<std::string, rmq::RuntimeInfo> runtime;  // broker address -> runtime info
    std::unordered_map<std::string, int> broker_perm;      // broker address -> brokerPermission
    std::unordered_map<std::string, std::vector<TopicPlacement>> topics;  // topic -> placements
    std::optional<RmqVersion> lowest_version;              // lowest observed broker version
};

ClusterView make_view(const Inventory& inv);

// NameServer reconciliation, broker runtime/perm, versions (skips nodes already at target).
void check_cluster(const Inventory& inv, AdminApi& admin, const PlanRequest& req, ClusterView& view,
                   std::vector<PlanNode>& nodes, Findings& findings);

// Reads every master's topic config into view.topics (one request per master).
void load_topics(AdminApi& admin, ClusterView& view, Findings& findings);

// single-group-topic, orderly-topic, single-queue-topic, consumer-lag.
void check_topics(const Inventory& inv, AdminApi& admin, const ClusterView& view, const PlanRequest& req,
                  Findings& findings);

// Fills topics_losing_writable of master nodes from the batches (topics whose every writable
// group is restarted within one batch).
void mark_topics_losing_writable(const ClusterView& view, const std::string& cluster,
                                 const std::vector<std::vector<std::string>>& batches,
                                 std::vector<PlanNode>& nodes);

// Checks that need only the inventory: target older than current (offline), 5.x replica settings.
void check_inventory(const Inventory& inv, const ClusterView& view, Findings& findings);

// reachable, java version, target home, free disk, through HostOps.
void check_hosts(const Inventory& inv, const std::vector<PlanNode>& nodes, const HostOpsProvider& provider,
                 const PlanRequest& req, Findings& findings);

// RocketMQ's own topics (TBW102, RMQ_SYS_*, %RETRY%/%DLQ%, the cluster and broker names, ...).
bool is_system_topic(const std::string& topic, const ClusterView& view, const std::string& cluster);

// "a, b, c (+N more)".
std::string list_some(const std::vector<std::string>& items, std::size_t limit);

}  // namespace rmqup::plan_detail
