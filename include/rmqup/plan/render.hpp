// What the operator reviews: the plan as text, Markdown or JSON, and for each node the ordered
// steps the engine performs (admin calls, rendered commands, waits, timeouts, affected topics).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "rmqup/core/phase.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup {

enum class PlanFormat { text, json, markdown };

// One engine step of one node.
struct StepView {
    Phase phase = Phase::pending;
    std::string title;                    // "set read-only"
    std::vector<std::string> admin_calls; // "UPDATE_BROKER_CONFIG brokerPermission=4 -> 127.0.0.1:10911"
    std::vector<std::string> commands;    // shell commands on the node's host (secrets masked)
    std::string wait;                     // condition waited for ("" = none)
    std::chrono::milliseconds timeout{0}; // 0 = no wait
    std::chrono::milliseconds expected{0};
    std::vector<std::string> topics_losing_writable;  // while this step runs
};

// The ordered steps for node (phases of rmqup/core/phase.hpp; skipped nodes have none).
std::vector<StepView> steps_for(const PlanNode& node, const Plan& plan);

// Sum of the expected durations of node's steps.
std::chrono::milliseconds expected_duration(const PlanNode& node, const Plan& plan);

// The whole plan for review; json is plan_to_json.
std::string render_plan(const Plan& plan, PlanFormat format);

}  // namespace rmqup
