// The final report as Markdown.
#include <sstream>

#include "timeline.hpp"

namespace rmqup::report {

using namespace engine;  // the report reads the engine's events and summary

namespace {

// Table cells: no pipes or newlines may break the row.
std::string cell(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out.empty() ? "-" : out;
}

bool at_target(const NodeOutcome& n) { return n.final_phase == Phase::done || n.final_phase == Phase::skipped; }

}  // namespace

std::string render_markdown_report(const RunSummary& s, const std::vector<Event>& events) {
    const auto tl = report::build_timeline(s, events);
    std::ostringstream md;
    int at = 0;
    for (const auto& n : s.nodes)
        at += at_target(n) ? 1 : 0;
    md << "# rmq-upgrade report: " << cell(s.cluster) << " -> " << cell(s.target_version) << "\n\n";
    md << "**Status: " << run_status_name(s.status) << "**" << (s.mode == RunMode::dry_run ? " (dry run)" : "")
       << " — " << s.message << "\n\n";
    md << "| | |\n|---|---|\n";
    md << "| Started | " << report::format_time(s.started_ms) << " |\n";
    md << "| Ended | " << report::format_time(s.ended_ms) << " |\n";
    md << "| Duration | " << report::format_duration(s.ended_ms - s.started_ms) << " |\n";
    md << "| Nodes at target | " << at << " / " << s.nodes.size() << " |\n";
    md << "| Rollbacks | " << s.rollbacks << " |\n";
    md << "| Failures | " << s.failures.size() << " |\n";
    md << "| Read-only brokers left | " << (s.read_only_left.empty() ? std::string("none") : std::to_string(s.read_only_left.size()))
       << " |\n\n";

    if (!s.read_only_left.empty()) {
        md << "## READ-ONLY brokers left\n\n";
        for (const auto& r : s.read_only_left)
            md << "- " << cell(r) << "\n";
        md << "\n";
    }
    if (!s.failures.empty()) {
        md << "## Failures\n\n";
        for (const auto& f : s.failures)
            md << "- " << cell(f) << "\n";
        md << "\n";
    }
    md << "## Nodes\n\n| node | kind | before | after | final phase | duration | starts | note |\n"
          "|---|---|---|---|---|---|---|---|\n";
    for (const auto& n : s.nodes) {
        md << "| " << cell(n.label) << " | " << (n.kind == NodeKind::nameserver ? "nameserver" : "broker") << " | "
           << cell(n.version_before) << " | " << cell(n.version_after) << " | " << phase_name(n.final_phase) << " | "
           << (n.started_ms > 0 ? report::format_duration(n.ended_ms - n.started_ms) : std::string("-")) << " | "
           << n.target_starts << " | " << cell(n.message) << " |\n";
    }
    md << "\n## Timeline\n\n";
    for (const auto& n : tl.nodes) {
        if (n.spans.empty())
            continue;
        md << "- **" << cell(n.label) << "**:";
        for (const auto& sp : n.spans)
            md << " " << phase_name(sp.phase) << " (" << report::format_duration(sp.end_ms - sp.start_ms) << ")";
        md << "\n";
    }
    double peak = 0;
    for (const auto& p : tl.tps)
        peak = p.put_tps > peak ? p.put_tps : peak;
    md << "\nCluster put TPS: " << tl.tps.size() << " samples, peak " << static_cast<long long>(peak) << " msg/s.\n";
    return md.str();
}

}  // namespace rmqup::report
