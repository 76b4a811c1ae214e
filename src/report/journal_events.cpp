#include "rmqup/report/report.hpp"

namespace rmqup::report {

using namespace engine;  // the report reads the engine's events and summary

std::vector<Event> journal_events(const std::vector<JournalRecord>& records) {
    std::vector<Event> out;
    for (const auto& r : records) {
        if (r.kind != RecordKind::phase)
            continue;
        Event e;
        e.kind = EventKind::phase;
        e.wall_ms = r.wall_ms;
        e.node = r.node;
        e.from = r.from;
        e.phase = r.phase;
        e.message = r.message;
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace rmqup::report
