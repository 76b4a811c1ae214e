// The final report as one self-contained HTML page: inline CSS, an inline SVG timeline of every
// node's phases with the cluster's put TPS drawn above them. No external assets, no scripts.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "timeline.hpp"

namespace rmqup::report {

using namespace engine;  // the report reads the engine's events and summary

namespace {

std::string esc(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

const char* phase_color(Phase p) {
    switch (p) {
    case Phase::set_read_only:
    case Phase::confirm_read_only: return "#f0c040";
    case Phase::drain: return "#e89a3c";
    case Phase::stop:
    case Phase::restore_config: return "#d9534f";
    case Phase::start:
    case Phase::await_registration: return "#9b59b6";
    case Phase::set_read_write:
    case Phase::confirm_read_write: return "#5bc0de";
    case Phase::verify: return "#3c8dbc";
    case Phase::done: return "#5cb85c";
    case Phase::rolling_back:
    case Phase::rolled_back: return "#8b4513";
    case Phase::paused: return "#999999";
    case Phase::failed: return "#000000";
    case Phase::pending:
    case Phase::skipped: return "#dddddd";
    }
    return "#cccccc";
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// A broker's own put TPS across its row (scaled to its own peak): the operator sees its traffic leave
// during the drain and come back after perm 6.
template <typename X>
std::string broker_sparkline(const NodeTimeline& n, double y, double row_h, X x) {
    double peak = 0;
    for (const auto& p : n.put_tps)
        peak = std::max(peak, p.put_tps);
    if (n.put_tps.size() < 2 || peak <= 0)
        return "";
    std::ostringstream o;
    o << "<polyline class=\"broker-tps\" fill=\"none\" stroke=\"#124\" stroke-opacity=\"0.8\" stroke-width=\"1\" "
         "points=\"";
    for (const auto& p : n.put_tps)
        o << num(x(p.wall_ms)) << "," << num(y + row_h - 3 - (row_h - 6) * p.put_tps / peak) << " ";
    o << "\"><title>" << esc(n.label) << ": own put TPS, peak " << num(peak) << " msg/s</title></polyline>\n";
    return o.str();
}

std::string svg_timeline(const Timeline& tl) {
    const double label_w = 260, width = 1100, plot_w = width - label_w - 10;
    const double row_h = 28, tps_h = 90, top = tps_h + 20;
    const double span = std::max<double>(1, static_cast<double>(tl.end_ms - tl.begin_ms));
    auto x = [&](std::int64_t ms) { return label_w + plot_w * static_cast<double>(ms - tl.begin_ms) / span; };
    const double height = top + row_h * static_cast<double>(tl.nodes.size()) + 30;
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << num(height)
      << "\" role=\"img\" aria-label=\"timeline\">\n";
    double peak = 0;
    for (const auto& p : tl.tps)
        peak = std::max(peak, p.put_tps);
    o << "<text x=\"4\" y=\"14\" class=\"ax\">cluster put TPS (peak " << num(peak) << ")</text>\n";
    o << "<rect x=\"" << label_w << "\" y=\"10\" width=\"" << num(plot_w) << "\" height=\"" << tps_h
      << "\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n";
    if (!tl.tps.empty() && peak > 0) {
        o << "<polyline fill=\"none\" stroke=\"#2a6\" stroke-width=\"1.5\" points=\"";
        for (const auto& p : tl.tps)
            o << num(x(p.wall_ms)) << "," << num(10 + tps_h - tps_h * p.put_tps / peak) << " ";
        o << "\"/>\n";
    }
    for (size_t i = 0; i < tl.nodes.size(); ++i) {
        const auto& n = tl.nodes[i];
        const double y = top + row_h * static_cast<double>(i);
        o << "<text x=\"4\" y=\"" << num(y + 15) << "\" class=\"lb\">" << esc(n.label) << "</text>\n";
        for (const auto& sp : n.spans) {
            const double x0 = x(sp.start_ms);
            const double w = std::max(2.0, x(sp.end_ms) - x0);
            o << "<rect x=\"" << num(x0) << "\" y=\"" << num(y + 3) << "\" width=\"" << num(w) << "\" height=\""
              << row_h - 6 << "\" fill=\"" << phase_color(sp.phase) << "\"><title>" << esc(n.label) << ": "
              << phase_name(sp.phase) << " " << esc(report::format_duration(sp.end_ms - sp.start_ms))
              << "</title></rect>\n";
        }
        o << broker_sparkline(n, y, row_h, x);
    }
    o << "<text x=\"" << label_w << "\" y=\"" << num(height - 8) << "\" class=\"ax\">"
      << esc(report::format_time(tl.begin_ms)) << "</text>\n";
    o << "<text x=\"" << num(width - 10) << "\" y=\"" << num(height - 8) << "\" class=\"ax\" text-anchor=\"end\">"
      << esc(report::format_time(tl.end_ms)) << "</text>\n";
    o << "</svg>\n";
    return o.str();
}

}  // namespace

std::string render_html_report(const RunSummary& s, const std::vector<Event>& events) {
    const auto tl = report::build_timeline(s, events);
    int at = 0;
    for (const auto& n : s.nodes)
        at += (n.final_phase == Phase::done || n.final_phase == Phase::skipped) ? 1 : 0;
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>rmq-upgrade report: "
      << esc(s.cluster) << "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
         "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}"
         ".ok{color:#2a7a2a}.bad{color:#b00;font-weight:bold}.ax{font-size:11px;fill:#666}"
         ".lb{font-size:12px;fill:#222}.legend span{display:inline-block;padding:2px 6px;margin:2px;font-size:12px}\n"
         "</style></head><body>\n";
    const bool good = s.status == RunStatus::completed && s.read_only_left.empty();
    h << "<h1>rmq-upgrade report: " << esc(s.cluster) << " &rarr; " << esc(s.target_version) << "</h1>\n";
    h << "<p class=\"" << (good ? "ok" : "bad") << "\">Status: " << run_status_name(s.status)
      << (s.mode == RunMode::dry_run ? " (dry run)" : "") << " &mdash; " << esc(s.message) << "</p>\n";
    h << "<table><tr><th>Started</th><td>" << esc(report::format_time(s.started_ms)) << "</td></tr>"
      << "<tr><th>Ended</th><td>" << esc(report::format_time(s.ended_ms)) << "</td></tr>"
      << "<tr><th>Duration</th><td>" << esc(report::format_duration(s.ended_ms - s.started_ms)) << "</td></tr>"
      << "<tr><th>Nodes at target</th><td>" << at << " / " << s.nodes.size() << "</td></tr>"
      << "<tr><th>Rollbacks</th><td>" << s.rollbacks << "</td></tr>"
      << "<tr><th>Failures</th><td>" << s.failures.size() << "</td></tr>"
      << "<tr><th>Read-only brokers left</th><td class=\"" << (s.read_only_left.empty() ? "ok" : "bad") << "\">"
      << (s.read_only_left.empty() ? std::string("none") : std::to_string(s.read_only_left.size())) << "</td></tr></table>\n";
    if (!s.read_only_left.empty()) {
        h << "<h2 class=\"bad\">READ-ONLY brokers left</h2><ul>";
        for (const auto& r : s.read_only_left)
            h << "<li>" << esc(r) << "</li>";
        h << "</ul>\n";
    }
    if (!s.failures.empty()) {
        h << "<h2>Failures</h2><ul>";
        for (const auto& f : s.failures)
            h << "<li>" << esc(f) << "</li>";
        h << "</ul>\n";
    }
    h << "<h2>Timeline</h2>\n" << svg_timeline(tl) << "<div class=\"legend\">";
    for (Phase p : {Phase::set_read_only, Phase::drain, Phase::stop, Phase::start, Phase::set_read_write,
                    Phase::verify, Phase::done, Phase::rolling_back, Phase::paused, Phase::failed})
        h << "<span style=\"background:" << phase_color(p) << "\">" << phase_name(p) << "</span>";
    h << "</div>\n<h2>Nodes</h2>\n<table><tr><th>node</th><th>kind</th><th>before</th><th>after</th>"
         "<th>final phase</th><th>duration</th><th>starts</th><th>note</th></tr>\n";
    for (const auto& n : s.nodes) {
        h << "<tr><td>" << esc(n.label) << "</td><td>" << (n.kind == NodeKind::nameserver ? "nameserver" : "broker")
          << "</td><td>" << esc(n.version_before) << "</td><td>" << esc(n.version_after) << "</td><td>"
          << phase_name(n.final_phase) << "</td><td>"
          << (n.started_ms > 0 ? esc(report::format_duration(n.ended_ms - n.started_ms)) : std::string("-"))
          << "</td><td>" << n.target_starts << "</td><td>" << esc(n.message) << "</td></tr>\n";
    }
    h << "</table>\n</body></html>\n";
    return h.str();
}

}  // namespace rmqup::report
