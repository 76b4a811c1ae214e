#include "progress.hpp"

#include <algorithm>

#include "rmqup/plan/render.hpp"

namespace rmqup::engine::detail {

namespace {

bool finished_phase(Phase p) { return p == Phase::done || p == Phase::skipped; }

}  // namespace

ProgressTracker::ProgressTracker(Context& ctx, const std::vector<std::vector<std::string>>& waves)
    : m_ctx(ctx), m_waves(waves), m_run_start(ctx.clock().now()) {
    for (auto& n : ctx.nodes()) {
        ++m_total;
        if (finished_phase(n.phase) || n.node->skip) {
            ++m_done;
            m_finished.insert(n.node->id);
        }
        if (!n.node->skip)
            m_expected[n.node->id] = expected_duration(*n.node, ctx.plan());
    }
}

Millis ProgressTracker::expected_of(const std::vector<std::string>& wave_ids, const std::set<std::string>& skip) const {
    Millis slowest{0};
    for (const auto& id : wave_ids) {
        if (skip.count(id) != 0)
            continue;
        auto it = m_expected.find(id);
        if (it != m_expected.end())
            slowest = std::max(slowest, it->second);
    }
    return slowest;
}

void ProgressTracker::wave_started(int wave, const std::vector<NodeRun*>& todo) {
    (void)todo;
    std::lock_guard<std::mutex> lock(m_mu);
    m_wave = wave;
    m_wave_start = m_ctx.clock().now();
    emit();
}

void ProgressTracker::node_finished(const NodeRun& n) {
    std::lock_guard<std::mutex> lock(m_mu);
    if (m_finished.insert(n.node->id).second)
        ++m_done;
    emit();
}

void ProgressTracker::wave_ended() {
    std::lock_guard<std::mutex> lock(m_mu);
    if (m_wave <= 0 || m_wave > static_cast<int>(m_waves.size()))
        return;
    const Millis took = m_ctx.clock().now() - m_wave_start;
    // What this wave was expected to take when it began (its nodes are finished now).
    m_expected_measured += expected_of(m_waves[static_cast<std::size_t>(m_wave - 1)], {});
    m_measured += took;
}

// Call with m_mu held.
void ProgressTracker::emit() {
    Event e;
    e.kind = EventKind::progress;
    e.wall_ms = m_ctx.clock().wall_ms();
    e.progress.nodes_done = m_done;
    e.progress.nodes_total = m_total;
    e.progress.wave = m_wave;
    e.progress.waves_total = static_cast<int>(m_waves.size());
    const Millis now = m_ctx.clock().now();
    e.progress.elapsed_ms = (now - m_run_start).count();
    Millis left{0};
    for (std::size_t w = m_wave > 0 ? static_cast<std::size_t>(m_wave - 1) : 0; w < m_waves.size(); ++w)
        left += expected_of(m_waves[w], m_finished);
    // The running wave has been going for a while already.
    if (m_wave > 0)
        left -= std::min(left, now - m_wave_start);
    double scale = 1.0;
    if (m_expected_measured.count() > 0)
        scale = std::clamp(static_cast<double>(m_measured.count()) / static_cast<double>(m_expected_measured.count()),
                           0.25, 4.0);
    e.progress.eta_ms = static_cast<std::int64_t>(static_cast<double>(left.count()) * scale);
    m_ctx.report(e);
}

}  // namespace rmqup::engine::detail
