// Internal: the gates the engine passes between waves (docs/engine.md "Gates").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "steps.hpp"

namespace rmqup::engine::detail {

// Sum of every master's put TPS (10 s window, runtime info); nullopt when no master answers.
std::optional<double> cluster_put_tps(Context& ctx);

// Before wave `wave`: every broker done so far answers at its target version, is registered on every
// NameServer and (masters) has brokerPermission 6; and, when policy.health_gate.min_put_tps_ratio > 0
// and baseline > 0, the cluster's put TPS is at least ratio x baseline. Polled until
// policy.timeouts.verify; then RunStatus::paused with the figures (a failure line). completed when met.
Result<RunStatus> health_gate(Context& ctx, NodeRun& anchor, std::optional<double> baseline, int wave);

// An approval gate: completed when `gate` ("canary", "wave 3") is in approved; otherwise journals
// awaiting_approval and returns RunStatus::awaiting_approval.
Result<RunStatus> approval_gate(Context& ctx, const std::string& gate, const std::vector<std::string>& approved,
                                const std::string& what_to_check);

}  // namespace rmqup::engine::detail
