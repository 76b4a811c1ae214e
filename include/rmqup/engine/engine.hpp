// The step engine: drives a reviewed Plan node by node through the rollout phases
// (core/phase.hpp). Pure logic: every effect goes through AdminApi, HostOps (looked up by host
// name), Clock, Journal and Reporter, so the same code runs live, in a dry run and in tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/admin/admin_api.hpp"
#include "rmqup/core/clock.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/engine/journal.hpp"
#include "rmqup/engine/reporter.hpp"
#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/core/phase.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup::engine {

// Everything the engine touches. All references must outlive the run.
struct EngineDeps {
    AdminApi& admin;
    // HostOps for an inventory host name (PlanNode::host); an error stops that node's step.
    std::function<Result<HostOps*>(const std::string& host)> hosts;
    Clock& clock;
    Journal& journal;
    Reporter& reporter;
    // Set asynchronously (SIGINT/SIGTERM); checked between steps and during waits. May be null.
    const std::atomic<bool>* interrupt = nullptr;
    // run_resume only: the operator approves the gate the journal waits at (`resume --approve`).
    bool approve = false;
};

enum class RunMode {
    live,     // real adapters
    dry_run,  // recording adapters and a manual clock: nothing is touched
};

enum class RunStatus {
    completed,    // every node done or skipped
    paused,       // stopped by the pause policy or the canary gate; `resume` continues
    rolled_back,  // a node failed and was put back on its old version (rollback policy)
    failed,       // a node failed and could not be rolled back, or the abort policy applied
    interrupted,  // Ctrl-C / SIGTERM; `resume` continues
    awaiting_approval,  // stopped at an approval gate (no node mid-flow); `resume --approve` continues
};

const char* run_status_name(RunStatus s);

struct NodeOutcome {
    std::string id;
    NodeKind kind = NodeKind::broker;
    std::string label;             // "broker-a@0 (127.0.0.1:10911)" / "ns 127.0.0.2:9876"
    Phase final_phase = Phase::pending;
    std::string version_before;
    std::string version_after;     // what the node runs at the end (empty if unknown)
    std::int64_t started_ms = 0;   // wall ms of its first transition in this run (0: untouched)
    std::int64_t ended_ms = 0;
    int target_starts = 0;         // HostOps::start calls of the target made in this run
    bool rolled_back = false;
    std::string message;           // failure / pause reason
};

struct RunSummary {
    RunStatus status = RunStatus::completed;
    std::string gate;                          // awaiting_approval: "canary" or "wave 3"
    RunMode mode = RunMode::live;
    std::string cluster;
    std::string target_version;
    std::vector<NodeOutcome> nodes;            // plan order
    std::vector<std::string> read_only_left;   // "broker-a@0: <why>" — must be empty
    std::vector<std::string> failures;         // one line per failure
    int rollbacks = 0;
    std::int64_t started_ms = 0;
    std::int64_t ended_ms = 0;
    std::string message;                       // how it ended, with what to do next
};

// Waves run in Plan::batches order. With policy.parallel > 1 (and a live run) the nodes of a wave run
// concurrently, each on its own thread with its own waits, journal records and perm-6 safety
// boundary; a failure in one node lets the others of the wave finish (each under onFailure) and
// starts no new wave. Between waves: the health gate (policy.health_gate) and the approval gates
// (policy.approve_after_canary, pause_after_waves, pause_after_every_wave).
// Runs a fresh apply of plan. Errors only for things that prevent running at all (journal
// unwritable, invalid plan); policy outcomes (pause, rollback, failure) are in RunSummary::status.
Result<RunSummary> run_apply(const Plan& plan, EngineDeps& deps, RunMode mode = RunMode::live);

// Continues a run from deps.journal: nodes journaled done/skipped are not touched again; a node
// caught mid-flow re-checks the live state (process running? version? perm?) before continuing.
Result<RunSummary> run_resume(const Plan& plan, EngineDeps& deps);

struct RollbackScope {
    std::optional<std::string> broker_name;  // only this broker group (all its members)
    // neither set = every touched node (--all)
};

// Puts touched nodes (per the journal) back on node.current: brokers in reverse plan order, then
// NameServers; each ends at perm 6 and verified.
Result<RunSummary> run_rollback(const Plan& plan, EngineDeps& deps, const RollbackScope& scope);

}  // namespace rmqup::engine
