// Where a node caught mid-flow continues: the journal says which step it was in; the live state
// (which process listens on the address, from which home) says whether that step happened. Every
// step is idempotent, so re-entering a little early is safe; re-entering late (skipping a stop or
// start) is not.
#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {

// With one home for both versions the home cannot tell them apart: ask the broker its version.
Result<Phase> entry_by_version(Context& ctx, NodeRun& n, Phase journaled) {
    const auto& node = *n.node;
    if (node.kind == NodeKind::nameserver)
        return journaled == Phase::stop || journaled == Phase::restore_config ? Phase::stop : Phase::await_registration;
    const std::string running = probe_version(ctx, n, ctx.plan().policy.timeouts.start);
    if (running == version_desc(node.target_version)) {
        ctx.say(Level::info, &n, node_label(node) + " already runs " + running + ": not restarting it");
        return Phase::await_registration;
    }
    if (running == version_desc(node.current_version))
        return is_master(node) ? Phase::set_read_only : Phase::stop;
    return make_error(ErrorKind::conflict, node_label(node) + " runs a process whose version could not be read (" +
                                               (running.empty() ? std::string("no answer") : running) +
                                               "); check it before resuming");
}

}  // namespace

Result<Phase> resume_entry(Context& ctx, NodeRun& n, Phase journaled) {
    const auto& node = *n.node;
    if (!old_process_may_be_stopped(journaled))
        return Phase::set_read_only;  // perm 4 again is harmless; the drain restarts its clock
    if (target_may_be_serving(journaled))
        return Phase::set_read_write;

    // stop .. await_registration: did the old process stop? did the new one start?
    auto listening = identify(ctx, node, node.target);
    if (!listening.ok())
        return std::move(listening).error().with("resume " + node_label(node));
    if (!*listening) {
        if (journaled == Phase::stop)
            return Phase::stop;  // stop of nothing succeeds at once; the abort marker is checked
        return Phase::restore_config;  // rewriting the config from the pristine copy is harmless
    }
    if (node.current.home == node.target.home)
        return entry_by_version(ctx, n, journaled);
    if ((*listening)->home_matches) {
        ctx.say(Level::info, &n, node_label(node) + " already runs from the target home " + node.target.home +
                                     " (pid " + std::to_string((*listening)->pid) + "): not restarting it");
        return Phase::await_registration;
    }
    auto old = identify(ctx, node, node.current);
    if (!old.ok())
        return std::move(old).error().with("resume " + node_label(node));
    if (*old && (*old)->home_matches) {
        // The old process never stopped (or was restarted by someone): drain it again first.
        return is_master(node) ? Phase::set_read_only : Phase::stop;
    }
    return wrong_home_error(node, node.target, **listening);
}

}  // namespace rmqup::engine::detail
