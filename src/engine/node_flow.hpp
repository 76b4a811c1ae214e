// Internal: drives one node through its phases and applies the failure policy.
#pragma once

#include "steps.hpp"

namespace rmqup::engine::detail {

// Runs n from entry (a phase of flow_for(node)) to done. Returns RunStatus::completed when the
// node is done, another status when the run must stop (policy applied, interrupt handled), an
// error only when the journal cannot be written.
Result<RunStatus> run_node(Context& ctx, NodeRun& n, Phase entry);

// Applies the failure policy to n after err happened in n.phase.
Result<RunStatus> handle_failure(Context& ctx, NodeRun& n, const Error& err);

// Ctrl-C: restores perm 6 if needed and pauses n so that `resume` continues it.
Result<RunStatus> handle_interrupt(Context& ctx, NodeRun& n);

}  // namespace rmqup::engine::detail
