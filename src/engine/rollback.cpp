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

Status rollback_steps(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    const auto& pol = ctx.plan().policy;
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("rollback " + node_label(node));
    auto pids = (*ops)->find_pids(node.target);
    if (!pids.ok())
        return std::move(pids).error().with("find process of " + node_label(node));

    bool old_running = false;
    if (!pids->empty()) {
        if (node.kind == NodeKind::broker) {
            old_running = probe_version(ctx, n, pol.timeouts.request * 3) == version_desc(node.current_version);
        } else {
            // A NameServer does not tell its version: it is the old one only if we never got to start.
            old_running = n.failed_at != Phase::pending && n.failed_at < Phase::start;
        }
    }
    if (!old_running) {
        if (!pids->empty()) {
            auto s = (*ops)->stop(node.target, pol.timeouts.stop, pol.kill_policy);
            if (!s.ok())
                return std::move(s).error().with("stop the new version of " + node_label(node));
        }
        // The pristine config as it was (no overrides); restore_config forces perm 6.
        if (!node.pristine_config_backup.empty()) {
            auto exists = (*ops)->path_exists(node.pristine_config_backup);
            if (exists.ok() && *exists)
                RMQUP_TRY(restore_config_step(ctx, n, {}));
            else
                ctx.say(Level::warning, &n, "no pristine config backup at " + node.pristine_config_backup +
                                                "; starting the old version with the config as it is");
        }
        RMQUP_TRY(start_step(ctx, n, node.current));
        RMQUP_TRY(await_registration_step(ctx, n, node.current_version));
    }
    if (is_master(node)) {
        RMQUP_TRY(set_perm(ctx, n, k_perm_read_write));
        RMQUP_TRY(confirm_perm(ctx, n, k_perm_read_write, DownNameServers::skip));
    }
    return verify_step(ctx, n);
}

}  // namespace

Status rollback_node(Context& ctx, NodeRun& n, const std::string& reason) {
    RMQUP_TRY(ctx.transition(n, Phase::rolling_back, reason));
    // A rollback is itself the safety action: Ctrl-C does not stop it half-way.
    Context::SafetyScope safety(ctx);
    auto s = rollback_steps(ctx, n);
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
    ctx.failures.push_back(msg);
    n.message = msg;
    ensure_not_left_read_only(ctx, n);
    return ctx.transition(n, Phase::failed, msg);
}

}  // namespace rmqup::engine::detail
