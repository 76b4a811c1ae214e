// The rehearsal's verdict as operator text and as one JSON object.
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rmqup/rehearsal/rehearsal.hpp"

namespace rmqup::rehearsal {

namespace {

std::string seconds(std::int64_t ms) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 1000.0 << " s";
    return s.str();
}

}  // namespace

std::string render_result_text(const RehearsalResult& r) {
    std::ostringstream s;
    s << "\nRehearsal " << (r.passed ? "PASSED" : "FAILED") << " (" << r.transport << " transport, engine: "
      << r.engine_status << ")\n";
    if (!r.engine_message.empty()) s << "  " << r.engine_message << "\n";
    s << "\n  " << std::left << std::setw(12) << "node" << std::setw(12) << "kind" << std::setw(18) << "address"
      << std::setw(10) << "version" << std::setw(6) << "perm" << "status\n";
    for (const auto& n : r.nodes) {
        s << "  " << std::left << std::setw(12) << n.name << std::setw(12) << n.kind << std::setw(18) << n.address
          << std::setw(10) << (n.version.empty() ? "-" : n.version) << std::setw(6)
          << (n.perm ? std::to_string(*n.perm) : std::string("-")) << (n.problem.empty() ? "ok" : n.problem) << "\n";
    }
    s << "\n  messages sent " << r.load.sent << ", acked " << r.load.acked << ", received " << r.load.received << "\n"
      << "  messages lost:  " << r.load.lost << (r.load_ok ? "" : " (the load generator did not report)") << "\n"
      << "  send failures:  " << r.load.failed << "\n";
    for (const auto& [broker, n] : r.load.failed_by_broker) s << "    on " << broker << ": " << n << "\n";
    s << ""
      << "  duplicates:     " << r.load.duplicates << "\n"
      << "  roll time:      " << seconds(r.roll_ms) << "\n"
      << "  total time:     " << seconds(r.total_ms) << "\n";
    for (const auto& note : r.plan_notes) s << "  plan: " << note << "\n";
    for (const auto& ro : r.read_only_left) s << "  READ-ONLY: " << ro << "\n";
    for (const auto& f : r.failures) s << "  failure: " << f << "\n";
    if (!r.report_markdown.empty()) s << "\n  report: " << r.report_markdown << " and " << r.report_html << "\n";
    s << "  work directory: " << r.workdir << "\n";
    return s.str();
}

std::string render_result_json(const RehearsalResult& r) {
    nlohmann::json j;
    j["passed"] = r.passed;
    j["transport"] = r.transport;
    j["engineStatus"] = r.engine_status;
    j["engineMessage"] = r.engine_message;
    j["sent"] = r.load.sent;
    j["acked"] = r.load.acked;
    j["received"] = r.load.received;
    j["lost"] = r.load.lost;
    j["sendFailures"] = r.load.failed;
    j["sendFailuresByBroker"] = r.load.failed_by_broker;
    j["duplicates"] = r.load.duplicates;
    j["loadReported"] = r.load_ok;
    j["rollMs"] = r.roll_ms;
    j["totalMs"] = r.total_ms;
    j["readOnlyLeft"] = r.read_only_left;
    j["failures"] = r.failures;
    j["planNotes"] = r.plan_notes;
    j["workdir"] = r.workdir;
    j["reportMarkdown"] = r.report_markdown;
    j["reportHtml"] = r.report_html;
    auto nodes = nlohmann::json::array();
    for (const auto& n : r.nodes) {
        nlohmann::json o;
        o["name"] = n.name;
        o["kind"] = n.kind;
        o["host"] = n.host;
        o["address"] = n.address;
        o["version"] = n.version;
        o["processes"] = n.processes;
        if (n.perm) o["perm"] = *n.perm;
        else o["perm"] = nullptr;
        if (n.kind == "broker") {
            o["registeredEverywhere"] = n.registered_everywhere;
            o["routesWritable"] = n.routes_writable;
        }
        o["problem"] = n.problem;
        nodes.push_back(o);
    }
    j["nodes"] = nodes;
    return j.dump(2) + "\n";
}

}  // namespace rmqup::rehearsal
