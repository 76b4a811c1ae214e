// Verification after a broker is back: a probe message round trip (when a probe topic is set)
// and traffic resuming; for a slave, replication catching up with its master.
#include <algorithm>

#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {

constexpr const char* k_probe_group = "rmq_upgrade_probe";

Status probe(Context& ctx, NodeRun& n, const std::string& topic) {
    const auto& node = *n.node;
    const std::string uniq = "rmqup-probe-" + node.broker_name + "-" + std::to_string(ctx.clock().wall_ms());
    rmq::SendRequest msg;
    msg.producer_group = k_probe_group;
    msg.topic = topic;
    msg.queue_id = 0;
    msg.born_timestamp = ctx.clock().wall_ms();
    msg.properties["UNIQ_KEY"] = uniq;
    msg.properties["KEYS"] = uniq;
    msg.properties["WAIT"] = "true";
    msg.body = "rmq-upgrade probe " + uniq;
    msg.broker_name = node.broker_name;
    auto sent = ctx.admin().send_message(node.address, msg);
    if (!sent.ok())
        return std::move(sent).error().with("probe send to " + node_label(node));
    if (sent->code != 0)
        return make_error(ErrorKind::rejected, "probe send status " + std::to_string(sent->code)).with(node_label(node));
    auto max = ctx.admin().max_offset(node.address, topic, 0);
    if (!max.ok())
        return std::move(max).error().with("probe max offset on " + node_label(node));
    rmq::PullRequest pull;
    pull.consumer_group = k_probe_group;
    pull.topic = topic;
    pull.queue_id = 0;
    // The probe is the newest message of queue 0 unless live traffic wrote after it: read from
    // the offset the send reported and up to the end.
    pull.queue_offset = std::min(sent->queue_offset, std::max<std::int64_t>(*max - 1, 0));
    pull.max_msg_nums = 32;
    auto got = ctx.admin().pull_message(node.address, pull);
    if (!got.ok())
        return std::move(got).error().with("probe pull from " + node_label(node));
    for (const auto& m : got->messages) {
        auto it = m.properties.find("UNIQ_KEY");
        if (it != m.properties.end() && it->second == uniq) {
            if (m.body != msg.body)
                return make_error(ErrorKind::protocol, "probe body differs").with(node_label(node));
            return ok_status();
        }
    }
    return make_error(ErrorKind::rejected, "probe message " + uniq + " not found by pull (status " + got->status + ")")
        .with(node_label(node));
}

// Put TPS of every master but n (10 s window), to tell "no traffic anywhere" from "not back yet".
double others_put_tps(Context& ctx, const PlanNode& self) {
    double sum = 0;
    for (const auto& b : ctx.plan().nodes) {
        if (!is_master(b) || b.id == self.id)
            continue;
        auto ri = ctx.admin().runtime_info(b.address);
        if (ri.ok())
            sum += ri->put_tps.s10.value_or(0);
    }
    return sum;
}

Status traffic_resumes(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    auto base = ctx.admin().runtime_info(node.address);
    if (!base.ok())
        return std::move(base).error().with("runtime info of " + node_label(node));
    if (base->put_tps.s10.value_or(0) > 0)
        return ok_status();
    if (others_put_tps(ctx, node) <= 0) {
        ctx.say(Level::warning, &n, "no traffic in the cluster: cannot confirm producers came back to " + node_label(node));
        return ok_status();
    }
    const std::int64_t base_total = base->msg_put_total_today_now;
    auto check = [&]() -> Result<bool> {
        auto ri = ctx.admin().runtime_info(node.address);
        if (!ri.ok())
            return std::move(ri).error();
        if (ri->put_tps.s10.value_or(0) > 0 || ri->msg_put_total_today_now > base_total)
            return true;
        ctx.set_reason("no puts yet (producers refresh routes every 30 s)");
        return false;
    };
    auto r = ctx.wait_until(n, "traffic back on " + node_label(node), ctx.plan().policy.timeouts.verify,
                            ctx.plan().policy.drain.poll_interval, RetryOn::transient, check, Sampling::cluster_tps);
    if (!r.ok())
        return std::move(r).error().with("verify traffic");
    if (*r == WaitResult::timed_out)
        ctx.say(Level::warning, &n, "traffic did not come back to " + node_label(node) + " within " +
                                        std::to_string(ctx.plan().policy.timeouts.verify.count()) + " ms");
    return ok_status();
}

Status slave_catch_up(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    const PlanNode* master = nullptr;
    for (const auto& b : ctx.plan().nodes)
        if (is_master(b) && b.broker_name == node.broker_name)
            master = &b;
    if (master == nullptr)
        return ok_status();
    auto mi = ctx.admin().runtime_info(master->address);
    if (!mi.ok()) {
        ctx.say(Level::warning, &n, "master " + node_label(*master) + " does not answer; replication not checked");
        return ok_status();
    }
    // A snapshot of the master's offset: live traffic keeps moving it.
    const std::int64_t target = mi->commit_log_max_offset - ctx.plan().policy.drain.slave_lag_bytes;
    auto check = [&]() -> Result<bool> {
        auto si = ctx.admin().runtime_info(node.address);
        if (!si.ok())
            return std::move(si).error();
        if (si->commit_log_max_offset >= target)
            return true;
        ctx.set_reason(std::to_string(target - si->commit_log_max_offset) + " bytes behind");
        return false;
    };
    auto r = ctx.wait_until(n, node_label(node) + " replicating", ctx.plan().policy.timeouts.verify,
                            ctx.plan().policy.drain.poll_interval, RetryOn::any, check);
    if (!r.ok())
        return std::move(r).error().with("verify replication");
    if (*r == WaitResult::timed_out)
        ctx.say(Level::warning, &n, node_label(node) + " did not catch up with its master: " + ctx.last_reason());
    return ok_status();
}

}  // namespace

Status verify_step(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    if (node.kind != NodeKind::broker)
        return ok_status();
    if (!is_master(node))
        return slave_catch_up(ctx, n);
    if (ctx.plan().policy.probe_topic && !ctx.plan().policy.probe_topic->empty())
        RMQUP_TRY(probe(ctx, n, *ctx.plan().policy.probe_topic));
    return traffic_resumes(ctx, n);
}

}  // namespace rmqup::engine::detail
