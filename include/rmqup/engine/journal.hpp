// The engine's journal: an append-only record of every node phase transition, so an interrupted
// run can be resumed exactly where it stopped. The real one is a JSON-lines file (mode 0600, fsync
// per record) guarded by a lock file; tests use MemoryJournal.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/core/phase.hpp"

namespace rmqup::engine {

// What a journal record says happened.
enum class RecordKind {
    run_started,  // a run (apply/resume/rollback) began; node empty
    phase,        // node entered `phase` (from `from`)
    note,         // a fact worth keeping for resume or audit (e.g. "perm 4 set"); no phase change
    run_ended,    // the run ended; message says how
    awaiting_approval,  // the run stopped at the approval gate `gate`; `resume --approve` continues
    approved,           // an operator approved the gate `gate` (resume --approve / the terminal)
    baseline,           // the cluster's put TPS before the first change (`value`, msg/s), for the health gate
};

const char* record_kind_name(RecordKind k);

struct JournalRecord {
    std::int64_t seq = 0;        // 1, 2, ... in append order (assigned by the journal)
    std::int64_t wall_ms = 0;    // wall-clock time (Clock::wall_ms)
    RecordKind kind = RecordKind::phase;
    std::string node;            // PlanNode::id ("broker:broker-a:0"); empty for run records
    Phase phase = Phase::pending;
    Phase from = Phase::pending;
    std::string message;         // human text; never contains secrets
    std::string plan_hash;       // run_started only: plan_hash() of the plan that runs
    std::string gate;            // awaiting_approval/approved: "canary" or "wave 3"
    double value = 0;            // baseline: msg/s
};

// Serialises one record as one JSON line (no trailing newline) and back.
std::string record_to_json(const JournalRecord& r);
Result<JournalRecord> record_from_json(const std::string& line);

class Journal {
public:
    virtual ~Journal() = default;
    // Appends r durably (assigns r.seq). A failure here stops the run: we cannot promise resume.
    virtual Status append(JournalRecord r) = 0;
    // Every record appended so far (including those of earlier runs in the same journal).
    virtual Result<std::vector<JournalRecord>> load() = 0;
};

// In-memory journal for tests and dry runs.
class MemoryJournal final : public Journal {
public:
    MemoryJournal() = default;
    explicit MemoryJournal(std::vector<JournalRecord> records) : m_records(std::move(records)) {}
    Status append(JournalRecord r) override;
    Result<std::vector<JournalRecord>> load() override;
    const std::vector<JournalRecord>& records() const { return m_records; }

private:
    std::vector<JournalRecord> m_records;
};

enum class JournalOpen {
    fresh,   // a new run: refuses a directory whose journal already has records
    resume,  // continue: requires an existing journal
};

// The journal directory: <dir>/journal.jsonl (0600), <dir>/lock (flock held while open),
// <dir>/plan.json (written by the CLI). The lock is released when the object is destroyed.
class FileJournal final : public Journal {
public:
    // Creates dir (0700) if needed, takes the lock (ErrorKind::conflict if another orchestrator
    // holds it) and opens the journal file for appending.
    static Result<std::unique_ptr<FileJournal>> open(const std::string& dir, JournalOpen mode);
    ~FileJournal() override;
    FileJournal(const FileJournal&) = delete;
    FileJournal& operator=(const FileJournal&) = delete;

    Status append(JournalRecord r) override;
    Result<std::vector<JournalRecord>> load() override;
    const std::string& path() const { return m_path; }

    static std::string journal_path(const std::string& dir) { return dir + "/journal.jsonl"; }
    static std::string plan_path(const std::string& dir) { return dir + "/plan.json"; }

private:
    FileJournal(std::string path, int fd, int lock_fd, std::int64_t next_seq);
    std::string m_path;
    int m_fd = -1;
    int m_lock_fd = -1;
    std::int64_t m_next_seq = 1;
};

// The last phase journaled for each node id (resume's starting point), plus the phase a
// paused/failed node was in when it stopped.
struct NodeJournalState {
    Phase phase = Phase::pending;
    Phase from = Phase::pending;
    bool started = false;          // a HostOps::start of the target was journaled as attempted
};
std::vector<std::pair<std::string, NodeJournalState>> last_states(const std::vector<JournalRecord>& records);

// Gates an operator approved, and the gate the run waits at (awaiting_approval with no approval
// after it; empty if none).
struct GateState {
    std::vector<std::string> approved;
    std::string awaiting;
    std::optional<double> baseline_put_tps;  // first baseline record
};
GateState gate_state(const std::vector<JournalRecord>& records);

}  // namespace rmqup::engine
