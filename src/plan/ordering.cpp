#include "ordering.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace rmqup::plan_detail {

namespace {

WaveNode wave_node(const PlanNode& n) { return WaveNode{n.id, n.host, n.broker_id, n.skip}; }

// Slaves by id, master (id 0) last; or the master first when slavesFirst is off.
void sort_members(std::vector<const PlanNode*>& list, const Policy& policy) {
    std::stable_sort(list.begin(), list.end(), [&](const PlanNode* a, const PlanNode* b) {
        auto key = [&](const PlanNode* n) {
            bool master = n->broker_id == 0;
            return std::make_pair(policy.slaves_first ? master : !master, n->broker_id);
        };
        return key(a) < key(b);
    });
}

}  // namespace

Ordering order_nodes(std::vector<PlanNode> nodes, const std::vector<std::string>& group_order, const Policy& policy,
                     TopicRoutes routes, std::vector<WaveTopic> topics) {
    WaveInput in;
    std::map<std::string, std::vector<const PlanNode*>> members;
    for (const auto& n : nodes) {
        if (n.kind == NodeKind::nameserver) in.nameservers.push_back(wave_node(n));
        else members[n.broker_name].push_back(&n);
    }
    // Groups of the nodes missing from group_order (none when both come from one inventory) go last.
    std::vector<std::string> names = group_order;
    for (const auto& [name, list] : members) {
        if (std::find(group_order.begin(), group_order.end(), name) == group_order.end()) names.push_back(name);
    }
    for (const auto& name : names) {
        auto it = members.find(name);
        WaveGroup g{name, {}};
        if (it != members.end()) {
            sort_members(it->second, policy);
            for (const auto* n : it->second) g.members.push_back(wave_node(*n));
        }
        in.groups.push_back(std::move(g));
    }
    in.topics = std::move(topics);
    in.routes = routes;
    Waves waves = plan_waves(in, policy);

    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].id, i);
    Ordering out;
    out.nodes.reserve(nodes.size());
    for (const auto& id : waves.order) out.nodes.push_back(std::move(nodes[index.at(id)]));
    out.batches = std::move(waves.waves);
    out.batch_proofs = std::move(waves.proofs);
    out.unproven_waves = waves.unproven_waves;
    return out;
}

}  // namespace rmqup::plan_detail
