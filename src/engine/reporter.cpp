#include "rmqup/engine/reporter.hpp"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <ostream>

namespace rmqup::engine {

const char* event_kind_name(EventKind k) {
    switch (k) {
    case EventKind::phase: return "phase";
    case EventKind::wait: return "wait";
    case EventKind::message: return "message";
    case EventKind::sample: return "sample";
    case EventKind::progress: return "progress";
    }
    return "unknown";
}

const char* level_name(Level l) {
    switch (l) {
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
    }
    return "info";
}

namespace {

std::string hhmmss(std::int64_t wall_ms) {
    std::time_t t = static_cast<std::time_t>(wall_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    return buf;
}

// "4m10s" / "35s"
std::string minutes(std::int64_t ms) {
    const std::int64_t s = (ms + 999) / 1000;
    if (s < 60)
        return std::to_string(s) + "s";
    return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

}  // namespace

void TerminalReporter::report(const Event& e) {
    switch (e.kind) {
    case EventKind::phase:
        m_out << hhmmss(e.wall_ms) << "  " << e.node << "  " << phase_name(e.from) << " -> " << phase_name(e.phase);
        if (!e.message.empty())
            m_out << "  " << e.message;
        m_out << "\n";
        break;
    case EventKind::wait:
        m_out << hhmmss(e.wall_ms) << "  " << e.node << "  waiting: " << e.message << " (" << e.elapsed_ms / 1000
              << " s elapsed, " << (e.left_ms + 999) / 1000 << " s left)\n";
        break;
    case EventKind::message:
        m_out << hhmmss(e.wall_ms) << "  " << (e.node.empty() ? std::string("-") : e.node) << "  "
              << (e.level == Level::error ? "ERROR: " : e.level == Level::warning ? "warning: " : "") << e.message
              << "\n";
        break;
    case EventKind::sample: break;  // samples are for the report, not for the terminal
    case EventKind::progress: {
        const auto& p = e.progress;
        m_out << hhmmss(e.wall_ms) << "  progress: " << p.nodes_done << " of " << p.nodes_total << " nodes done, wave "
              << p.wave << " of " << p.waves_total << ", elapsed " << minutes(p.elapsed_ms);
        if (p.eta_ms >= 0)
            m_out << ", about " << minutes(p.eta_ms) << " to go (ETA " << hhmmss(e.wall_ms + p.eta_ms) << ")";
        m_out << "\n";
        break;
    }
    }
    m_out.flush();
}

std::string event_to_json(const Event& e) {
    nlohmann::json j;
    j["ts"] = e.wall_ms;
    j["event"] = event_kind_name(e.kind);
    if (!e.node.empty())
        j["node"] = e.node;
    switch (e.kind) {
    case EventKind::phase:
        j["from"] = phase_name(e.from);
        j["phase"] = phase_name(e.phase);
        break;
    case EventKind::wait:
        j["phase"] = phase_name(e.phase);
        j["elapsed_ms"] = e.elapsed_ms;
        j["left_ms"] = e.left_ms;
        break;
    case EventKind::message: j["level"] = level_name(e.level); break;
    case EventKind::sample: {
        auto arr = nlohmann::json::array();
        for (const auto& s : e.tps)
            arr.push_back({{"broker", s.broker}, {"put_tps", s.put_tps}, {"get_tps", s.get_tps}});
        j["tps"] = arr;
        break;
    }
    case EventKind::progress:
        j["nodes_done"] = e.progress.nodes_done;
        j["nodes_total"] = e.progress.nodes_total;
        j["wave"] = e.progress.wave;
        j["waves_total"] = e.progress.waves_total;
        j["elapsed_ms"] = e.progress.elapsed_ms;
        j["eta_ms"] = e.progress.eta_ms;
        break;
    }
    if (!e.message.empty())
        j["msg"] = e.message;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonLinesReporter::report(const Event& e) {
    m_out << event_to_json(e) << "\n";
    m_out.flush();
}

void TeeReporter::report(const Event& e) {
    for (auto* r : m_targets)
        r->report(e);
}

}  // namespace rmqup::engine
