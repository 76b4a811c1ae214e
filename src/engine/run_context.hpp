// Internal: the state shared by every step of one run, and the ONE transition function through
// which every node phase change is journaled and reported.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/engine/engine.hpp"

namespace rmqup::engine::detail {

// One node's state during a run.
struct NodeRun {
    const PlanNode* node = nullptr;
    Phase phase = Phase::pending;
    Phase failed_at = Phase::pending;   // the phase a failure/interrupt happened in
    bool abnormal_shutdown = false;     // abort marker survived the stop: allow a longer start
    int target_starts = 0;
    int started_pid = 0;                // what the last start launched (0: none / service manager)
    bool rolled_back = false;
    std::int64_t started_ms = 0;
    std::int64_t ended_ms = 0;
    std::string message;
    std::string route_topic_cache;      // topic used to read this broker's route
};

enum class WaitResult { met, timed_out };

// Whether a wait also samples the cluster's put TPS for the report.
enum class Sampling { off, cluster_tps };

// Which errors a wait treats as "not yet" instead of a failure.
enum class RetryOn {
    transient,  // not_ready, timeout, unreachable
    any,        // everything (a node that is booting answers oddly)
};

class Context {
public:
    Context(const Plan& plan, EngineDeps& deps, RunMode mode);

    // THE transition: journals {node, from, to, note}, reports it, then updates n.phase.
    // Fails only when the journal cannot be written (the run must then stop).
    Status transition(NodeRun& n, Phase to, const std::string& note = {});
    // A journal note (no phase change) and a reporter message.
    Status note(NodeRun& n, const std::string& text);
    void say(Level level, const NodeRun* n, const std::string& text);
    // Reports e as it is (progress events).
    void report(const Event& e);
    Status run_record(RecordKind kind, const std::string& text, const std::string& plan_hash = {});
    // Journals a gate or baseline record as given (wall time set here).
    Status gate_record(JournalRecord r);

    bool interrupted() const;
    // While a safety action runs (restoring perm 6 after Ctrl-C), interrupts are not honoured by
    // the calling thread (each node of a wave runs on its own thread).
    class SafetyScope {
    public:
        explicit SafetyScope(Context& c);
        ~SafetyScope();
        SafetyScope(const SafetyScope&) = delete;
        SafetyScope& operator=(const SafetyScope&) = delete;

    private:
        bool m_prev;
    };
    // Polls check every interval until it yields true (met), the timeout passes (timed_out, with
    // last_reason() telling what was still missing) or an error not covered by retry occurs.
    // Reports the wait with time left; samples cluster TPS when sample_tps is set.
    Result<WaitResult> wait_until(NodeRun& n, const std::string& what, Millis timeout, Millis interval,
                                  RetryOn retry, const std::function<Result<bool>()>& check,
                                  Sampling sampling = Sampling::off);
    // The reason the last check of wait_until returned false (set by the check itself); kept per
    // thread, so the nodes of a wave do not see each other's reasons.
    void set_reason(std::string r);
    const std::string& last_reason() const;

    // Reports the put TPS of every broker in the plan (one sample event).
    void sample_tps();

    Result<HostOps*> host(const PlanNode& node);
    AdminApi& admin() { return m_deps.admin; }
    Clock& clock() { return m_deps.clock; }
    Journal& journal() { return m_deps.journal; }
    const Plan& plan() const { return m_plan; }
    RunMode mode() const { return m_mode; }
    std::vector<NodeRun>& nodes() { return m_nodes; }
    NodeRun* find(const std::string& id);
    // Slaves of a master (same brokerName, id != 0), from the plan.
    std::vector<const PlanNode*> slaves_of(const PlanNode& master) const;

    // The approval gate the run stopped at ("canary", "wave 3"); set by the gate, main thread only.
    std::string awaiting_gate;

    // Brokers known to be left read-only, with why; failures, one line each. Thread-safe.
    void add_read_only_left(const std::string& why);
    void add_failure(const std::string& line);
    std::vector<std::string> read_only_left() const;
    std::vector<std::string> failures() const;

private:
    const Plan& m_plan;
    EngineDeps& m_deps;
    RunMode m_mode;
    std::vector<NodeRun> m_nodes;
    // Journal, reporter, the lists below and the TPS sampling time are shared by a wave's threads.
    mutable std::recursive_mutex m_mu;
    std::vector<std::string> m_read_only_left;
    std::vector<std::string> m_failures;
    Millis m_last_sample{-1000000};
};

// "broker-a@0 127.0.0.1:10911" / "nameserver 127.0.0.2:9876"
std::string node_label(const PlanNode& n);
bool is_master(const PlanNode& n);
// brokerVersionDesc expected for a version string ("4.9.7" -> "V4_9_7"); the input if unparsable.
std::string version_desc(const std::string& version);

}  // namespace rmqup::engine::detail
