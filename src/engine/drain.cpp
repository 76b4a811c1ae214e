// Drain: a read-only master is only safe to stop once clients have moved away from it. Producers
// and consumers see the new route only after their 30 s refresh (operations fact 1), read-only is
// advisory for normal topics (fact 8), so we watch the broker itself (fact 12) and the slaves'
// replication (fact 20).
#include <cstdio>

#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {
std::string fmt_tps(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}
}  // namespace

Status drain_step(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    const auto& dp = ctx.plan().policy.drain;
    const Millis start = ctx.clock().now();
    std::optional<std::int64_t> last_total;
    Millis quiet_since = start;
    const auto slaves = ctx.slaves_of(node);

    auto check = [&]() -> Result<bool> {
        auto ri = ctx.admin().runtime_info(node.address);
        if (!ri.ok())
            return std::move(ri).error().with("runtime info of " + node_label(node));
        const Millis now = ctx.clock().now();
        if (!last_total || *last_total != ri->msg_put_total_today_now) {
            last_total = ri->msg_put_total_today_now;
            quiet_since = now;
        }
        const double put = ri->put_tps.s10.value_or(0);
        const double get = ri->get_transferred_tps.s10.value_or(0);
        if (now - start < dp.min_wait) {
            ctx.set_reason("route refresh wait, put " + fmt_tps(put) + " tps");
            return false;
        }
        if (put >= dp.tps_threshold || get >= dp.tps_threshold) {
            ctx.set_reason("put " + fmt_tps(put) + " tps, consume " + fmt_tps(get) + " tps");
            return false;
        }
        if (now - quiet_since < dp.quiet_period) {
            ctx.set_reason("msgPutTotalTodayNow changed " + std::to_string((now - quiet_since).count()) + " ms ago");
            return false;
        }
        for (const auto* slave : slaves) {
            auto si = ctx.admin().runtime_info(slave->address);
            if (!si.ok()) {
                ctx.set_reason("slave " + node_label(*slave) + " does not answer: " + si.error().describe());
                return false;
            }
            const std::int64_t lag = ri->commit_log_max_offset - si->commit_log_max_offset;
            if (lag > dp.slave_lag_bytes) {
                ctx.set_reason("slave " + node_label(*slave) + " is " + std::to_string(lag) + " bytes behind");
                return false;
            }
        }
        return true;
    };
    auto r = ctx.wait_until(n, "drain of " + node_label(node), dp.timeout, dp.poll_interval, RetryOn::transient,
                            check, Sampling::cluster_tps);
    if (!r.ok())
        return std::move(r).error().with("drain");
    if (*r == WaitResult::timed_out)
        return make_error(ErrorKind::timeout, "drain did not complete within " + std::to_string(dp.timeout.count()) +
                                                  " ms: " + ctx.last_reason())
            .with(node_label(node));
    return ok_status();
}

}  // namespace rmqup::engine::detail
