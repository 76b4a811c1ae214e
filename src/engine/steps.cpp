// The per-phase dispatch: what each phase of a node's flow does (the flows: phase_tables.cpp).
#include "steps.hpp"

namespace rmqup::engine::detail {

Status run_step(Context& ctx, NodeRun& n, Phase p) {
    const auto& node = *n.node;
    switch (p) {
    case Phase::set_read_only:
        // Nothing changes before the process on the address is known to be the inventory's.
        RMQUP_TRY(identify_step(ctx, n));
        // The pristine copy is taken before the first UPDATE_BROKER_CONFIG: the broker rewrites
        // its whole config file on that call (operations fact 11).
        RMQUP_TRY(backup_step(ctx, n));
        return set_perm(ctx, n, k_perm_read_only, node.current_version);
    case Phase::confirm_read_only: return confirm_perm(ctx, n, k_perm_read_only);
    case Phase::drain: return drain_step(ctx, n);
    case Phase::stop:
        if (!is_master(node))
            RMQUP_TRY(identify_step(ctx, n));  // a master was identified before its perm change
        RMQUP_TRY(backup_step(ctx, n));
        return stop_step(ctx, n);
    case Phase::restore_config:
        RMQUP_TRY(carry_acl_file_step(ctx, n));
        return restore_config_step(ctx, n, node.config_overrides);
    case Phase::start: return start_step(ctx, n, node.target);
    case Phase::await_registration: return await_registration_step(ctx, n, node.target_version);
    case Phase::set_read_write: return set_perm(ctx, n, k_perm_read_write, node.target_version);
    case Phase::confirm_read_write:
        RMQUP_TRY(confirm_perm(ctx, n, k_perm_read_write));
        return rewrite_config_step(ctx, n, node.config_overrides);
    case Phase::verify: return verify_step(ctx, n);
    case Phase::pending:
    case Phase::skipped:
    case Phase::done:
    case Phase::rolling_back:
    case Phase::rolled_back:
    case Phase::paused:
    case Phase::failed: return ok_status();
    }
    return ok_status();
}

}  // namespace rmqup::engine::detail
