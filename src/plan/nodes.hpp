// Inventory -> plan nodes and host access, with every start command and process match rendered.
#pragma once

#include <vector>

#include "rmqup/inventory/inventory.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup::plan_detail {

// One node per NameServer and per broker, in inventory order (NameServers first).
// The nodes of the roll; run_id names this run's config snapshots ("<config>.rmqup-<run_id>.pristine")
// so that a later roll never restores an earlier roll's copy.
std::vector<PlanNode> build_nodes(const Inventory& inv, const std::string& run_id);

// The run id of a plan created at an ISO-8601 time: "20261201T011234Z" (digits and T/Z only).
std::string run_id_from(const std::string& created_at);

std::string nameserver_node_id(const std::string& address);
std::string broker_node_id(const std::string& broker_name, std::int64_t broker_id);

}  // namespace rmqup::plan_detail
