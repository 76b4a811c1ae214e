// Host-side steps: process identity, pristine config backup, stop, config restore, ACL file
// carry-over, start.
#include "properties_text.hpp"
#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {
// Config files hold no secrets (ACL keys live in plain_acl.yml) but are not world-writable.
constexpr int k_config_mode = 0644;
// plain_acl.yml keeps the release's own mode (0644 in the zip): the broker may run as another
// user than the one rmq-upgrade logs in as.
constexpr int k_acl_file_mode = 0644;
// A broker that did not shut down cleanly recovers abnormally (re-scans the commit log).
constexpr int k_abnormal_start_factor = 3;

std::string port_of(const std::string& address) {
    const auto colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(colon + 1);
}

std::string describe(const ProcessIdentity& p) {
    return "pid " + std::to_string(p.pid) + ", home " + (p.home.empty() ? std::string("unknown") : p.home) +
           ", config " + (p.config_path.empty() ? std::string("none") : p.config_path);
}

// Whether the node answers on its address (remoting): a NameServer its cluster info, a broker its
// runtime info. Refusals count as answers: something is there.
bool node_answers(Context& ctx, const PlanNode& node) {
    if (node.kind == NodeKind::nameserver) {
        auto ci = ctx.admin().cluster_info(node.address);
        return ci.ok() || (ci.error().kind != ErrorKind::unreachable && ci.error().kind != ErrorKind::timeout);
    }
    auto ri = ctx.admin().runtime_info(node.address);
    return ri.ok() || (ri.error().kind != ErrorKind::unreachable && ri.error().kind != ErrorKind::timeout);
}

std::string conf_file(const std::string& home, const std::string& name) {
    std::string h = home;
    while (h.size() > 1 && h.back() == '/')
        h.pop_back();
    return h + "/conf/" + name;
}

}  // namespace

Result<std::optional<ProcessIdentity>> identify(Context& ctx, const PlanNode& node, const ProcessSpec& spec) {
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("identify " + node_label(node));
    auto id = (*ops)->identify(spec);
    if (!id.ok())
        return std::move(id).error().with("identify the process of " + node_label(node) + " on host " + node.host);
    return id;
}

Status identify_step(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    const std::string label = node_label(node);
    auto id = identify(ctx, node, node.current);
    if (!id.ok())
        return std::move(id).error();
    if (!*id) {
        if (node_answers(ctx, node))
            return make_error(ErrorKind::conflict,
                              label + " answers on " + node.address + " but no process listens on port " +
                                  port_of(node.address) + " of host " + node.host +
                                  ": the inventory's host for it is probably wrong; nothing was changed");
        if (is_master(node))
            return make_error(ErrorKind::conflict, label + " is not running (nothing listens on " + node.address +
                                                       " on host " + node.host +
                                                       " and it does not answer): start it, or exclude it, before "
                                                       "rolling; nothing was changed");
        ctx.say(Level::warning, &n,
                label + " is not running (nothing listens on " + node.address + " on host " + node.host +
                    "): it will be started at " + node.target_version);
        return ok_status();
    }
    const ProcessIdentity& p = **id;
    if (!p.config_matches)
        return make_error(ErrorKind::conflict, label + ": the process listening on " + node.address + " (" +
                                                   describe(p) + ") was not started with the inventory's config " +
                                                   node.current.config_path + "; fix the inventory; nothing was changed");
    if (!p.home_matches)
        return make_error(ErrorKind::conflict, label + ": the process listening on " + node.address + " (" +
                                                   describe(p) + ") does not run from the inventory's currentHome " +
                                                   node.current.home + "; fix the inventory; nothing was changed");
    ctx.say(Level::info, &n, label + " identified on host " + node.host + ": " + describe(p));
    return ok_status();
}

Error wrong_home_error(const PlanNode& node, const ProcessSpec& spec, const ProcessIdentity& found) {
    std::string cause;
    if (!spec.stop_command.empty())
        cause = "the service unit (or start command) still points at the old home: check its ExecStart and "
                "Environment" +
                (found.home_env.empty() ? std::string() : " (its ROCKETMQ_HOME=" + found.home_env + ")");
    else if (!found.home_env.empty() && found.home_env != spec.home)
        cause = "ROCKETMQ_HOME=" + found.home_env +
                " is set in its environment: bin/mqbroker and bin/mqnamesrv use an inherited ROCKETMQ_HOME "
                "instead of their own folder (operator profile, sshd AcceptEnv)";
    else
        cause = "the start command does not start the target home: check commands in the inventory";
    return make_error(ErrorKind::conflict, node_label(node) + " on host " + node.host + " came up from " +
                                               (found.home.empty() ? std::string("an unknown home") : found.home) +
                                               " (pid " + std::to_string(found.pid) + "), not from " + spec.home +
                                               ": " + cause);
}

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
    // Stops exactly the process listening on the node's address (never `mqshutdown`, fact 13).
    auto s = (*ops)->stop(node.current, pol.timeouts.stop, pol.kill_policy);
    if (!s.ok())
        return std::move(s).error().with("stop " + node_label(node) + " on " + node.host);
    // A service manager with Restart=always brings back whatever it runs (fact 34): the address
    // must be free before another binary starts on the same store.
    auto after = identify(ctx, node, node.current);
    if (!after.ok())
        return std::move(after).error().with("after stop");
    if (*after)
        return make_error(ErrorKind::conflict,
                          node_label(node) + " on host " + node.host + ": after the stop a process listens on " +
                              node.address + " again (" + describe(**after) +
                              "): a service manager restarted it? set commands." +
                              (node.kind == NodeKind::broker ? "brokerStop" : "nameServerStop") +
                              " (e.g. systemctl stop ...)");
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

Status rewrite_config_step(Context& ctx, NodeRun& n, rmq::Properties overrides) {
    auto s = restore_config_step(ctx, n, std::move(overrides));
    if (!s.ok())
        return std::move(s).error().with("write the operator's config back after perm 6 (the broker dumped every "
                                         "key into it)");
    return ok_status();
}

Status carry_acl_file_step(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    if (node.kind != NodeKind::broker || !ctx.plan().policy.carry_acl_file || node.pristine_config_backup.empty() ||
        node.current.home.empty() || node.target.home.empty() || node.current.home == node.target.home)
        return ok_status();
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("ACL file of " + node_label(node));
    auto pristine = (*ops)->read_file(node.pristine_config_backup);
    if (!pristine.ok())
        return std::move(pristine).error().with("read pristine config " + node.pristine_config_backup);
    auto acl = property_value(apply_properties(*pristine, node.config_overrides), "aclEnable");
    if (!acl || *acl != "true")
        return ok_status();
    const std::string from = conf_file(node.current.home, "plain_acl.yml");
    const std::string to = conf_file(node.target.home, "plain_acl.yml");
    auto live = (*ops)->read_file(from);
    if (!live.ok())
        return std::move(live).error().with("read the live ACL file " + from + " of " + node_label(node) +
                                            " (aclEnable=true: the target home must not come up with the "
                                            "release's sample accounts)");
    auto shipped = (*ops)->path_exists(to);
    if (!shipped.ok())
        return std::move(shipped).error().with("ACL file " + to);
    if (*shipped) {
        auto b = (*ops)->backup_once(to, to + ".rmqup-" + ctx.plan().run_id + ".shipped");
        if (!b.ok())
            return std::move(b).error().with("back up the target home's ACL file " + to);
    }
    auto w = (*ops)->write_file(to, *live, k_acl_file_mode);
    if (!w.ok())
        return std::move(w).error().with("carry " + from + " to " + to);
    ctx.say(Level::info, &n, "ACL file " + from + " carried to " + to + " (aclEnable=true)");
    return ok_status();
}

Status start_step(Context& ctx, NodeRun& n, const ProcessSpec& spec) {
    const auto& node = *n.node;
    auto ops = ctx.host(node);
    if (!ops.ok())
        return std::move(ops).error().with("start " + node_label(node));
    // Idempotent: a process of this home already listening is not started again (resume); one of
    // another home on the address is never "ours".
    auto running = identify(ctx, node, spec);
    if (!running.ok())
        return std::move(running).error();
    if (*running) {
        if (!(*running)->home_matches)
            return wrong_home_error(node, spec, **running);
        ctx.say(Level::info, &n, node_label(node) + " already running (" + describe(**running) +
                                     "): not starting it again");
        return ok_status();
    }
    auto pid = (*ops)->start(spec);
    if (&spec == &node.target)
        ++n.target_starts;
    if (!pid.ok())
        return std::move(pid).error().with("start " + node_label(node) + " on " + node.host);
    // 0: the start command handed the process over (a service manager): its liveness is the listener's.
    n.started_pid = *pid;
    return ok_status();
}

Millis start_timeout(const Context& ctx, const NodeRun& n) {
    Millis t = ctx.plan().policy.timeouts.start;
    return n.abnormal_shutdown ? t * k_abnormal_start_factor : t;
}

}  // namespace rmqup::engine::detail
