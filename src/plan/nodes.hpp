// Inventory -> plan nodes and host access, with every start command and process match rendered.
#pragma once

#include <vector>

#include "rmqup/inventory/inventory.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup::plan_detail {

// One node per NameServer and per broker, in inventory order (NameServers first).
std::vector<PlanNode> build_nodes(const Inventory& inv);

std::string nameserver_node_id(const std::string& address);
std::string broker_node_id(const std::string& broker_name, std::int64_t broker_id);

}  // namespace rmqup::plan_detail
