// Rollback of one node: the old version on the same store and its pristine config (fact 26:
// a new version that does not come up must be replaced by the old binary at once).
#include "steps.hpp"

namespace rmqup::engine::detail {

std::string probe_version(Context& ctx, NodeRun& n, Millis timeout) {
    std::string version;
    auto check = [&]() -> Result<bool> {
        auto ri = ctx.admin().runtime_info(n.node->address);
        if (!ri.ok())
            return std::move(ri).error();
        version = ri->version_desc;
        return true;
    };
    auto r = ctx.wait_until(n, "runtime version of " + node_label(*n.node), timeout,
                            ctx.plan().policy.drain.poll_interval, RetryOn::any, check);
    return r.ok() && *r == WaitResult::met ? version : std::string();
}

namespace {

// A master serving writes on the target is drained before it is stopped, exactly like the
// upgrade (an operator's rollback of a healthy broker must not cost a send).
Status drain_before_rollback(Context& ctx, NodeRun& n) {
    RMQUP_TRY(set_perm(ctx, n, k_perm_read_only, n.node->target_version));
    RMQUP_TRY(confirm_perm(ctx, n, k_perm_read_only, DownNameServers::skip));
    return drain_step(ctx, n);
}

Status rollback_steps(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    const auto& pol = ctx.plan().policy;
    if (!old_process_may_be_stopped(n.failed_at)) {
        // Failed before the stop: the old process never stopped; only its permission may need
        // restoring (read from the broker itself).
        if (!ensure_not_left_read_only(ctx, n))
            return make_error(ErrorKind::rejected, "write permission could not be restored");
        ctx.say(Level::info, &n, node_label(node) + " never stopped: the old version " + node.current_version +
                                     " is still running");
        return ok_status();
    }
    auto on_target = identify(ctx, node, node.target);
    if (!on_target.ok())
        return std::move(on_target).error();
    bool old_running = false;
    if (*on_target && !(*on_target)->home_matches) {
        auto on_current = identify(ctx, node, node.current);
        if (!on_current.ok())
            return std::move(on_current).error();
        if (!*on_current || !(*on_current)->home_matches)
            return wrong_home_error(node, node.current, **on_target);
        old_running = true;  // the old binary listens: nothing to stop or start
    }
    if (!old_running) {
        if (*on_target) {
            if (is_master(node) && target_may_be_serving(n.failed_at))
                RMQUP_TRY(drain_before_rollback(ctx, n));
            auto ops = ctx.host(node);
            if (!ops.ok())
                return std::move(ops).error().with("rollback " + node_label(node));
            auto s = (*ops)->stop(node.target, pol.timeouts.stop, pol.kill_policy);
            if (!s.ok())
                return std::move(s).error().with("stop the new version of " + node_label(node));
        }
        // The pristine config as it was (no overrides); restore_config forces perm 6.
        if (!node.pristine_config_backup.empty()) {
            auto ops = ctx.host(node);
            if (!ops.ok())
                return std::move(ops).error().with("rollback " + node_label(node));
            auto exists = (*ops)->path_exists(node.pristine_config_backup);
            if (exists.ok() && *exists)
                RMQUP_TRY(restore_config_step(ctx, n, {}));
            else
                ctx.say(Level::warning, &n, "no pristine config backup of this run at " + node.pristine_config_backup +
                                                "; starting the old version with the config as it is");
        }
        RMQUP_TRY(start_step(ctx, n, node.current));
        RMQUP_TRY(await_registration_step(ctx, n, node.current_version));
    }
    if (is_master(node)) {
        RMQUP_TRY(set_perm(ctx, n, k_perm_read_write, node.current_version));
        RMQUP_TRY(confirm_perm(ctx, n, k_perm_read_write, DownNameServers::skip));
        if (!node.pristine_config_backup.empty())
            RMQUP_TRY(rewrite_config_step(ctx, n, {}));
    }
    return verify_step(ctx, n);
}

// After a failed rollback: is the old version in fact running (and, for a master, read-write)?
// "ROLLBACK FAILED" is said only when it is not.
bool old_version_serving(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    auto id = identify(ctx, node, node.current);
    if (!id.ok() || !*id || !(*id)->home_matches)
        return false;
    if (node.kind == NodeKind::nameserver)
        return true;
    auto ri = ctx.admin().runtime_info(node.address);
    if (!ri.ok() || ri->version_desc != version_desc(node.current_version))
        return false;
    if (!is_master(node))
        return true;
    const auto perm = live_perm(ctx, node);
    return perm && *perm == k_perm_read_write;
}

}  // namespace

Status rollback_node(Context& ctx, NodeRun& n, const std::string& reason) {
    RMQUP_TRY(ctx.transition(n, Phase::rolling_back, reason));
    // A rollback is itself the safety action: Ctrl-C does not stop it half-way.
    Context::SafetyScope safety(ctx);
    auto s = rollback_steps(ctx, n);
    if (!s.ok() && old_version_serving(ctx, n)) {
        ctx.say(Level::warning, &n, "rollback of " + node_label(*n.node) + " reported " + s.error().describe() +
                                        ", but the old version " + n.node->current_version + " is running" +
                                        (is_master(*n.node) ? " read-write" : "") + ": counted as rolled back");
        s = ok_status();
    }
    if (s.ok()) {
        n.rolled_back = true;
        return ctx.transition(n, Phase::rolled_back,
                              "old version " + n.node->current_version + " running" +
                                  (is_master(*n.node) ? ", read-write" : ""));
    }
    std::string msg = "ROLLBACK FAILED for " + node_label(*n.node) + ": " + s.error().describe() +
                      ". Operator action needed: make sure " + n.node->current.start_command + " runs on " +
                      n.node->host;
    if (is_master(*n.node))
        msg += ", then set brokerPermission=6 (mqadmin updateBrokerConfig -b " + n.node->address +
               " -k brokerPermission -v 6)";
    ctx.add_failure(msg);
    n.message = msg;
    ensure_not_left_read_only(ctx, n);
    return ctx.transition(n, Phase::failed, msg);
}

}  // namespace rmqup::engine::detail
