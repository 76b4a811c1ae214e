// Turns an inventory (plus, when live, what the cluster reports) into a reviewable Plan:
// ordered nodes, batches, and the preflight findings that block or warn.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rmqup/admin/admin_api.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/hostops/host_probe.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup {

// Returns what the host checks read one host through (owned by the provider, valid until
// make_plan returns); the planner never changes a host.
using HostProbeProvider = std::function<Result<HostProbe*>(const HostAccess&)>;

struct PlanRequest {
    std::vector<std::string> accepted_risks;  // finding ids accepted with --accept-risk
    bool offline = false;                     // contact nothing: no discovery, no host checks
    HostProbeProvider host_ops;               // nullptr = skip host checks
    std::string created_at;                   // ISO-8601; empty = now (tests inject a fixed value)
    // Thresholds of the preflight checks.
    double disk_ratio_warn = 0.85;                    // commitLog disk ratio above this warns
    std::int64_t consumer_lag_warn = 10000;           // messages behind on one broker
    std::int64_t slave_lag_warn_bytes = 64LL << 20;   // master/slave commitLogMaxOffset gap
    long long min_free_disk_bytes = 2LL << 30;        // free space on a store's file system
    int max_consume_stats_queries = 2000;             // bound on GET_CONSUME_STATS calls
    std::size_t max_topics_listed = 20;               // topic names quoted in one finding
};

// Builds the plan. admin is nullptr when offline. Fails (invalid_input) only when the inventory
// cannot be turned into nodes; cluster problems become findings, not errors.
Result<Plan> make_plan(const Inventory& inv, AdminApi* admin, const PlanRequest& req);

// True when a finding of severity error, or an unaccepted warning, is present.
bool plan_blocked(const Plan& plan);

// True when a live plan reached none of its NameServers (every one has an ns-unreachable finding):
// `plan` then exits 3 (unreachable) rather than 1 (blocked).
bool plan_unreachable(const Plan& plan);

}  // namespace rmqup
