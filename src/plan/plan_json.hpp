// Plan <-> nlohmann::json, field by field (camelCase keys, durations in ms). Internal to src/plan.
#pragma once

#include <nlohmann/json.hpp>

#include "rmqup/core/result.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup::plan_detail {

nlohmann::json plan_to_tree(const Plan& plan);
// Reads a tree produced by plan_to_tree; missing or mistyped fields are invalid_input.
Result<Plan> plan_from_tree(const nlohmann::json& tree);

const char* severity_name(Severity s);
const char* failure_policy_name(FailurePolicy p);
const char* kill_policy_name(KillPolicy p);

}  // namespace rmqup::plan_detail
