// Runs a plan (apply / resume / rollback): batches in order, the canary gate, and the summary.
#include "rmqup/engine/engine.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <thread>

#include "gates.hpp"
#include "node_flow.hpp"
#include "progress.hpp"
#include "rmqup/plan/plan_io.hpp"

namespace rmqup::engine {

using detail::Context;
using detail::NodeRun;

const char* run_status_name(RunStatus s) {
    switch (s) {
    case RunStatus::completed: return "completed";
    case RunStatus::paused: return "paused";
    case RunStatus::rolled_back: return "rolled_back";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
    case RunStatus::awaiting_approval: return "awaiting_approval";
    }
    return "unknown";
}

namespace {

using States = std::map<std::string, NodeJournalState>;

std::vector<std::vector<std::string>> batches_of(const Plan& plan) {
    if (!plan.batches.empty())
        return plan.batches;
    std::vector<std::vector<std::string>> out;
    for (const auto& n : plan.nodes)
        out.push_back({n.id});
    return out;
}

bool terminal_ok(Phase p) { return p == Phase::done || p == Phase::skipped; }

// What the run was asked to do: the summary's wording depends on it.
enum class RunKind { upgrade, rollback };

RunSummary summarize(Context& ctx, RunStatus status, std::int64_t started_ms, RunKind kind) {
    RunSummary s;
    s.status = status;
    s.mode = ctx.mode();
    s.cluster = ctx.plan().cluster;
    s.target_version = ctx.plan().target_version;
    s.started_ms = started_ms;
    s.ended_ms = ctx.clock().wall_ms();
    for (auto& n : ctx.nodes()) {
        NodeOutcome o;
        o.id = n.node->id;
        o.kind = n.node->kind;
        o.label = detail::node_label(*n.node);
        o.final_phase = n.phase;
        o.version_before = n.node->current_version;
        switch (n.phase) {
        case Phase::done:
        case Phase::skipped: o.version_after = n.node->target_version; break;
        case Phase::rolled_back:
        case Phase::pending: o.version_after = n.node->current_version; break;
        default: break;  // mid-flow or failed: unknown without asking the node
        }
        o.started_ms = n.started_ms;
        o.ended_ms = n.ended_ms;
        o.target_starts = n.target_starts;
        o.rolled_back = n.rolled_back;
        o.message = n.message;
        if (n.rolled_back)
            ++s.rollbacks;
        s.nodes.push_back(o);
    }
    s.read_only_left = ctx.read_only_left();
    s.failures = ctx.failures();
    switch (status) {
    case RunStatus::completed:
        s.message = kind == RunKind::rollback ? "nothing to roll back"
                                              : "every node is at " + ctx.plan().target_version + " (or was skipped)";
        break;
    case RunStatus::paused:
        s.message = "fix the cause, then `rmq-upgrade resume --journal DIR` continues where it stopped";
        break;
    case RunStatus::interrupted:
        s.message = "`rmq-upgrade resume --journal DIR` continues where it stopped";
        break;
    case RunStatus::rolled_back:
        s.message = kind == RunKind::rollback
                        ? "every node in scope is back on its old version"
                        : "a node failed and was rolled back to its old version; the run stopped (see failures)";
        break;
    case RunStatus::failed: s.message = "operator action needed (see failures)"; break;
    case RunStatus::awaiting_approval:
        s.message = "stopped for approval after " + ctx.awaiting_gate +
                    ": check the cluster, then `rmq-upgrade resume --approve --journal DIR` continues "
                    "(or `rmq-upgrade rollback`)";
        s.gate = ctx.awaiting_gate;
        break;
    }
    if (!s.read_only_left.empty())
        s.message += "; READ-ONLY brokers left: " + std::to_string(s.read_only_left.size());
    return s;
}

// The canary's observation window: the cluster's TPS is sampled while nothing restarts; Ctrl-C
// during it pauses cleanly (no node is mid-flow).
Result<RunStatus> canary_wait(Context& ctx, NodeRun& last) {
    const Millis pause = ctx.plan().policy.pause_after_canary;
    ctx.say(Level::info, &last, "canary done: observing the cluster for " + std::to_string(pause.count() / 1000) +
                                    " s before the next wave (Ctrl-C pauses; `resume` continues)");
    auto r = ctx.wait_until(
        last, "canary observation window", pause, ctx.plan().policy.drain.poll_interval, detail::RetryOn::transient,
        [&]() -> Result<bool> {
            ctx.set_reason("observing");
            return false;
        },
        detail::Sampling::cluster_tps);
    if (!r.ok()) {
        if (r.error().kind == ErrorKind::interrupted)
            return RunStatus::interrupted;
        return std::move(r).error();
    }
    return RunStatus::completed;
}

bool group_done(Context& ctx, const std::string& group) {
    for (auto& n : ctx.nodes())
        if (n.node->kind == NodeKind::broker && n.node->broker_name == group && !terminal_ok(n.phase))
            return false;
    return true;
}

// Where node n starts in this run (the journal's states) and its run to the end of its flow.
Result<RunStatus> run_one(Context& ctx, NodeRun& n, const States& states) {
    Phase entry = detail::flow_for(*n.node).front();
    auto st = states.find(n.node->id);
    if (st != states.end() && n.phase != Phase::pending && n.phase != Phase::rolled_back) {
        Phase journaled = st->second.phase;
        if (journaled == Phase::paused || journaled == Phase::failed)
            journaled = st->second.from;
        if (journaled == Phase::rolling_back) {
            // A rollback was under way: finish it, never resume the upgrade past it.
            n.failed_at = Phase::rolling_back;
            RMQUP_TRY(detail::rollback_node(ctx, n, "resuming an interrupted rollback"));
            return n.phase == Phase::rolled_back ? RunStatus::rolled_back : RunStatus::failed;
        }
        if (journaled != Phase::pending && journaled != Phase::rolled_back) {
            auto e = detail::resume_entry(ctx, n, journaled);
            if (!e.ok())
                return detail::handle_failure(ctx, n, e.error());
            entry = detail::first_in_flow_from(*n.node, *e);
            ctx.say(Level::info, &n, "resuming " + detail::node_label(*n.node) + " at " + phase_name(entry) +
                                         " (journal: " + phase_name(journaled) + ")");
        }
    }
    return detail::run_node(ctx, n, entry);
}

// How a wave ended: the worst of its nodes' outcomes (a journal error first).
int severity(RunStatus s) {
    switch (s) {
    case RunStatus::completed: return 0;
    case RunStatus::awaiting_approval: return 1;
    case RunStatus::interrupted: return 2;
    case RunStatus::paused: return 3;
    case RunStatus::rolled_back: return 4;
    case RunStatus::failed: return 5;
    }
    return 5;
}

// Runs the nodes of one wave on their own threads; every node's flow ends (done, rolled back,
// paused) before this returns. The manual clock moves only when all of them wait.
Result<RunStatus> run_concurrently(Context& ctx, const std::vector<NodeRun*>& todo, const States& states,
                                   detail::ProgressTracker& progress) {
    std::vector<std::optional<Result<RunStatus>>> results(todo.size());
    std::vector<std::exception_ptr> thrown(todo.size());
    ctx.clock().begin_concurrent(static_cast<int>(todo.size()));
    std::vector<std::thread> threads;
    threads.reserve(todo.size());
    for (std::size_t i = 0; i < todo.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                results[i] = run_one(ctx, *todo[i], states);
                progress.node_finished(*todo[i]);
            } catch (...) {
                thrown[i] = std::current_exception();  // rethrown on the caller's thread below
            }
            ctx.clock().end_concurrent();
        });
    }
    for (auto& t : threads)
        t.join();
    for (auto& e : thrown)
        if (e)
            std::rethrow_exception(e);
    RunStatus worst = RunStatus::completed;
    for (auto& r : results) {
        if (!r->ok())
            return std::move(*r).error();
        if (severity(**r) > severity(worst))
            worst = **r;
    }
    return worst;
}

// The engine's own guard on what the planner proved: nodes restarting together are never two
// members of one group, nor more than policy.max_per_host nodes of one host.
Status check_wave(Context& ctx, const std::vector<NodeRun*>& todo) {
    std::map<std::string, int> groups;
    std::map<std::string, int> hosts;
    for (const NodeRun* n : todo) {
        if (n->node->kind == NodeKind::broker && ++groups[n->node->broker_name] > 1)
            return make_error(ErrorKind::invalid_input, "the plan's wave holds two members of " +
                                                            n->node->broker_name + "; plan again");
        if (++hosts[n->node->host] > std::max(1, ctx.plan().policy.max_per_host))
            return make_error(ErrorKind::invalid_input, "the plan's wave restarts more than " +
                                                            std::to_string(ctx.plan().policy.max_per_host) +
                                                            " node(s) of host " + n->node->host + "; plan again");
    }
    return ok_status();
}

Result<RunStatus> run_wave(Context& ctx, const std::vector<NodeRun*>& todo, const States& states,
                           detail::ProgressTracker& progress) {
    if (ctx.interrupted())
        return RunStatus::interrupted;
    // Dry runs record one node after another: the recording adapters describe, they do not race.
    const bool concurrent =
        todo.size() > 1 && ctx.plan().policy.parallel > 1 && ctx.mode() == RunMode::live;
    if (concurrent) {
        RMQUP_TRY(check_wave(ctx, todo));
        return run_concurrently(ctx, todo, states, progress);
    }
    for (NodeRun* n : todo) {
        if (ctx.interrupted())
            return RunStatus::interrupted;
        auto r = run_one(ctx, *n, states);
        if (r.ok())
            progress.node_finished(*n);
        if (!r.ok() || *r != RunStatus::completed)
            return r;
    }
    return RunStatus::completed;
}

struct Gates {
    std::vector<std::string> approved;
    std::optional<double> baseline;
};

bool wants_approval_after(const Policy& pol, int wave) {
    return pol.pause_after_every_wave ||
           std::find(pol.pause_after_waves.begin(), pol.pause_after_waves.end(), wave) != pol.pause_after_waves.end();
}

// The gates after wave `wave` (1-based) whose last node was `last`. canary_now: the canary group
// finished with this wave; observe: it finished in this run (a resumed run does not observe again).
Result<RunStatus> after_wave(Context& ctx, const Gates& gates, int wave, NodeRun& last, bool canary_now,
                             bool observe) {
    const auto& pol = ctx.plan().policy;
    if (canary_now) {
        if (observe && pol.pause_after_canary > Millis(0)) {
            auto r = canary_wait(ctx, last);
            if (!r.ok() || *r != RunStatus::completed)
                return r;
        }
        if (pol.approve_after_canary) {
            auto r = detail::approval_gate(ctx, "canary", gates.approved,
                                           "the canary group " + *pol.canary_group + " runs " +
                                               ctx.plan().target_version + ": check its clients, consumer lag and logs");
            if (!r.ok() || *r != RunStatus::completed)
                return r;
        }
    }
    if (wants_approval_after(pol, wave))
        return detail::approval_gate(ctx, "wave " + std::to_string(wave), gates.approved,
                                     "wave " + std::to_string(wave) + " is done: check the cluster before wave " +
                                         std::to_string(wave + 1));
    return RunStatus::completed;
}

// The nodes of a wave this run still has to drive (not done, not skipped).
std::vector<NodeRun*> pending_of(Context& ctx, const std::vector<std::string>& wave) {
    std::vector<NodeRun*> todo;
    for (const auto& id : wave) {
        NodeRun* n = ctx.find(id);
        if (n == nullptr) {
            ctx.say(Level::warning, nullptr, "plan wave names unknown node " + id + "; ignored");
            continue;
        }
        if (!terminal_ok(n->phase) && !n->node->skip)
            todo.push_back(n);
    }
    return todo;
}

bool has_brokers(const std::vector<NodeRun*>& nodes) {
    return std::any_of(nodes.begin(), nodes.end(), [](NodeRun* n) { return n->node->kind == NodeKind::broker; });
}

// The baseline of the health gate: the journal's (a resumed roll keeps the first run's) or measured now.
Result<std::optional<double>> baseline_of(Context& ctx, const GateState& journal) {
    if (journal.baseline_put_tps)
        return journal.baseline_put_tps;
    if (ctx.mode() == RunMode::dry_run || ctx.plan().policy.health_gate.min_put_tps_ratio <= 0)
        return std::optional<double>();
    auto tps = detail::cluster_put_tps(ctx);
    if (!tps)
        return std::optional<double>();
    JournalRecord r;
    r.kind = RecordKind::baseline;
    r.value = *tps;
    r.message = "cluster put TPS before the first change (sum of the masters' 10 s windows)";
    RMQUP_TRY(ctx.gate_record(r));
    return tps;
}

Result<RunStatus> drive(Context& ctx, const States& states, const GateState& journal_gates) {
    for (auto& n : ctx.nodes()) {
        auto it = states.find(n.node->id);
        if (it != states.end())
            n.phase = it->second.phase;
        if (n.node->skip && n.phase == Phase::pending)
            RMQUP_TRY(ctx.transition(n, Phase::skipped, n.node->skip_reason));
    }
    const auto& pol = ctx.plan().policy;
    Gates gates;
    gates.approved = journal_gates.approved;
    auto baseline = baseline_of(ctx, journal_gates);
    if (!baseline.ok())
        return std::move(baseline).error();
    gates.baseline = *baseline;
    const auto waves = batches_of(ctx.plan());
    detail::ProgressTracker progress(ctx, waves);
    bool canary_pending = pol.canary_group.has_value();  // its gate not yet passed in this drive
    NodeRun* last = nullptr;
    for (std::size_t w = 0; w < waves.size(); ++w) {
        const int wave_no = static_cast<int>(w) + 1;
        auto todo = pending_of(ctx, waves[w]);
        // Before a NEW wave only: a wave caught mid-flow (resume) finishes first, whatever the gate says.
        const bool fresh = std::all_of(todo.begin(), todo.end(), [](NodeRun* n) { return n->phase == Phase::pending; });
        if (!todo.empty() && fresh && has_brokers(todo) && last != nullptr) {
            auto h = detail::health_gate(ctx, *last, gates.baseline, wave_no);
            if (!h.ok() || *h != RunStatus::completed)
                return h;
        }
        if (!todo.empty())
            progress.wave_started(wave_no, todo);
        auto r = run_wave(ctx, todo, states, progress);
        if (!todo.empty())
            progress.wave_ended();
        if (!r.ok() || *r != RunStatus::completed)
            return r;
        for (const auto& id : waves[w])
            if (NodeRun* n = ctx.find(id); n != nullptr && !n->node->skip)
                last = n;
        if (last == nullptr || w + 1 == waves.size())
            continue;
        // The canary gate opens once the whole canary group (slaves and master) is done.
        const bool canary_now = canary_pending && group_done(ctx, *pol.canary_group) &&
                                std::any_of(waves[w].begin(), waves[w].end(), [&](const std::string& id) {
                                    const NodeRun* n = ctx.find(id);
                                    return n != nullptr && n->node->broker_name == *pol.canary_group;
                                });
        if (canary_now)
            canary_pending = false;
        // Gates count only when a later wave still has work.
        bool more = false;
        for (std::size_t k = w + 1; k < waves.size() && !more; ++k)
            more = !pending_of(ctx, waves[k]).empty();
        if (!more)
            continue;
        // A resumed run passes gates of waves finished earlier without a new observation window.
        auto g = after_wave(ctx, gates, wave_no, *last, canary_now, !todo.empty());
        if (!g.ok() || *g != RunStatus::completed)
            return g;
    }
    return RunStatus::completed;
}

Result<RunSummary> finish(Context& ctx, Result<RunStatus> status, std::int64_t started_ms,
                          RunKind kind = RunKind::upgrade) {
    if (!status.ok())
        return std::move(status).error();
    RMQUP_TRY(ctx.run_record(RecordKind::run_ended, run_status_name(*status)));
    return summarize(ctx, *status, started_ms, kind);
}

States to_map(const std::vector<std::pair<std::string, NodeJournalState>>& v) {
    return States(v.begin(), v.end());
}

// A journal continues only the plan it was started with.
Status check_same_plan(const Plan& plan, const std::vector<JournalRecord>& records) {
    const std::string hash = plan_hash(plan);
    for (const auto& r : records)
        if (r.kind == RecordKind::run_started && !r.plan_hash.empty() && r.plan_hash != hash)
            return make_error(ErrorKind::conflict, "the journal belongs to another plan (hash " + r.plan_hash +
                                                       ", this plan " + hash + ")");
    return ok_status();
}

}  // namespace

Result<RunSummary> run_apply(const Plan& plan, EngineDeps& deps, RunMode mode) {
    Context ctx(plan, deps, mode);
    const std::int64_t started = deps.clock.wall_ms();
    RMQUP_TRY(ctx.run_record(RecordKind::run_started,
                             std::string(mode == RunMode::dry_run ? "dry-run " : "") + "apply " + plan.cluster +
                                 " -> " + plan.target_version,
                             plan_hash(plan)));
    return finish(ctx, drive(ctx, {}, GateState{}), started);
}

Result<RunSummary> run_resume(const Plan& plan, EngineDeps& deps) {
    auto records = deps.journal.load();
    if (!records.ok())
        return std::move(records).error().with("load journal");
    RMQUP_TRY(check_same_plan(plan, *records));
    Context ctx(plan, deps, RunMode::live);
    const std::int64_t started = deps.clock.wall_ms();
    RMQUP_TRY(ctx.run_record(RecordKind::run_started, "resume " + plan.cluster + " -> " + plan.target_version,
                             plan_hash(plan)));
    GateState gates = gate_state(*records);
    if (deps.approve) {
        if (gates.awaiting.empty()) {
            ctx.say(Level::warning, nullptr, "--approve: the journal does not wait at any gate; nothing to approve");
        } else {
            JournalRecord r;
            r.kind = RecordKind::approved;
            r.gate = gates.awaiting;
            r.message = "approved by the operator";
            RMQUP_TRY(ctx.gate_record(r));
            ctx.say(Level::info, nullptr, "approved: " + gates.awaiting + "; continuing");
            gates.approved.push_back(gates.awaiting);
            gates.awaiting.clear();
        }
    }
    return finish(ctx, drive(ctx, to_map(last_states(*records)), gates), started);
}

Result<RunSummary> run_rollback(const Plan& plan, EngineDeps& deps, const RollbackScope& scope) {
    auto records = deps.journal.load();
    if (!records.ok())
        return std::move(records).error().with("load journal");
    RMQUP_TRY(check_same_plan(plan, *records));
    const States states = to_map(last_states(*records));
    Context ctx(plan, deps, RunMode::live);
    const std::int64_t started = deps.clock.wall_ms();
    RMQUP_TRY(ctx.run_record(RecordKind::run_started,
                             "rollback " + (scope.broker_name ? "broker " + *scope.broker_name : std::string("all")),
                             plan_hash(plan)));
    // Brokers in reverse plan order, then NameServers (also reversed): the exact opposite of
    // the upgrade, so NameServers stay newest-first as long as any broker is new.
    std::vector<NodeRun*> order;
    for (auto kind : {NodeKind::broker, NodeKind::nameserver}) {
        auto& nodes = ctx.nodes();
        for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
            if (it->node->kind != kind)
                continue;
            if (scope.broker_name && (kind != NodeKind::broker || it->node->broker_name != *scope.broker_name))
                continue;
            auto st = states.find(it->node->id);
            if (st == states.end())
                continue;
            const Phase p = st->second.phase;
            if (p == Phase::pending || p == Phase::skipped || p == Phase::rolled_back)
                continue;
            it->phase = p;
            it->failed_at = (p == Phase::paused || p == Phase::failed) ? st->second.from : p;
            order.push_back(&*it);
        }
    }
    if (order.empty())
        ctx.say(Level::info, nullptr, "nothing to roll back: the journal shows no upgraded node in scope");
    RunStatus status = RunStatus::rolled_back;
    for (NodeRun* n : order) {
        RMQUP_TRY(detail::rollback_node(ctx, *n, "rollback requested by the operator"));
        if (n->phase != Phase::rolled_back) {
            status = RunStatus::failed;
            break;
        }
    }
    if (order.empty())
        status = RunStatus::completed;
    return finish(ctx, status, started, RunKind::rollback);
}

}  // namespace rmqup::engine
