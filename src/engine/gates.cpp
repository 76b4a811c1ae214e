// Between waves: the health gate (every finished broker still registered at the target version and
// writable; the cluster's put TPS near its pre-roll baseline) and the approval gates (canary, waves).
#include "gates.hpp"

#include <algorithm>
#include <cstdio>

namespace rmqup::engine::detail {

namespace {

std::string tps_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// Why broker n (done in this or an earlier run) is not healthy at the target, or "" when it is.
Result<std::string> unhealthy(Context& ctx, const PlanNode& n) {
    auto ri = ctx.admin().runtime_info(n.address);
    if (!ri.ok())
        return std::move(ri).error().with("runtime info of " + node_label(n));
    const std::string want = version_desc(n.target_version);
    if (ri->version_desc != want)
        return node_label(n) + " runs " + ri->version_desc + ", expected " + want;
    for (const auto& ns : ctx.plan().nameservers) {
        auto listed = lists_broker(ctx, ns, n);
        if (!listed.ok())
            return std::move(listed).error();
        if (!*listed)
            return node_label(n) + " is not registered on nameserver " + ns;
    }
    if (n.broker_id != 0)
        return std::string();
    auto cfg = ctx.admin().broker_config(n.address);
    if (!cfg.ok())
        return std::move(cfg).error().with("config of " + node_label(n));
    auto perm = config_value(*cfg, "brokerPermission");
    if (perm && *perm != "6")
        return node_label(n) + " has brokerPermission=" + *perm;
    return std::string();
}

}  // namespace

std::optional<double> cluster_put_tps(Context& ctx) {
    double sum = 0;
    int answered = 0;
    for (const auto& n : ctx.plan().nodes) {
        if (n.kind != NodeKind::broker || n.broker_id != 0)
            continue;
        auto ri = ctx.admin().runtime_info(n.address);
        if (!ri.ok())
            continue;
        sum += ri->put_tps.s10.value_or(0);
        ++answered;
    }
    if (answered == 0)
        return std::nullopt;
    return sum;
}

Result<RunStatus> health_gate(Context& ctx, NodeRun& anchor, std::optional<double> baseline, int wave) {
    std::vector<const PlanNode*> done;
    for (auto& n : ctx.nodes())
        if (n.node->kind == NodeKind::broker && !n.node->skip && n.phase == Phase::done)
            done.push_back(n.node);
    if (done.empty())
        return RunStatus::completed;
    const double ratio = ctx.plan().policy.health_gate.min_put_tps_ratio;
    const bool check_tps = ratio > 0 && baseline && *baseline > 0;
    const double floor = check_tps ? *baseline * ratio : 0;
    double last_tps = 0;
    auto check = [&]() -> Result<bool> {
        for (const auto* n : done) {
            auto why = unhealthy(ctx, *n);
            if (!why.ok())
                return std::move(why).error();
            if (!why->empty()) {
                ctx.set_reason(*why);
                return false;
            }
        }
        if (!check_tps)
            return true;
        last_tps = cluster_put_tps(ctx).value_or(0);
        if (last_tps < floor) {
            ctx.set_reason("cluster put TPS " + tps_text(last_tps) + " < " + tps_text(floor) + " (" + tps_text(ratio) +
                           " x baseline " + tps_text(*baseline) + ")");
            return false;
        }
        return true;
    };
    const std::string what = "health gate before wave " + std::to_string(wave);
    // Any error is "not yet" (a broker that does not answer is what the gate is for); it ends in a pause.
    auto r = ctx.wait_until(anchor, what, ctx.plan().policy.timeouts.verify, ctx.plan().policy.drain.poll_interval,
                            RetryOn::any, check, Sampling::cluster_tps);
    if (!r.ok() && r.error().kind == ErrorKind::interrupted)
        return RunStatus::interrupted;
    if (r.ok() && *r == WaitResult::met) {
        ctx.say(Level::info, nullptr,
                what + " passed: " + std::to_string(done.size()) + " finished broker(s) registered at the target" +
                    (check_tps ? ", cluster put TPS " + tps_text(last_tps) + " >= " + tps_text(floor) : std::string()));
        return RunStatus::completed;
    }
    const std::string why = r.ok() ? ctx.last_reason() : r.error().describe();
    const std::string msg = what + " failed for " + std::to_string(ctx.plan().policy.timeouts.verify.count() / 1000) +
                            " s: " + why +
                            "; no node is mid-flow. Look at the cluster, then `rmq-upgrade resume --journal DIR` "
                            "checks the gate again";
    ctx.say(Level::error, nullptr, msg);
    ctx.add_failure(msg);
    return RunStatus::paused;
}

Result<RunStatus> approval_gate(Context& ctx, const std::string& gate, const std::vector<std::string>& approved,
                                const std::string& what_to_check) {
    if (std::find(approved.begin(), approved.end(), gate) != approved.end())
        return RunStatus::completed;
    JournalRecord r;
    r.kind = RecordKind::awaiting_approval;
    r.gate = gate;
    r.message = what_to_check;
    RMQUP_TRY(ctx.gate_record(r));
    ctx.awaiting_gate = gate;
    ctx.say(Level::warning, nullptr,
            "approval needed after " + gate + ": " + what_to_check +
                ". Continue with `rmq-upgrade resume --approve --journal DIR`; stop here with `rmq-upgrade rollback`");
    return RunStatus::awaiting_approval;
}

}  // namespace rmqup::engine::detail
