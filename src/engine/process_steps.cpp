// Host-side steps: pristine config backup, stop, config restore, start.
#include "properties_text.hpp"
#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {
// Config files hold no secrets (ACL keys live in plain_acl.yml) but are not world-writable.
constexpr int k_config_mode = 0644;
// A broker that did not shut down cleanly recovers abnormally (re-scans the commit log).
constexpr int k_abnormal_start_factor = 3;
}  // namespace

Status backup_step(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    if (node.current.config_path.empty() || node.pristine_config_backup.empty())
        return ok_status();
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("backup config of " + node_label(node));
    auto s = (*ops)->backup_once(node.current.config_path, node.pristine_config_backup);
    if (!s.ok())
        return std::move(s).error().with("backup " + node.current.config_path + " of " + node_label(node));
    return ok_status();
}

Status stop_step(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    const auto& pol = ctx.plan().policy;
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("stop " + node_label(node));
    // Stops exactly the process whose command line matches (never `mqshutdown`, fact 13).
    auto s = (*ops)->stop(node.current, pol.timeouts.stop, pol.kill_policy);
    if (!s.ok())
        return std::move(s).error().with("stop " + node_label(node) + " on " + node.host);
    if (node.kind == NodeKind::broker && !node.current.store_path.empty()) {
        auto marker = (*ops)->abort_marker_present(node.current);
        if (!marker.ok())
            return std::move(marker).error().with("abort marker of " + node_label(node));
        if (*marker) {
            n.abnormal_shutdown = true;
            ctx.say(Level::warning, &n,
                    "WARNING: " + node_label(node) + " left its abort marker in " + node.current.store_path +
                        ": it did not shut down cleanly; the new version will run abnormal recovery, allowing " +
                        std::to_string(k_abnormal_start_factor) + "x the start timeout");
        }
    }
    return ok_status();
}

Status restore_config_step(Context& ctx, NodeRun& n, rmq::Properties overrides) {
    const auto& node = *n.node;
    if (node.current.config_path.empty() && node.target.config_path.empty())
        return ok_status();
    if (node.pristine_config_backup.empty())
        return ok_status();
    const std::string& config = node.target.config_path.empty() ? node.current.config_path : node.target.config_path;
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("restore config of " + node_label(node));
    auto text = (*ops)->read_file(node.pristine_config_backup);
    if (!text.ok())
        return std::move(text).error().with("read pristine config " + node.pristine_config_backup);
    std::string out = apply_properties(*text, overrides);
    if (node.kind == NodeKind::broker) {
        // A broker stopped at perm 4 has that value persisted (fact 11); the restarted broker
        // must come up read-write.
        auto perm = property_value(out, "brokerPermission");
        if (perm && *perm != std::to_string(k_perm_read_write)) {
            ctx.say(Level::warning, &n,
                    "config of " + node_label(node) + " had brokerPermission=" + *perm + "; restoring 6");
            out = set_property(out, "brokerPermission", std::to_string(k_perm_read_write));
        }
    }
    auto s = (*ops)->write_file(config, out, k_config_mode);
    if (!s.ok())
        return std::move(s).error().with("write " + config + " of " + node_label(node));
    return ok_status();
}

Status start_step(Context& ctx, NodeRun& n, const ProcessSpec& spec) {
    const auto& node = *n.node;
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("start " + node_label(node));
    // Idempotent: a process already running with this match is not started again (resume).
    auto pids = (*ops)->find_pids(spec);
    if (!pids.ok())
        return std::move(pids).error().with("find process of " + node_label(node));
    if (!pids->empty()) {
        ctx.say(Level::info, &n, node_label(node) + " already running (pid " + std::to_string(pids->front()) +
                                     "): not starting it again");
        return ok_status();
    }
    auto pid = (*ops)->start(spec);
    if (&spec == &node.target)
        ++n.target_starts;
    if (!pid.ok())
        return std::move(pid).error().with("start " + node_label(node) + " on " + node.host);
    return ok_status();
}

Millis start_timeout(const Context& ctx, const NodeRun& n) {
    Millis t = ctx.plan().policy.timeouts.start;
    return n.abnormal_shutdown ? t * k_abnormal_start_factor : t;
}

}  // namespace rmqup::engine::detail
