// Waiting for a restarted node to be back: a broker registered on every NameServer at the
// expected version (facts 3, 26); a NameServer listing every broker again (fact 5).
#include "steps.hpp"

namespace rmqup::engine::detail {

Result<bool> lists_broker(Context& ctx, const std::string& ns, const PlanNode& b) {
    auto ci = ctx.admin().cluster_info(ns);
    if (!ci.ok())
        return std::move(ci).error().with("cluster info of nameserver " + ns);
    auto it = ci->broker_addr_table.find(b.broker_name);
    if (it == ci->broker_addr_table.end())
        return false;
    auto a = it->second.broker_addrs.find(b.broker_id);
    return a != it->second.broker_addrs.end() && a->second == b.address;
}

namespace {

// Where a started process stands on its address (fact 32: the listener is the process).
enum class StartState {
    listening,      // the listener runs from spec.home
    wrong_home,     // the listener runs from another home: fail fast (fact 29)
    not_listening,  // booting: nothing listens yet
    exited,         // what the start launched is gone (fact 26: silent exits): fail fast
};

Result<StartState> start_state(Context& ctx, NodeRun& n, const ProcessSpec& spec, std::optional<ProcessIdentity>& found) {
    const auto& node = *n.node;
    auto id = identify(ctx, node, spec);
    if (!id.ok())
        return std::move(id).error();
    if (*id) {
        found = **id;
        return (*id)->home_matches ? StartState::listening : StartState::wrong_home;
    }
    if (n.started_pid > 0) {
        auto ops = ctx.host(node);
        if (!ops.ok())
            return std::move(ops).error();
        auto alive = (*ops)->path_exists("/proc/" + std::to_string(n.started_pid));
        if (alive.ok() && !*alive)
            return StartState::exited;
    }
    ctx.set_reason("nothing listens on " + node.address + " yet");
    return StartState::not_listening;
}

// Ends a wait when the start has failed for good; sets failure for the caller to return.
bool start_failed(StartState st, const PlanNode& node, const ProcessSpec& spec,
                  const std::optional<ProcessIdentity>& found, std::optional<Error>& failure) {
    if (st == StartState::exited) {
        failure = make_error(ErrorKind::rejected, node_label(node) + " exited after start; see " +
                                                      (spec.log_path.empty() ? std::string("its log") : spec.log_path));
        return true;
    }
    if (st == StartState::wrong_home && found) {
        failure = wrong_home_error(node, spec, *found);
        return true;
    }
    return false;
}

Status await_broker(Context& ctx, NodeRun& n, const std::string& version, const ProcessSpec& spec,
                    DownNameServers down) {
    const auto& node = *n.node;
    const std::string want = version_desc(version);
    std::optional<Error> failure;
    // The listener proven to run from spec.home; later polls only ask the broker and the NameServers
    // (a shell probe per poll per node was most of a wave's CPU), and the end is proven again below.
    std::optional<int> proven_pid;
    auto check = [&]() -> Result<bool> {
        if (!proven_pid) {
            std::optional<ProcessIdentity> found;
            auto st = start_state(ctx, n, spec, found);
            if (!st.ok())
                return std::move(st).error();
            if (start_failed(*st, node, spec, found, failure))
                return true;  // ends the wait; reported as a failure below
            if (*st != StartState::listening)
                return false;
            proven_pid = found->pid;
        }
        // GET_BROKER_RUNTIME_INFO answers SYSTEM_ERROR for ~1 s after boot (not_ready): retried.
        auto ri = ctx.admin().runtime_info(node.address);
        if (!ri.ok()) {
            if (ri.error().kind == ErrorKind::unreachable)
                proven_pid.reset();  // gone again? the next poll probes the host (a silent exit fails fast)
            return std::move(ri).error();
        }
        if (ri->version_desc != want) {
            ctx.set_reason("runs " + ri->version_desc + ", expected " + want);
            return false;
        }
        size_t answered = 0;
        for (const auto& ns : ctx.plan().nameservers) {
            auto listed = lists_broker(ctx, ns, node);
            if (!listed.ok() && listed.error().kind == ErrorKind::unreachable && down == DownNameServers::skip)
                continue;  // a rollback does not wait for a NameServer we cannot reach
            if (!listed.ok())
                return std::move(listed).error();
            ++answered;
            if (!*listed) {
                ctx.set_reason("not yet registered on nameserver " + ns);
                return false;
            }
        }
        if (answered == 0) {
            ctx.set_reason("no nameserver answers");
            return false;
        }
        // Registered at the version: the listener must still be the proven process (not a second
        // start by a unit, not another binary that came up meanwhile).
        std::optional<ProcessIdentity> found;
        auto st = start_state(ctx, n, spec, found);
        if (!st.ok())
            return std::move(st).error();
        if (start_failed(*st, node, spec, found, failure))
            return true;
        if (*st != StartState::listening || found->pid != *proven_pid) {
            ctx.set_reason("the listener changed from pid " + std::to_string(*proven_pid) + " while it registered");
            proven_pid.reset();
            return false;
        }
        return true;
    };
    // A booting broker answers oddly (refused, not ready, system errors): all of it is "not yet".
    const Millis timeout = start_timeout(ctx, n);
    auto r = ctx.wait_until(n, node_label(node) + " registered at " + want, timeout,
                            ctx.plan().policy.drain.poll_interval, RetryOn::any, check, Sampling::cluster_tps);
    if (!r.ok())
        return std::move(r).error().with("await registration of " + node_label(node));
    if (failure)
        return *failure;
    if (*r == WaitResult::timed_out)
        return make_error(ErrorKind::timeout, node_label(node) + " not registered at " + want + " within " +
                                                  std::to_string(timeout.count()) + " ms: " + ctx.last_reason());
    return ok_status();
}

Status await_nameserver(Context& ctx, NodeRun& n, const ProcessSpec& spec) {
    const auto& node = *n.node;
    std::optional<Error> failure;
    auto check = [&]() -> Result<bool> {
        // A NameServer does not tell its version: the binary is proven by the home it runs from,
        // so it is never journaled done on the wrong one.
        std::optional<ProcessIdentity> found;
        auto st = start_state(ctx, n, spec, found);
        if (!st.ok())
            return std::move(st).error();
        if (start_failed(*st, node, spec, found, failure))
            return true;
        if (*st != StartState::listening)
            return false;
        for (const auto& b : ctx.plan().nodes) {
            if (b.kind != NodeKind::broker)
                continue;
            auto listed = lists_broker(ctx, node.address, b);
            if (!listed.ok())
                return std::move(listed).error();
            if (!*listed) {
                ctx.set_reason(node_label(node) + " does not list " + b.broker_name + "@" +
                               std::to_string(b.broker_id) + " yet");
                return false;
            }
        }
        return true;
    };
    const Millis timeout = ctx.plan().policy.timeouts.registration;
    auto r = ctx.wait_until(n, node_label(node) + " lists every broker", timeout,
                            ctx.plan().policy.drain.poll_interval, RetryOn::any, check, Sampling::cluster_tps);
    if (!r.ok())
        return std::move(r).error().with("await brokers on " + node_label(node));
    if (failure)
        return *failure;
    if (*r == WaitResult::timed_out)
        return make_error(ErrorKind::timeout, node_label(node) + " did not list every broker within " +
                                                  std::to_string(timeout.count()) + " ms: " + ctx.last_reason());
    return ok_status();
}

}  // namespace

Status await_registration_step(Context& ctx, NodeRun& n, const std::string& version) {
    const bool rollback = n.phase == Phase::rolling_back;
    const ProcessSpec& spec = rollback ? n.node->current : n.node->target;
    if (n.node->kind == NodeKind::nameserver)
        return await_nameserver(ctx, n, spec);
    return await_broker(ctx, n, version, spec, rollback ? DownNameServers::skip : DownNameServers::fail);
}

}  // namespace rmqup::engine::detail
