#include "timeline.hpp"

#include <algorithm>
#include <ctime>
#include <map>

namespace rmqup::report {

using namespace engine;  // the report reads the engine's events and summary

Timeline build_timeline(const RunSummary& summary, const std::vector<Event>& events) {
    Timeline t;
    t.begin_ms = summary.started_ms;
    t.end_ms = summary.ended_ms;
    std::map<std::string, size_t> index;
    std::map<std::string, size_t> by_sample_name;  // "broker-a@0" (TpsSample::broker) -> node
    for (const auto& n : summary.nodes) {
        index[n.id] = t.nodes.size();
        // "broker:broker-a:0" -> "broker-a@0"
        const auto first = n.id.find(':');
        const auto last = n.id.rfind(':');
        if (n.kind == NodeKind::broker && first != std::string::npos && last > first)
            by_sample_name[n.id.substr(first + 1, last - first - 1) + "@" + n.id.substr(last + 1)] = t.nodes.size();
        t.nodes.push_back({n.id, n.label, {}, {}});
    }
    for (const auto& e : events) {
        if (e.wall_ms > 0) {
            t.begin_ms = t.begin_ms == 0 ? e.wall_ms : std::min(t.begin_ms, e.wall_ms);
            t.end_ms = std::max(t.end_ms, e.wall_ms);
        }
        if (e.kind == EventKind::sample) {
            double sum = 0;
            for (const auto& s : e.tps) {
                sum += s.put_tps;
                auto b = by_sample_name.find(s.broker);
                if (b != by_sample_name.end())
                    t.nodes[b->second].put_tps.push_back({e.wall_ms, s.put_tps});
            }
            t.tps.push_back({e.wall_ms, sum});
            continue;
        }
        if (e.kind != EventKind::phase)
            continue;
        auto it = index.find(e.node);
        if (it == index.end())
            continue;
        auto& spans = t.nodes[it->second].spans;
        if (!spans.empty())
            spans.back().end_ms = e.wall_ms;
        spans.push_back({e.phase, e.wall_ms, e.wall_ms});
    }
    for (auto& n : t.nodes)
        if (!n.spans.empty() && n.spans.back().end_ms < n.spans.back().start_ms)
            n.spans.back().end_ms = n.spans.back().start_ms;
    return t;
}

std::string format_duration(std::int64_t ms) {
    if (ms < 0)
        ms = 0;
    const std::int64_t s = ms / 1000;
    if (s < 60)
        return std::to_string(s) + "." + std::to_string((ms % 1000) / 100) + " s";
    return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
}

std::string format_time(std::int64_t wall_ms) {
    if (wall_ms <= 0)
        return "-";
    std::time_t tt = static_cast<std::time_t>(wall_ms / 1000);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

}  // namespace rmqup::report
