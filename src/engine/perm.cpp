// Broker permission changes and their confirmation on every NameServer (operations facts 7, 10, 11).
#include <algorithm>

#include "rmqup/core/version_matrix.hpp"
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

namespace {

// 3.x: the routes only change through the NameServers (WIPE_WRITE_PERM_OF_BROKER); write is given
// back by ADD_WRITE_PERM_OF_BROKER where the NameServer has it (4.9.2+), else only a re-registration
// with a new dataVersion (a restart) restores it.
Status set_perm_on_nameservers(Context& ctx, NodeRun& n, int perm) {
    const auto& node = *n.node;
    const bool wipe = perm == k_perm_read_only;
    for (const auto& ns : ctx.plan().nameservers) {
        auto r = wipe ? ctx.admin().wipe_write_perm(ns, node.broker_name)
                      : ctx.admin().add_write_perm(ns, node.broker_name);
        if (r.ok())
            continue;
        Error e = std::move(r).error();
        if (wipe)
            return std::move(e).with(std::string("WIPE_WRITE_PERM_OF_BROKER ") + node.broker_name + " on nameserver " +
                                     ns + " (" + node_label(node) + " runs " + node.current_version +
                                     ": its routes ignore brokerPermission)");
        return std::move(e).with("ADD_WRITE_PERM_OF_BROKER " + node.broker_name + " on nameserver " + ns +
                                 " (needs a 4.9.2+ NameServer; otherwise restart " + node_label(node) +
                                 " so that it registers again)");
    }
    return ok_status();
}

}  // namespace

Status set_perm(Context& ctx, NodeRun& n, int perm, const std::string& version) {
    const auto& node = *n.node;
    const auto release = RmqVersion::parse(version);
    if (release && read_only_rule(*release).method == ReadOnlyMethod::wipe_write_perm)
        return set_perm_on_nameservers(ctx, n, perm);
    if (release && perm == k_perm_read_only && read_only_rule(*release).timing == ReadOnlyTiming::next_registration)
        ctx.say(Level::info, &n, node_label(node) + " runs " + version +
                                     ": the routes show brokerPermission only at its next registration (<= 30 s)");
    rmq::Properties kv{{"brokerPermission", std::to_string(perm)}};
    auto s = ctx.admin().update_broker_config(node.address, kv);
    if (!s.ok()) {
        Error e = std::move(s).error();
        // A refused perm-4 call changed nothing: say so, so that nobody hunts a read-only broker.
        if (perm == k_perm_read_only && e.kind != ErrorKind::timeout && e.kind != ErrorKind::unreachable)
            e.with(node_label(node) + " refused brokerPermission=4: it was never made read-only");
        return std::move(e).with("set brokerPermission=" + std::to_string(perm) + " on " + node_label(node));
    }
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

std::optional<std::string> config_value(const rmq::Properties& config, const std::string& key) {
    for (const auto& [k, v] : config)
        if (k == key)
            return v;
    return std::nullopt;
}

std::optional<int> live_perm(Context& ctx, const PlanNode& node) {
    auto cfg = ctx.admin().broker_config(node.address);
    if (!cfg.ok())
        return std::nullopt;
    auto value = config_value(*cfg, "brokerPermission");
    if (!value || value->empty() || value->find_first_not_of("0123456789") != std::string::npos || value->size() > 3)
        return std::nullopt;
    return std::stoi(*value);
}

namespace {

void left_read_only(Context& ctx, NodeRun& n, const std::string& why) {
    ctx.add_read_only_left(why);
    ctx.say(Level::error, &n, why);
}

std::string fix_command(const PlanNode& node) {
    return "mqadmin updateBrokerConfig -b " + node.address + " -k brokerPermission -v 6";
}

}  // namespace

bool ensure_not_left_read_only(Context& ctx, NodeRun& n) {
    const auto& node = *n.node;
    if (!is_master(node))
        return true;  // slaves take no writes and their permission is never changed
    const std::string label = node_label(node);
    auto ri = ctx.admin().runtime_info(node.address);
    if (!ri.ok()) {
        // Running is decided by the listening socket of either version on the address.
        bool running = true;  // unknown counts as running: we must not claim it is safe
        auto id = identify(ctx, node, node.current);
        if (id.ok())
            running = id->has_value();
        if (!running) {
            ctx.say(Level::warning, &n, label + " is not running (nothing listens on " + node.address +
                                            "): nothing to restore; it is DOWN");
            return true;
        }
        left_read_only(ctx, n, label + ": READ-ONLY possible: it does not answer (" + ri.error().describe() +
                                   "); check it and run `" + fix_command(node) + "`");
        return false;
    }
    const std::string running =
        ri->version_desc == version_desc(node.target_version) ? node.target_version : node.current_version;
    const auto release = RmqVersion::parse(running);
    // 3.x keeps read-only in the NameServers' routes only: the broker's own permission says nothing.
    const bool routes_only = release && read_only_rule(*release).method == ReadOnlyMethod::wipe_write_perm;
    // Report what is true: the broker's own permission, not what the run meant to do.
    const auto perm = routes_only ? std::nullopt : live_perm(ctx, node);
    if (perm && (*perm & rmq::k_perm_write) != 0) {
        ctx.say(Level::info, &n, label + " is read-write (brokerPermission=" + std::to_string(*perm) +
                                     "): nothing to restore");
        return true;
    }
    if (n.failed_at == Phase::stop) {
        left_read_only(ctx, n, label + ": READ-ONLY: it failed while stopping (SIGTERM may still be in progress), "
                                       "so its permission was not touched; once it is stable run `" +
                                   fix_command(node) + "`");
        return false;
    }
    Context::SafetyScope safety(ctx);
    auto s = set_perm(ctx, n, k_perm_read_write, running);
    if (s.ok())
        s = confirm_perm(ctx, n, k_perm_read_write, DownNameServers::skip);
    if (s.ok()) {
        ctx.say(Level::info, &n, label + " restored to perm 6 (read-write)");
        return true;
    }
    // The call may have failed after the broker applied it: read again before raising the alarm.
    const auto after = routes_only ? std::nullopt : live_perm(ctx, node);
    if (after && (*after & rmq::k_perm_write) != 0) {
        ctx.say(Level::warning, &n, label + " is read-write (brokerPermission=" + std::to_string(*after) +
                                        ") but confirming it on every NameServer failed: " + s.error().describe());
        return true;
    }
    left_read_only(ctx, n, label + ": READ-ONLY: restoring perm 6 failed (" + s.error().describe() + "); run `" +
                               fix_command(node) + "`");
    return false;
}

}  // namespace rmqup::engine::detail
