// Runs a plan (apply / resume / rollback): batches in order, the canary gate, and the summary.
#include "rmqup/engine/engine.hpp"

#include <algorithm>
#include <map>

#include "node_flow.hpp"
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

// First phase of n's flow at or after entry.
Phase clamp_to_flow(const PlanNode& node, Phase entry) {
    for (Phase p : detail::flow_for(node))
        if (detail::flow_rank(p) >= detail::flow_rank(entry))
            return p;
    return Phase::done;
}

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
    s.read_only_left = ctx.read_only_left;
    s.failures = ctx.failures;
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
    }
    if (!s.read_only_left.empty())
        s.message += "; READ-ONLY brokers left: " + std::to_string(s.read_only_left.size());
    return s;
}

// The canary gate: an observation window after the canary batch. Waiting (not stopping) keeps
// the run unattended; Ctrl-C during it pauses cleanly (no node is mid-flow).
Result<RunStatus> canary_wait(Context& ctx, NodeRun& last) {
    const Millis pause = ctx.plan().policy.pause_after_canary;
    ctx.say(Level::info, &last, "canary done: observing the cluster for " + std::to_string(pause.count() / 1000) +
                                    " s before the next batch (Ctrl-C pauses; `resume` continues)");
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

bool canary_group_done(Context& ctx) {
    const auto& group = ctx.plan().policy.canary_group;
    for (auto& n : ctx.nodes())
        if (group && n.node->broker_name == *group && !terminal_ok(n.phase))
            return false;
    return true;
}

Result<RunStatus> drive(Context& ctx, const States& states) {
    for (auto& n : ctx.nodes()) {
        auto it = states.find(n.node->id);
        if (it != states.end())
            n.phase = it->second.phase;
        if (n.node->skip && n.phase == Phase::pending)
            RMQUP_TRY(ctx.transition(n, Phase::skipped, n.node->skip_reason));
    }
    const auto& pol = ctx.plan().policy;
    bool canary = false;  // a canary node ran in this run and the gate has not been passed yet
    for (const auto& batch : batches_of(ctx.plan())) {
        NodeRun* last = nullptr;
        for (const auto& id : batch) {
            NodeRun* n = ctx.find(id);
            if (n == nullptr) {
                ctx.say(Level::warning, nullptr, "plan batch names unknown node " + id + "; ignored");
                continue;
            }
            if (terminal_ok(n->phase) || n->node->skip)
                continue;
            if (ctx.interrupted())
                return RunStatus::interrupted;
            Phase entry = detail::flow_for(*n->node).front();
            auto st = states.find(id);
            if (st != states.end() && n->phase != Phase::pending && n->phase != Phase::rolled_back) {
                Phase journaled = st->second.phase;
                if (journaled == Phase::paused || journaled == Phase::failed)
                    journaled = st->second.from;
                if (journaled == Phase::rolling_back) {
                    // A rollback was under way: finish it, never resume the upgrade past it.
                    n->failed_at = Phase::rolling_back;
                    RMQUP_TRY(detail::rollback_node(ctx, *n, "resuming an interrupted rollback"));
                    return n->phase == Phase::rolled_back ? RunStatus::rolled_back : RunStatus::failed;
                }
                if (journaled != Phase::pending && journaled != Phase::rolled_back) {
                    auto e = detail::resume_entry(ctx, *n, journaled);
                    if (!e.ok())
                        return detail::handle_failure(ctx, *n, e.error());
                    entry = clamp_to_flow(*n->node, *e);
                    ctx.say(Level::info, n, "resuming " + detail::node_label(*n->node) + " at " + phase_name(entry) +
                                                " (journal: " + phase_name(journaled) + ")");
                }
            }
            auto r = detail::run_node(ctx, *n, entry);
            if (!r.ok())
                return std::move(r).error();
            if (*r != RunStatus::completed)
                return *r;
            last = n;
            if (pol.canary_group && n->node->broker_name == *pol.canary_group)
                canary = true;
        }
        // The gate opens once the whole canary group (slaves and master) is done, even when the
        // plan puts its members in separate batches.
        if (canary && last != nullptr && pol.pause_after_canary > Millis(0) && canary_group_done(ctx)) {
            canary = false;
            auto r = canary_wait(ctx, *last);
            if (!r.ok() || *r != RunStatus::completed)
                return r;
        }
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
    return finish(ctx, drive(ctx, {}), started);
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
    return finish(ctx, drive(ctx, to_map(last_states(*records))), started);
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
