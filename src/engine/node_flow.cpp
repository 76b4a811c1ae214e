#include "node_flow.hpp"

namespace rmqup::engine::detail {

Result<RunStatus> handle_interrupt(Context& ctx, NodeRun& n) {
    n.failed_at = n.phase;
    ensure_not_left_read_only(ctx, n);
    const std::string msg = "interrupted during " + std::string(phase_name(n.failed_at)) +
                            "; run `rmq-upgrade resume` with the same --journal to continue";
    n.message = msg;
    RMQUP_TRY(ctx.transition(n, Phase::paused, msg));
    return RunStatus::interrupted;
}

Result<RunStatus> handle_failure(Context& ctx, NodeRun& n, const Error& err) {
    n.failed_at = n.phase;
    const std::string msg = node_label(*n.node) + " failed in " + phase_name(n.failed_at) + ": " + err.describe();
    ctx.add_failure(msg);
    n.message = msg;
    ctx.say(Level::error, &n, msg);
    switch (ctx.plan().policy.on_failure) {
    case FailurePolicy::rollback:
        RMQUP_TRY(rollback_node(ctx, n, msg));
        return n.phase == Phase::rolled_back ? RunStatus::rolled_back : RunStatus::failed;
    case FailurePolicy::pause:
        ensure_not_left_read_only(ctx, n);
        RMQUP_TRY(ctx.transition(n, Phase::paused,
                                 msg + "; fix the cause, then run `rmq-upgrade resume` with the same --journal "
                                       "(or `rmq-upgrade rollback`)"));
        return RunStatus::paused;
    case FailurePolicy::abort:
        ensure_not_left_read_only(ctx, n);
        RMQUP_TRY(ctx.transition(n, Phase::failed, msg + "; aborted by policy"));
        return RunStatus::failed;
    }
    return RunStatus::failed;
}

namespace {

Result<RunStatus> run_flow(Context& ctx, NodeRun& n, Phase entry) {
    const auto flow = flow_for(*n.node);
    bool started = false;
    for (Phase p : flow) {
        if (!started && p != entry)
            continue;
        started = true;
        if (ctx.interrupted())
            return handle_interrupt(ctx, n);
        RMQUP_TRY(ctx.transition(n, p));
        auto s = run_step(ctx, n, p);
        if (!s.ok()) {
            if (s.error().kind == ErrorKind::interrupted)
                return handle_interrupt(ctx, n);
            return handle_failure(ctx, n, s.error());
        }
    }
    RMQUP_TRY(ctx.transition(n, Phase::done, "at " + n.node->target_version));
    return RunStatus::completed;
}

// The one safety boundary: whatever ends a node's flow without a handled outcome (a journal that
// cannot be written, an exception) still leaves no master read-only, or names it loudly.
Error escaped(Context& ctx, NodeRun& n, Error e) {
    if (n.failed_at == Phase::pending)
        n.failed_at = n.phase;
    ctx.say(Level::error, &n, node_label(*n.node) + ": the run stopped in " + phase_name(n.phase) + ": " + e.describe());
    try {
        Context::SafetyScope safety(ctx);
        ensure_not_left_read_only(ctx, n);
    } catch (const std::exception& inner) {
        ctx.say(Level::error, &n, node_label(*n.node) + ": READ-ONLY possible: restoring write permission failed (" +
                                      inner.what() + "); run `mqadmin updateBrokerConfig -b " + n.node->address +
                                      " -k brokerPermission -v 6`");
    }
    return e;
}

}  // namespace

Result<RunStatus> run_node(Context& ctx, NodeRun& n, Phase entry) {
    try {
        auto r = run_flow(ctx, n, entry);
        if (!r.ok())
            return escaped(ctx, n, std::move(r).error());
        return r;
    } catch (const std::exception& e) {
        return escaped(ctx, n, make_error(ErrorKind::internal, std::string("unexpected exception: ") + e.what()));
    }
}

}  // namespace rmqup::engine::detail
