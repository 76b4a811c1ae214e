// The per-phase dispatch and each node kind's sequence of phases.
#include "steps.hpp"

namespace rmqup::engine::detail {

std::vector<Phase> flow_for(const PlanNode& n) {
    if (n.kind == NodeKind::nameserver) {
        std::vector<Phase> f{Phase::stop};
        if (!n.target.config_path.empty() && !n.pristine_config_backup.empty())
            f.push_back(Phase::restore_config);
        f.push_back(Phase::start);
        f.push_back(Phase::await_registration);
        return f;
    }
    if (is_master(n))
        return {Phase::set_read_only, Phase::confirm_read_only, Phase::drain,  Phase::stop,
                Phase::restore_config, Phase::start,            Phase::await_registration,
                Phase::set_read_write, Phase::confirm_read_write, Phase::verify};
    return {Phase::stop, Phase::restore_config, Phase::start, Phase::await_registration, Phase::verify};
}

int flow_rank(Phase p) {
    static const std::vector<Phase> k_full = {Phase::set_read_only,  Phase::confirm_read_only, Phase::drain,
                                              Phase::stop,           Phase::restore_config,    Phase::start,
                                              Phase::await_registration, Phase::set_read_write,
                                              Phase::confirm_read_write, Phase::verify};
    for (size_t i = 0; i < k_full.size(); ++i)
        if (k_full[i] == p)
            return static_cast<int>(i);
    return -1;
}

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
