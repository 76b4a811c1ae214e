// Internal: the action of each phase (no transitions here: node_flow.cpp drives them), the
// safety net that never leaves a running broker read-only, rollback and resume entry points.
#pragma once

#include <string>
#include <vector>

#include "run_context.hpp"

namespace rmqup::engine::detail {

inline constexpr int k_perm_read_only = 4;
inline constexpr int k_perm_read_write = 6;

// The phases a node goes through, in order, ending before `done`.
//   master: set_read_only .. verify;  slave: stop .. await_registration, verify (no perm changes);
//   NameServer: stop, [restore_config], start, await_registration.
std::vector<Phase> flow_for(const PlanNode& n);

// Performs the work of phase p for n.
Status run_step(Context& ctx, NodeRun& n, Phase p);

// UPDATE_BROKER_CONFIG brokerPermission=perm, then waits until every NameServer's route shows
// the broker's queues with (perm 6) or without (perm 4) the write bit.
// The upgrade flow requires every NameServer (fail); safety actions (rollback, restoring perm 6)
// skip NameServers that are unreachable, with a warning naming them.
enum class DownNameServers { fail, skip };
Status set_perm(Context& ctx, NodeRun& n, int perm);
Status confirm_perm(Context& ctx, NodeRun& n, int perm, DownNameServers down = DownNameServers::fail);

// After a failure or interrupt: if n is a running master, restore perm 6 (unless it is mid-stop);
// if that is impossible, say loudly which broker is read-only and why (ctx.read_only_left).
void ensure_not_left_read_only(Context& ctx, NodeRun& n);

// Puts n back on node.current (same store, pristine config), perm 6, verified. Transitions
// rolling_back -> rolled_back, or failed with a message saying what the operator must do.
Status rollback_node(Context& ctx, NodeRun& n, const std::string& reason);

// Where a node caught mid-flow (journal state st) continues, after checking the live state.
Result<Phase> resume_entry(Context& ctx, NodeRun& n, Phase journaled);

// The individual step actions (process_steps.cpp, drain.cpp, registration.cpp, verify.cpp).
Status backup_step(Context& ctx, NodeRun& n);
Status drain_step(Context& ctx, NodeRun& n);
Status stop_step(Context& ctx, NodeRun& n);
Status restore_config_step(Context& ctx, NodeRun& n, rmq::Properties overrides);
Status start_step(Context& ctx, NodeRun& n, const ProcessSpec& spec);
// Waits until n runs `version` and is registered (broker) or lists every broker (NameServer).
Status await_registration_step(Context& ctx, NodeRun& n, const std::string& version);
Status verify_step(Context& ctx, NodeRun& n);
// The start timeout for n (longer after an unclean stop).
Millis start_timeout(const Context& ctx, const NodeRun& n);

// Runtime version of the broker at n (retrying not-ready answers up to timeout); empty if it does
// not answer.
std::string probe_version(Context& ctx, NodeRun& n, Millis timeout);

}  // namespace rmqup::engine::detail
