// Internal: node N of M, wave k of K, elapsed and ETA for the operator (EventKind::progress).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "run_context.hpp"

namespace rmqup::engine::detail {

class ProgressTracker {
public:
    // waves: the plan's waves (node ids). Counts the nodes already done or skipped.
    ProgressTracker(Context& ctx, const std::vector<std::vector<std::string>>& waves);
    // Wave `wave` (1-based) starts with `todo` still to run: emits a progress event.
    void wave_started(int wave, const std::vector<NodeRun*>& todo);
    // A node of the running wave finished (any outcome); thread-safe: emits a progress event.
    void node_finished(const NodeRun& n);
    // Wave `wave` ended: its measured duration corrects the ETA of the rest.
    void wave_ended();

private:
    // The slowest expected duration among the wave's nodes not in skip.
    Millis expected_of(const std::vector<std::string>& wave_ids, const std::set<std::string>& skip) const;
    void emit();
    Context& m_ctx;
    const std::vector<std::vector<std::string>>& m_waves;
    std::mutex m_mu;
    Millis m_run_start{0};
    Millis m_wave_start{0};
    int m_wave = 0;
    int m_done = 0;
    int m_total = 0;
    std::set<std::string> m_finished;     // node ids finished in this run or earlier
    std::map<std::string, Millis> m_expected;  // node id -> expected duration (plan)
    Millis m_measured{0};                 // real time of this run's finished waves
    Millis m_expected_measured{0};        // their expected time
};

}  // namespace rmqup::engine::detail
