// The roll order: NameServers first (or last), the canary group alone first, then broker groups in
// topic-aware waves of up to policy.parallel groups (rmqup/plan/waves.hpp); inside a group slaves
// before the master (unless slavesFirst is false).
#pragma once

#include <vector>

#include "rmqup/plan/plan.hpp"
#include "rmqup/plan/waves.hpp"

namespace rmqup::plan_detail {

struct Ordering {
    std::vector<PlanNode> nodes;                     // execution order (skipped nodes included)
    std::vector<std::vector<std::string>> batches;   // waves: node ids run together; skipped nodes left out
    std::vector<std::string> batch_proofs;           // one line per wave
    int unproven_waves = 0;                          // several masters together without live routes
};

// nodes: build_nodes() output (any order); group_order: brokerNames in inventory order; topics:
// the live placement (writable_groups index group_order), empty when routes are unknown (offline).
Ordering order_nodes(std::vector<PlanNode> nodes, const std::vector<std::string>& group_order, const Policy& policy,
                     TopicRoutes routes, std::vector<WaveTopic> topics);

}  // namespace rmqup::plan_detail
