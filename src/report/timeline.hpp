// Internal: the report's view of a run, derived from the reporter's events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rmqup/report/report.hpp"

namespace rmqup::report {

using engine::Event;
using engine::RunSummary;

struct PhaseSpan {
    Phase phase = Phase::pending;
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
};

struct TpsPoint {
    std::int64_t wall_ms = 0;
    double put_tps = 0;  // msg/s: the cluster's sum, or one broker's own
};

struct NodeTimeline {
    std::string id;
    std::string label;
    std::vector<PhaseSpan> spans;
    std::vector<TpsPoint> put_tps;  // brokers: their own put TPS samples (traffic leaving and coming back)
};

struct Timeline {
    std::int64_t begin_ms = 0;
    std::int64_t end_ms = 0;
    std::vector<NodeTimeline> nodes;  // summary order
    std::vector<TpsPoint> tps;
};

Timeline build_timeline(const RunSummary& summary, const std::vector<Event>& events);

std::string format_duration(std::int64_t ms);
std::string format_time(std::int64_t wall_ms);  // "2026-11-21 12:00:01 UTC"

}  // namespace rmqup::report
