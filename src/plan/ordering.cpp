#include "ordering.hpp"

#include <algorithm>
#include <map>

namespace rmqup::plan_detail {

namespace {

// A batch of groups is rolled in waves: wave k holds the k-th node of each group of the batch,
// so two members of one group never restart together.
void add_group_batch(const std::vector<std::vector<const PlanNode*>>& groups, Ordering& out) {
    std::size_t waves = 0;
    for (const auto& g : groups) waves = std::max(waves, g.size());
    for (std::size_t w = 0; w < waves; ++w) {
        std::vector<std::string> batch;
        for (const auto& g : groups) {
            if (w < g.size()) {
                out.nodes.push_back(*g[w]);
                if (!g[w]->skip) batch.push_back(g[w]->id);
            }
        }
        if (!batch.empty()) out.batches.push_back(std::move(batch));
    }
}

}  // namespace

Ordering order_nodes(std::vector<PlanNode> nodes, const std::vector<std::string>& group_order, const Policy& policy) {
    Ordering out;
    std::vector<const PlanNode*> nameservers;
    std::map<std::string, std::vector<const PlanNode*>> members;
    for (const auto& n : nodes) {
        if (n.kind == NodeKind::nameserver) nameservers.push_back(&n);
        else members[n.broker_name].push_back(&n);
    }
    for (auto& [name, list] : members) {
        // Slaves by id, master (id 0) last; or the master first when slavesFirst is off.
        std::stable_sort(list.begin(), list.end(), [&](const PlanNode* a, const PlanNode* b) {
            auto key = [&](const PlanNode* n) {
                bool master = n->broker_id == 0;
                return std::make_pair(policy.slaves_first ? master : !master, n->broker_id);
            };
            return key(a) < key(b);
        });
    }

    auto add_nameservers = [&] {
        for (const auto* n : nameservers) {
            out.nodes.push_back(*n);
            if (!n->skip) out.batches.push_back({n->id});
        }
    };

    std::vector<std::string> groups = group_order;
    if (policy.canary_group) {
        auto it = std::find(groups.begin(), groups.end(), *policy.canary_group);
        if (it != groups.end()) std::rotate(groups.begin(), it, it + 1);
    }

    if (policy.nameserver_order == NameServerOrder::first) add_nameservers();
    std::size_t i = 0;
    if (policy.canary_group && !groups.empty() && groups.front() == *policy.canary_group) {
        add_group_batch({members[groups.front()]}, out);
        i = 1;
    }
    const std::size_t batch = static_cast<std::size_t>(std::max(1, policy.batch_size));
    while (i < groups.size()) {
        std::vector<std::vector<const PlanNode*>> batch_groups;
        for (std::size_t k = 0; k < batch && i < groups.size(); ++k, ++i) batch_groups.push_back(members[groups[i]]);
        add_group_batch(batch_groups, out);
    }
    if (policy.nameserver_order == NameServerOrder::last) add_nameservers();
    return out;
}

}  // namespace rmqup::plan_detail
