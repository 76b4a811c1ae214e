// The roll order: NameServers first (or last), the canary group alone first, then broker groups
// batch_size at a time; inside a group slaves before the master (unless slavesFirst is false).
#pragma once

#include <vector>

#include "rmqup/plan/plan.hpp"

namespace rmqup::plan_detail {

struct Ordering {
    std::vector<PlanNode> nodes;                     // execution order (skipped nodes included)
    std::vector<std::vector<std::string>> batches;   // node ids run together; skipped nodes left out
};

// nodes: build_nodes() output (any order); group_order: brokerNames in inventory order.
Ordering order_nodes(std::vector<PlanNode> nodes, const std::vector<std::string>& group_order, const Policy& policy);

}  // namespace rmqup::plan_detail
