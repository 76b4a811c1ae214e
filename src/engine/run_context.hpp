// Internal: the state shared by every step of one run, and the ONE transition function through
// which every node phase change is journaled and reported.
#pragma once

#include <functional>
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
    Status run_record(RecordKind kind, const std::string& text, const std::string& plan_hash = {});

    bool interrupted() const;
    // While a safety action runs (restoring perm 6 after Ctrl-C), interrupts are not honoured.
    class SafetyScope {
    public:
        explicit SafetyScope(Context& c) : m_c(c), m_prev(c.m_safety) { c.m_safety = true; }
        ~SafetyScope() { m_c.m_safety = m_prev; }
        SafetyScope(const SafetyScope&) = delete;
        SafetyScope& operator=(const SafetyScope&) = delete;

    private:
        Context& m_c;
        bool m_prev;
    };
    // Polls check every interval until it yields true (met), the timeout passes (timed_out, with
    // last_reason() telling what was still missing) or an error not covered by retry occurs.
    // Reports the wait with time left; samples cluster TPS when sample_tps is set.
    Result<WaitResult> wait_until(NodeRun& n, const std::string& what, Millis timeout, Millis interval,
                                  RetryOn retry, const std::function<Result<bool>()>& check,
                                  Sampling sampling = Sampling::off);
    // The reason the last check of wait_until returned false (set by the check itself).
    void set_reason(std::string r) { m_reason = std::move(r); }
    const std::string& last_reason() const { return m_reason; }

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

    // Brokers known to be left read-only, with why.
    std::vector<std::string> read_only_left;
    std::vector<std::string> failures;

private:
    const Plan& m_plan;
    EngineDeps& m_deps;
    RunMode m_mode;
    std::vector<NodeRun> m_nodes;
    std::string m_reason;
    Millis m_last_sample{-1000000};
    bool m_safety = false;
};

// "broker-a@0 127.0.0.1:10911" / "nameserver 127.0.0.2:9876"
std::string node_label(const PlanNode& n);
bool is_master(const PlanNode& n);
// brokerVersionDesc expected for a version string ("4.9.7" -> "V4_9_7"); the input if unparsable.
std::string version_desc(const std::string& version);

}  // namespace rmqup::engine::detail
