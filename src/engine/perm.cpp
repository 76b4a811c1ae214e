// Broker permission changes and their confirmation on every NameServer (operations facts 7, 10, 11).
#include <algorithm>

#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {

// A topic this broker serves, to read its route: its own brokerName topic (brokerTopicEnable is
// on by default), else its cluster's topic, TBW102, or any topic that is not a retry/DLQ topic.
std::string route_topic(Context& ctx, NodeRun& n) {
    if (!n.route_topic_cache.empty())
        return n.route_topic_cache;
    const auto& node = *n.node;
    std::string topic = node.broker_name;
    auto cfg = ctx.admin().all_topic_config(node.address);
    if (cfg.ok() && !cfg->topic_config_table.empty()) {
        const auto& table = cfg->topic_config_table;
        std::string any;
        for (const auto& [name, tc] : table)
            if (any.empty() && !name.empty() && name[0] != '%')
                any = name;
        for (const std::string& candidate : {node.broker_name, node.cluster, std::string("TBW102"), any}) {
            if (!candidate.empty() && table.count(candidate) > 0) {
                topic = candidate;
                break;
            }
        }
    }
    n.route_topic_cache = topic;
    return topic;
}

}  // namespace

Status set_perm(Context& ctx, NodeRun& n, int perm) {
    const auto& node = *n.node;
    rmq::Properties kv{{"brokerPermission", std::to_string(perm)}};
    auto s = ctx.admin().update_broker_config(node.address, kv);
    if (!s.ok())
        return std::move(s).error().with("set brokerPermission=" + std::to_string(perm) + " on " + node_label(node));
    return ok_status();
}

Status confirm_perm(Context& ctx, NodeRun& n, int perm, DownNameServers down_policy) {
    const auto& node = *n.node;
    const std::string topic = route_topic(ctx, n);
    const bool want_write = (perm & rmq::k_perm_write) != 0;
    std::vector<std::string> down;  // NameServers that did not answer in the last check
    auto check = [&]() -> Result<bool> {
        down.clear();
        for (const auto& ns : ctx.plan().nameservers) {
            auto route = ctx.admin().topic_route(ns, topic);
            if (!route.ok() && route.error().kind == ErrorKind::unreachable && down_policy == DownNameServers::skip) {
                // Safety actions: a NameServer we cannot reach must not turn a restored broker
                // into a "read-only" alarm. It is reported, not waited for.
                down.push_back(ns);
                continue;
            }
            if (!route.ok())
                return std::move(route).error().with("route of " + topic + " on nameserver " + ns);
            auto it = std::find_if(route->queue_datas.begin(), route->queue_datas.end(),
                                   [&](const rmq::QueueData& q) { return q.broker_name == node.broker_name; });
            if (it == route->queue_datas.end()) {
                // Not listed at all: no client of this NameServer writes to it; but read-write
                // must be visible everywhere before we call the broker back.
                if (want_write) {
                    ctx.set_reason("nameserver " + ns + " does not list " + node.broker_name + " for " + topic);
                    return false;
                }
                continue;
            }
            const bool writable = (it->perm & rmq::k_perm_write) != 0;
            if (writable != want_write) {
                ctx.set_reason("nameserver " + ns + " shows perm " + std::to_string(it->perm));
                return false;
            }
        }
        if (down.size() == ctx.plan().nameservers.size()) {
            ctx.set_reason("no nameserver answers");
            return false;
        }
        return true;
    };
    auto r = ctx.wait_until(n, "routes show perm " + std::to_string(perm) + " on every nameserver",
                            ctx.plan().policy.timeouts.registration, ctx.plan().policy.drain.poll_interval,
                            RetryOn::transient, check);
    if (!r.ok())
        return std::move(r).error().with("confirm perm " + std::to_string(perm) + " of " + node_label(node));
    for (const auto& ns : down)
        ctx.say(Level::warning, &n, "nameserver " + ns + " does not answer: perm " + std::to_string(perm) + " of " +
                                        node_label(node) + " not confirmed there");
    if (*r == WaitResult::timed_out)
        return make_error(ErrorKind::timeout, "routes did not show perm " + std::to_string(perm) + " within " +
                                                  std::to_string(ctx.plan().policy.timeouts.registration.count()) +
                                                  " ms: " + ctx.last_reason())
            .with(node_label(node));
    return ok_status();
}

void ensure_not_left_read_only(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    if (!is_master(node))
        return;  // slaves take no writes and their permission is never changed
    const std::string label = node_label(node);
    const bool mid_stop = n.failed_at == Phase::stop;
    auto ri = ctx.admin().runtime_info(node.address);
    if (!ri.ok()) {
        auto ops = ctx.host(node);
        bool running = true;  // unknown counts as running: we must not claim it is safe
        if (ops.ok()) {
            auto pids = (*ops)->find_pids(node.current);
            if (pids.ok())
                running = !pids->empty();
        }
        if (!running) {
            ctx.say(Level::warning, &n, label + " is not running (nothing to restore; it is DOWN)");
            return;
        }
        std::string why = label + ": READ-ONLY possible: it does not answer (" + ri.error().describe() +
                          "); check it and run `mqadmin updateBrokerConfig -b " + node.address +
                          " -k brokerPermission -v 6`";
        ctx.read_only_left.push_back(why);
        ctx.say(Level::error, &n, why);
        return;
    }
    if (mid_stop) {
        std::string why = label + ": READ-ONLY: it failed while stopping (SIGTERM may still be in progress), so "
                                  "its permission was not touched; once it is stable run `mqadmin updateBrokerConfig -b " +
                          node.address + " -k brokerPermission -v 6`";
        ctx.read_only_left.push_back(why);
        ctx.say(Level::error, &n, why);
        return;
    }
    Context::SafetyScope safety(ctx);
    auto s = set_perm(ctx, n, k_perm_read_write);
    if (s.ok())
        s = confirm_perm(ctx, n, k_perm_read_write, DownNameServers::skip);
    if (s.ok()) {
        ctx.say(Level::info, &n, label + " restored to perm 6 (read-write)");
        return;
    }
    std::string why = label + ": READ-ONLY: restoring perm 6 failed (" + s.error().describe() +
                      "); run `mqadmin updateBrokerConfig -b " + node.address + " -k brokerPermission -v 6`";
    ctx.read_only_left.push_back(why);
    ctx.say(Level::error, &n, why);
}

}  // namespace rmqup::engine::detail
