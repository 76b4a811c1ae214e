// Text and Markdown renderings of a plan for review (JSON is the plan file itself).
#include "rmqup/plan/render.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <sstream>

#include "duration_text.hpp"
#include "plan_json.hpp"
#include "rmqup/plan/plan_io.hpp"
#include "rmqup/plan/planner.hpp"

namespace rmqup {

namespace {

using plan_detail::duration_text;
using plan_detail::number_text;

std::string node_title(const PlanNode& n) {
    if (n.kind == NodeKind::nameserver) return "NameServer " + n.address;
    return std::string(n.broker_id == 0 ? "master " : "slave ") + n.broker_name + "@" + std::to_string(n.broker_id) +
           " " + n.address;
}

std::string versions(const PlanNode& n) {
    return (n.current_version.empty() ? std::string("?") : n.current_version) + " -> " + n.target_version;
}

std::string topics_text(const std::vector<std::string>& topics, std::size_t limit = 10) {
    std::string out;
    for (std::size_t i = 0; i < topics.size() && i < limit; ++i) out += (i ? ", " : "") + topics[i];
    if (topics.size() > limit) out += " (+" + std::to_string(topics.size() - limit) + " more)";
    return out;
}

std::string wave_list(const std::vector<int>& waves) {
    std::string out;
    for (std::size_t i = 0; i < waves.size(); ++i) out += (i ? ", " : "") + std::to_string(waves[i]);
    return out;
}

// Canary, approval gates and the health gate.
std::string gates_text(const Policy& p) {
    std::string s;
    if (p.canary_group) {
        s += ", canary " + *p.canary_group;
        if (p.pause_after_canary.count() > 0) s += " then observe " + duration_text(p.pause_after_canary);
        if (p.approve_after_canary) s += " then stop for approval";
    }
    if (p.pause_after_every_wave) s += ", stop for approval after every wave";
    else if (!p.pause_after_waves.empty()) s += ", stop for approval after wave(s) " + wave_list(p.pause_after_waves);
    s += ", health gate before each wave: ";
    s += p.health_gate.min_put_tps_ratio > 0
             ? "put TPS >= " + number_text(p.health_gate.min_put_tps_ratio) + " x the pre-roll baseline"
             : std::string("finished nodes only (TPS part off)");
    return s;
}

std::string policy_line(const Policy& p) {
    std::string s = std::string("NameServers ") + (p.nameserver_order == NameServerOrder::first ? "first" : "last") +
                    ", " + (p.slaves_first ? "slaves before masters" : "masters before slaves") + ", up to " +
                    std::to_string(p.parallel) + " broker group(s) per wave, at most " + std::to_string(p.max_per_host) +
                    " node(s) of a host per wave";
    s += gates_text(p);
    s += ", on failure " + std::string(plan_detail::failure_policy_name(p.on_failure)) + ", kill policy " +
         plan_detail::kill_policy_name(p.kill_policy);
    return s;
}

std::string drain_line(const DrainPolicy& d) {
    return "min wait " + duration_text(d.min_wait) + ", quiet " + duration_text(d.quiet_period) + ", timeout " +
           duration_text(d.timeout) + ", poll " + duration_text(d.poll_interval) + ", TPS below " +
           number_text(d.tps_threshold) + ", slave lag <= " + std::to_string(d.slave_lag_bytes) + " bytes";
}

std::string timeouts_line(const Timeouts& t) {
    return "stop " + duration_text(t.stop) + ", start " + duration_text(t.start) + ", registration " +
           duration_text(t.registration) + ", request " + duration_text(t.request) + ", verify " + duration_text(t.verify);
}

std::string status_line(const Plan& plan) {
    if (!plan_blocked(plan)) return "READY: no blocking findings";
    std::set<std::string> errors, warnings;
    for (const auto& f : plan.findings) {
        if (f.severity == Severity::error) errors.insert(f.id);
        else if (f.severity == Severity::warning && !f.accepted) warnings.insert(f.id);
    }
    std::string s = "BLOCKED:";
    if (!errors.empty()) {
        s += " errors";
        for (const auto& e : errors) s += " " + e;
        s += ";";
    }
    if (!warnings.empty()) {
        s += " unaccepted warnings (use --accept-risk ID):";
        for (const auto& w : warnings) s += " " + w;
    }
    return s;
}

std::string finding_tag(const CheckFinding& f) {
    std::string tag = plan_detail::severity_name(f.severity);
    if (f.accepted) tag += ", accepted";
    return tag;
}

// "  (canary broker-b done: observe 10m, then stop for approval)" on the last wave of the canary
// group; "  (then stop for approval)" on a wave named by pauseAfter.
std::string batch_note(const Plan& plan, std::size_t i) {
    const auto& p = plan.policy;
    const auto& canary = p.canary_group;
    auto in_canary = [&](std::size_t b) {
        if (!canary) return false;
        const std::string prefix = "broker:" + *canary + ":";
        return b < plan.batches.size() && !plan.batches[b].empty() && plan.batches[b].front().rfind(prefix, 0) == 0;
    };
    const bool approval = p.pause_after_every_wave ||
                          std::find(p.pause_after_waves.begin(), p.pause_after_waves.end(), static_cast<int>(i + 1)) !=
                              p.pause_after_waves.end();
    if (in_canary(i) && !in_canary(i + 1)) {
        std::string note = "  (canary " + *canary + " done";
        if (p.pause_after_canary.count() > 0) note += (p.approve_after_canary ? ": observe " : ": pause ") + duration_text(p.pause_after_canary);
        if (p.approve_after_canary || approval) note += p.pause_after_canary.count() > 0 ? ", then stop for approval" : ": stop for approval";
        return note + ")";
    }
    return approval ? "  (then stop for approval)" : "";
}

// A wave takes as long as its slowest node; waves run one after another.
std::chrono::milliseconds total_expected(const Plan& plan) {
    std::unordered_map<std::string, const PlanNode*> by_id;
    for (const auto& n : plan.nodes) by_id.emplace(n.id, &n);
    std::chrono::milliseconds total{0};
    for (const auto& wave : plan.batches) {
        std::chrono::milliseconds slowest{0};
        for (const auto& id : wave) {
            auto it = by_id.find(id);
            if (it != by_id.end()) slowest = std::max(slowest, expected_duration(*it->second, plan));
        }
        total += slowest;
    }
    if (plan.policy.canary_group) total += plan.policy.pause_after_canary;
    return total;
}

std::string node_label(const PlanNode& n) {
    if (n.kind == NodeKind::nameserver) return "NameServer " + n.address;
    return n.broker_name + "@" + std::to_string(n.broker_id);
}

// "wave 3: broker-c@0, broker-k@0 — every topic keeps >= 1 writable group; tightest: ..."
std::vector<std::string> wave_lines(const Plan& plan) {
    std::unordered_map<std::string, const PlanNode*> by_id;
    for (const auto& n : plan.nodes) by_id.emplace(n.id, &n);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < plan.batches.size(); ++i) {
        std::vector<std::string> labels;
        for (const auto& id : plan.batches[i]) {
            auto it = by_id.find(id);
            labels.push_back(it == by_id.end() ? id : node_label(*it->second));
        }
        std::string line = "wave " + std::to_string(i + 1) + ": " + topics_text(labels, 1000);
        if (i < plan.batch_proofs.size() && !plan.batch_proofs[i].empty()) line += " — " + plan.batch_proofs[i];
        out.push_back(line + batch_note(plan, i));
    }
    return out;
}

// node id -> wave number (from 1).
std::unordered_map<std::string, std::size_t> wave_of(const Plan& plan) {
    std::unordered_map<std::string, std::size_t> out;
    for (std::size_t i = 0; i < plan.batches.size(); ++i) {
        for (const auto& id : plan.batches[i]) out.emplace(id, i + 1);
    }
    return out;
}

// ", wave 3" for a node of a wave; nothing for a skipped node.
std::string wave_tag(const std::unordered_map<std::string, std::size_t>& waves, const PlanNode& n) {
    auto it = waves.find(n.id);
    return it == waves.end() ? std::string() : ", wave " + std::to_string(it->second);
}

// What the expected duration leaves out.
std::string expected_note(const Plan& plan) {
    const auto& p = plan.policy;
    const bool gates = p.approve_after_canary || p.pause_after_every_wave || !p.pause_after_waves.empty();
    return " (" + std::to_string(plan.batches.size()) + " wave(s), each as long as its slowest node" +
           (gates ? "; approval waits not included)" : ")");
}

// "h1" or "h1 (sudo -n)": the SSH layer prefixes every command on a sudo host with "sudo -n".
std::string host_label(const Plan& plan, const std::string& host) {
    for (const auto& h : plan.hosts) {
        if (h.name == host && h.sudo) return host + " (sudo -n)";
    }
    return host;
}

void render_text(const Plan& plan, std::ostream& out) {
    out << "Plan for cluster " << plan.cluster << " -> " << plan.target_version << "\n";
    out << "Created " << plan.created_at << " from " << plan.inventory_path << "\n";
    out << "NameServers: " << topics_text(plan.nameservers, 100) << "\n";
    out << "Policy: " << policy_line(plan.policy) << "\n";
    out << "Drain: " << drain_line(plan.policy.drain) << "\n";
    out << "Timeouts: " << timeouts_line(plan.policy.timeouts) << "\n";
    if (plan.policy.probe_topic) out << "Probe topic: " << *plan.policy.probe_topic << "\n";
    if (!plan.acl_access_key_ref.empty()) out << "ACL: access key " << plan.acl_access_key_ref << ", secret key " << plan.acl_secret_key_ref << "\n";
    out << "Expected duration: " << duration_text(total_expected(plan)) << expected_note(plan) << "\n\n";

    out << "Findings:\n";
    if (plan.findings.empty()) out << "  (none)\n";
    for (const auto& f : plan.findings) out << "  [" << finding_tag(f) << "] " << f.id << " " << f.subject << ": " << f.message << "\n";

    out << "\nWaves (the nodes of a wave restart together; docs/plan.md \"Waves\"):\n";
    for (const auto& line : wave_lines(plan)) out << "  " << line << "\n";

    const auto waves = wave_of(plan);
    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
        const auto& n = plan.nodes[i];
        out << "\nNode " << i + 1 << "/" << plan.nodes.size() << wave_tag(waves, n) << ": " << node_title(n) << " on host "
            << n.host << " (" << versions(n) << ")";
        if (n.skip) {
            out << ": SKIPPED, " << n.skip_reason << "\n";
            continue;
        }
        out << ", expected " << duration_text(expected_duration(n, plan)) << "\n";
        if (!n.topics_losing_writable.empty()) {
            out << "  Topics without a writable broker while it is read-only or down: "
                << topics_text(n.topics_losing_writable) << "\n";
        }
        auto steps = steps_for(n, plan);
        for (std::size_t s = 0; s < steps.size(); ++s) {
            const auto& st = steps[s];
            out << "  " << s + 1 << ". " << phase_name(st.phase) << ": " << st.title << " (expected "
                << duration_text(st.expected) << ")\n";
            for (const auto& a : st.admin_calls) out << "     admin: " << a << "\n";
            for (const auto& c : st.commands) out << "     run on " << host_label(plan, n.host) << ": " << c << "\n";
            if (!st.wait.empty()) {
                out << "     wait: " << st.wait;
                if (st.timeout.count() > 0) out << " (timeout " << duration_text(st.timeout) << ")";
                out << "\n";
            }
        }
    }
    out << "\n" << status_line(plan) << "\n";
}

std::string md_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else out += c;
    }
    return out;
}

void render_markdown(const Plan& plan, std::ostream& out) {
    out << "# Upgrade plan: " << plan.cluster << " -> " << plan.target_version << "\n\n";
    out << "- Created: " << plan.created_at << " from `" << plan.inventory_path << "`\n";
    out << "- NameServers: " << topics_text(plan.nameservers, 100) << "\n";
    out << "- Policy: " << policy_line(plan.policy) << "\n";
    out << "- Drain: " << drain_line(plan.policy.drain) << "\n";
    out << "- Timeouts: " << timeouts_line(plan.policy.timeouts) << "\n";
    if (plan.policy.probe_topic) out << "- Probe topic: " << *plan.policy.probe_topic << "\n";
    out << "- Expected duration: " << duration_text(total_expected(plan)) << expected_note(plan) << "\n";
    out << "- Status: **" << status_line(plan) << "**\n\n";

    out << "## Findings\n\n";
    if (plan.findings.empty()) {
        out << "None.\n\n";
    } else {
        out << "| severity | id | subject | message |\n|---|---|---|---|\n";
        for (const auto& f : plan.findings) {
            out << "| " << finding_tag(f) << " | " << f.id << " | " << md_escape(f.subject) << " | " << md_escape(f.message) << " |\n";
        }
        out << "\n";
    }
    out << "## Waves\n\nThe nodes of a wave restart together.\n\n";
    for (const auto& line : wave_lines(plan)) out << "- " << md_escape(line) << "\n";
    const auto waves = wave_of(plan);
    out << "\n## Nodes\n";
    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
        const auto& n = plan.nodes[i];
        out << "\n### " << i + 1 << ". " << node_title(n) << " on " << n.host << " (" << versions(n) << ")" << wave_tag(waves, n)
            << "\n\n";
        if (n.skip) {
            out << "Skipped: " << n.skip_reason << "\n";
            continue;
        }
        out << "Expected duration " << duration_text(expected_duration(n, plan)) << ".";
        if (!n.topics_losing_writable.empty()) out << " Topics without a writable broker meanwhile: " << topics_text(n.topics_losing_writable) << ".";
        out << "\n\n| # | phase | what | wait (timeout) | expected |\n|---|---|---|---|---|\n";
        auto steps = steps_for(n, plan);
        for (std::size_t s = 0; s < steps.size(); ++s) {
            const auto& st = steps[s];
            std::string what = st.title;
            for (const auto& a : st.admin_calls) what += "<br>admin: `" + a + "`";
            for (const auto& c : st.commands) what += "<br>run on " + host_label(plan, n.host) + ": `" + c + "`";
            std::string wait = st.wait.empty() ? "-" : st.wait;
            if (st.timeout.count() > 0) wait += " (" + duration_text(st.timeout) + ")";
            out << "| " << s + 1 << " | " << phase_name(st.phase) << " | " << md_escape(what) << " | " << md_escape(wait)
                << " | " << duration_text(st.expected) << " |\n";
        }
    }
}

}  // namespace

std::string render_plan(const Plan& plan, PlanFormat format) {
    if (format == PlanFormat::json) return plan_to_json(plan);
    std::ostringstream out;
    if (format == PlanFormat::markdown) render_markdown(plan, out);
    else render_text(plan, out);
    return out.str();
}

}  // namespace rmqup
