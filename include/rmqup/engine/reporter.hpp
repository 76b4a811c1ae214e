// Operator output of a run: phase changes, waits with time left, messages and TPS samples.
// The engine only emits events; implementations render them (terminal lines, JSON lines) or
// collect them for the final report.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "rmqup/core/phase.hpp"

namespace rmqup::engine {

enum class EventKind {
    phase,    // node moved from `from` to `phase`
    wait,     // still waiting for `message`; `elapsed_ms` so far, `left_ms` until the timeout
    message,  // text for the operator at `level`
    sample,   // put TPS of every broker at `wall_ms` (`tps`)
    progress, // where the roll stands (`progress`): at every wave start and every finished node
};

enum class Level { info, warning, error };

const char* event_kind_name(EventKind k);
const char* level_name(Level l);

struct TpsSample {
    std::string broker;     // "broker-a@0"
    double put_tps = 0;     // 10 s window
    double get_tps = 0;     // getTransferredTps 10 s window
};

// Where a roll stands. eta_ms: the plan's expected durations of the nodes still to go (a wave takes as
// long as its slowest node), scaled by how long this run's finished waves really took against their
// expectation; -1 when unknown. Gates waiting for a person are not counted.
struct Progress {
    int nodes_done = 0;       // done or skipped, this run and earlier runs of the roll
    int nodes_total = 0;
    int wave = 0;             // the wave running now, 1-based
    int waves_total = 0;
    std::int64_t elapsed_ms = 0;  // since this run started
    std::int64_t eta_ms = -1;
};

struct Event {
    EventKind kind = EventKind::message;
    std::int64_t wall_ms = 0;
    std::string node;           // PlanNode::id, may be empty
    Phase phase = Phase::pending;
    Phase from = Phase::pending;
    Level level = Level::info;
    std::string message;
    std::int64_t elapsed_ms = 0;
    std::int64_t left_ms = 0;
    std::vector<TpsSample> tps;
    Progress progress;          // progress events only
};

class Reporter {
public:
    virtual ~Reporter() = default;
    // Receives one event; must not throw nor block for long.
    virtual void report(const Event& e) = 0;
};

// Human progress lines ("12:00:01 broker:broker-a:0  drain  waiting ... 31 s left").
class TerminalReporter final : public Reporter {
public:
    explicit TerminalReporter(std::ostream& out) : m_out(out) {}
    void report(const Event& e) override;

private:
    std::ostream& m_out;
};

// One JSON object per line (--events FILE|-).
class JsonLinesReporter final : public Reporter {
public:
    explicit JsonLinesReporter(std::ostream& out) : m_out(out) {}
    void report(const Event& e) override;

private:
    std::ostream& m_out;
};

// Keeps every event (the final report is built from them).
class CollectingReporter final : public Reporter {
public:
    void report(const Event& e) override { m_events.push_back(e); }
    const std::vector<Event>& events() const { return m_events; }

private:
    std::vector<Event> m_events;
};

// Sends each event to several reporters.
class TeeReporter final : public Reporter {
public:
    void add(Reporter& r) { m_targets.push_back(&r); }
    void report(const Event& e) override;

private:
    std::vector<Reporter*> m_targets;
};

// One event as a JSON object (used by JsonLinesReporter; exposed for tests and tools).
std::string event_to_json(const Event& e);

}  // namespace rmqup::engine
