// Where a node caught mid-flow continues: the journal says which step it was in; the live state
// (process running? which version?) says whether that step happened. Every step is idempotent,
// so re-entering a little early is safe; re-entering late (skipping a stop or start) is not.
#include "steps.hpp"

namespace rmqup::engine::detail {

Result<Phase> resume_entry(Context& ctx, NodeRun& n, Phase journaled) {
    const auto& node = *n.node;
    const auto& pol = ctx.plan().policy;
    if (journaled <= Phase::drain)
        return Phase::set_read_only;  // perm 4 again is harmless; the drain restarts its clock
    if (journaled >= Phase::set_read_write && journaled <= Phase::verify)
        return Phase::set_read_write;

    // stop .. await_registration: did the old process stop? did the new one start?
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("resume " + node_label(node));
    auto pids = (*ops)->find_pids(node.target);
    if (!pids.ok())
        return std::move(pids).error().with("resume " + node_label(node));
    if (pids->empty()) {
        if (journaled == Phase::stop)
            return Phase::stop;  // stop of nothing succeeds at once; the abort marker is checked
        return Phase::restore_config;  // rewriting the config from the pristine copy is harmless
    }
    if (node.kind == NodeKind::nameserver) {
        // Same command line for both versions: after `start` was journaled, what runs is ours.
        return journaled >= Phase::start ? Phase::await_registration : Phase::stop;
    }
    const std::string running = probe_version(ctx, n, pol.timeouts.start);
    if (running == version_desc(node.target_version)) {
        ctx.say(Level::info, &n, node_label(node) + " already runs " + running + ": not restarting it");
        return Phase::await_registration;
    }
    if (running == version_desc(node.current_version)) {
        // The old process never stopped (or was restarted by someone): drain it again first.
        return is_master(node) ? Phase::set_read_only : Phase::stop;
    }
    return make_error(ErrorKind::conflict, node_label(node) + " runs a process whose version could not be read (" +
                                               (running.empty() ? std::string("no answer") : running) +
                                               "); check it before resuming");
}

}  // namespace rmqup::engine::detail
