#include "rmqup/plan/planner.hpp"

#include <algorithm>

#include "rmqup/core/time_text.hpp"

#include "nodes.hpp"
#include "ordering.hpp"
#include "preflight.hpp"

namespace rmqup {

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
    ClusterView view = make_view(inv);
    const bool live = admin && !req.offline;
    view.live = live;
    if (live) {
        check_cluster(inv, *admin, req, view, nodes, findings);
        check_broker_modes(inv, *admin, view, nodes, findings);
        load_topics(*admin, view, findings);
        check_topics(inv, *admin, view, req, findings);
        check_probe_topic(inv, *admin, view, nodes, plan.created_at, findings);
    }
    check_inventory(inv, view, findings);
    if (!req.offline && req.host_ops) check_hosts(inv, nodes, req.host_ops, req, findings);
    if (live) settle_5x_replicas(inv, view, nodes, findings);
    if (live) check_acl_transitions(inv, *admin, view, req, nodes, findings);

    std::vector<std::string> group_order = view.groups;
    auto ordering = order_nodes(std::move(nodes), group_order, inv.policy);
    plan.nodes = std::move(ordering.nodes);
    plan.batches = std::move(ordering.batches);
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
