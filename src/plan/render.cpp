// Text and Markdown renderings of a plan for review (JSON is the plan file itself).
#include "rmqup/plan/render.hpp"

#include <algorithm>
#include <set>
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

std::string policy_line(const Policy& p) {
    std::string s = std::string("NameServers ") + (p.nameserver_order == NameServerOrder::first ? "first" : "last") +
                    ", " + (p.slaves_first ? "slaves before masters" : "masters before slaves") + ", " +
                    std::to_string(p.batch_size) + " group(s) per batch";
    if (p.canary_group) {
        s += ", canary " + *p.canary_group;
        if (p.pause_after_canary.count() > 0) s += " then pause " + duration_text(p.pause_after_canary);
    }
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

// " (canary: pause 10m after it)" on the last batch of the canary group.
std::string batch_note(const Plan& plan, std::size_t i) {
    const auto& canary = plan.policy.canary_group;
    if (!canary) return "";
    auto in_canary = [&](std::size_t b) {
        const std::string prefix = "broker:" + *canary + ":";
        return b < plan.batches.size() && !plan.batches[b].empty() && plan.batches[b].front().rfind(prefix, 0) == 0;
    };
    if (!in_canary(i) || in_canary(i + 1)) return "";
    return plan.policy.pause_after_canary.count() > 0
               ? "  (canary " + *canary + " done: pause " + duration_text(plan.policy.pause_after_canary) + ")"
               : "  (canary " + *canary + " done)";
}

std::chrono::milliseconds total_expected(const Plan& plan) {
    std::chrono::milliseconds total{0};
    for (const auto& n : plan.nodes) total += expected_duration(n, plan);
    if (plan.policy.canary_group) total += plan.policy.pause_after_canary;
    return total;
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
    out << "Expected duration: " << duration_text(total_expected(plan)) << "\n\n";

    out << "Findings:\n";
    if (plan.findings.empty()) out << "  (none)\n";
    for (const auto& f : plan.findings) out << "  [" << finding_tag(f) << "] " << f.id << " " << f.subject << ": " << f.message << "\n";

    out << "\nBatches:\n";
    for (std::size_t i = 0; i < plan.batches.size(); ++i) {
        out << "  " << i + 1 << ". " << topics_text(plan.batches[i], 100) << batch_note(plan, i) << "\n";
    }

    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
        const auto& n = plan.nodes[i];
        out << "\nNode " << i + 1 << "/" << plan.nodes.size() << ": " << node_title(n) << " on host " << n.host << " ("
            << versions(n) << ")";
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
    out << "- Expected duration: " << duration_text(total_expected(plan)) << "\n";
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
    out << "## Batches\n\n";
    for (std::size_t i = 0; i < plan.batches.size(); ++i) {
        out << i + 1 << ". " << topics_text(plan.batches[i], 100) << batch_note(plan, i) << "\n";
    }
    out << "\n## Nodes\n";
    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
        const auto& n = plan.nodes[i];
        out << "\n### " << i + 1 << ". " << node_title(n) << " on " << n.host << " (" << versions(n) << ")\n\n";
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
