#include "rmqup/plan/planner.hpp"

#include <algorithm>

#include "rmqup/core/time_text.hpp"

#include "nodes.hpp"
#include "ordering.hpp"
#include "preflight.hpp"

namespace rmqup {

namespace {

using plan_detail::PreflightView;

// The live placement the waves are proved against: every non-system topic with the groups whose
// master holds writable queues of it. As in a route, a master whose brokerPermission lacks write
// (left read-only) holds no writable queue. Unknown when a master's topic config was not read.
TopicRoutes wave_topics(const PreflightView& view, const Inventory& inv, std::vector<WaveTopic>& out) {
    std::vector<char> broker_writable(view.groups.size(), 1);
    for (std::uint32_t g = 0; g < view.groups.size(); ++g) {
        if (view.master_address[g].empty() || !view.topics_read.count(view.master_address[g])) return TopicRoutes::unknown;
        auto perm = view.broker_perm.find(view.master_address[g]);
        if (perm != view.broker_perm.end()) broker_writable[g] = (perm->second & rmq::k_perm_write) != 0;
    }
    out.reserve(view.topics.size());
    for (const auto& [name, placements] : view.topics) {
        if (plan_detail::is_system_topic(name, view, inv)) continue;
        WaveTopic t{name, {}};
        for (const auto& p : placements) {
            if ((p.perm & rmq::k_perm_write) != 0 && p.write_queues > 0 && broker_writable[p.group]) t.writable_groups.push_back(p.group);
        }
        if (t.writable_groups.empty()) continue;
        std::sort(t.writable_groups.begin(), t.writable_groups.end());
        t.writable_groups.erase(std::unique(t.writable_groups.begin(), t.writable_groups.end()), t.writable_groups.end());
        out.push_back(std::move(t));
    }
    return TopicRoutes::live;
}

// waves-unproven, pause-after-wave (a gate past the last wave), and the inventory's deprecation
// warnings as findings.
void add_wave_findings(const Inventory& inv, const plan_detail::Ordering& ordering, plan_detail::Findings& findings) {
    if (ordering.unproven_waves > 0) {
        findings.add("waves-unproven", Severity::error, inv.cluster,
                     std::to_string(ordering.unproven_waves) + " wave(s) restart several masters together (policy.parallel " +
                         std::to_string(inv.policy.parallel) +
                         ") but the topic routes are unknown (an offline plan, or a master's topics unreadable): that every "
                         "topic keeps a writable group cannot be proven; plan live, or set policy.parallel: 1");
    }
    const auto waves = static_cast<int>(ordering.batches.size());
    for (int w : inv.policy.pause_after_waves) {
        if (w <= waves) continue;
        findings.add("pause-after-wave", Severity::warning, inv.cluster,
                     "policy.pauseAfter names wave " + std::to_string(w) + " but this plan has " + std::to_string(waves) +
                         " wave(s): that approval gate never stops the run");
    }
    for (const auto& w : inv.warnings) findings.add("deprecated-key", Severity::info, inv.source, w);
}

}  // namespace

Result<Plan> make_plan(const Inventory& inv, AdminApi* admin, const PlanRequest& req) {
    using namespace plan_detail;
    Plan plan;
    plan.cluster = inv.cluster;
    for (const auto& ns : inv.nameservers) plan.nameservers.push_back(ns.address);
    plan.target_version = inv.target_version;
    plan.policy = inv.policy;
    for (const auto& h : inv.hosts) plan.hosts.push_back(h.access);
    plan.acl_access_key_ref = inv.acl.access_key;
    plan.acl_secret_key_ref = inv.acl.secret_key_ref;
    plan.created_at = req.created_at.empty() ? iso8601_utc_now() : req.created_at;
    plan.inventory_path = inv.source;

    plan.run_id = run_id_from(plan.created_at);
    auto nodes = build_nodes(inv, plan.run_id);
    if (nodes.empty()) return make_error(ErrorKind::invalid_input, inv.source + ": the inventory lists no nodes to upgrade");

    Findings findings(plan.findings);
    PreflightView view = make_view(inv);
    const bool live = admin && !req.offline;
    view.live = live;
    if (live) {
        check_cluster(inv, *admin, *admin, req, view, nodes, findings);
        check_broker_modes(inv, *admin, view, nodes, findings);
        load_topics(*admin, view, findings);
        check_topics(inv, *admin, view, req, findings);
        check_probe_topic(inv, *admin, view, nodes, plan.created_at, findings);
    }
    check_inventory(inv, view, findings);
    if (!req.offline && req.host_ops) check_hosts(inv, nodes, req.host_ops, req, findings);
    if (live) settle_5x_replicas(inv, view, nodes, findings);
    if (live) check_acl_transitions(inv, *admin, view, req, nodes, findings);

    std::vector<WaveTopic> topics;
    const TopicRoutes routes = live ? wave_topics(view, inv, topics) : TopicRoutes::unknown;
    auto ordering = order_nodes(std::move(nodes), view.groups, inv.policy, routes, std::move(topics));
    add_wave_findings(inv, ordering, findings);
    plan.nodes = std::move(ordering.nodes);
    plan.batches = std::move(ordering.batches);
    plan.batch_proofs = std::move(ordering.batch_proofs);
    if (live) mark_topics_losing_writable(view, inv, plan.batches, plan.nodes);

    for (auto& f : plan.findings) {
        f.accepted = f.severity == Severity::warning &&
                     std::find(req.accepted_risks.begin(), req.accepted_risks.end(), f.id) != req.accepted_risks.end();
    }
    return plan;
}

bool plan_unreachable(const Plan& plan) {
    if (plan.nameservers.empty()) return false;
    return std::all_of(plan.nameservers.begin(), plan.nameservers.end(), [&](const std::string& ns) {
        return std::any_of(plan.findings.begin(), plan.findings.end(),
                           [&](const CheckFinding& f) { return f.id == "ns-unreachable" && f.subject == ns; });
    });
}

bool plan_blocked(const Plan& plan) {
    return std::any_of(plan.findings.begin(), plan.findings.end(), [](const CheckFinding& f) {
        return f.severity == Severity::error || (f.severity == Severity::warning && !f.accepted);
    });
}

}  // namespace rmqup
