// Topic placement checks. Topic configs are read once per master (GET_ALL_TOPIC_CONFIG), not once
// per topic from a NameServer: 500 requests instead of 50,000 on a large cluster.
#include <algorithm>
#include <map>
#include <stdexcept>
#include <unordered_set>

#include "preflight.hpp"
#include "rmqup/core/version_matrix.hpp"

namespace rmqup::plan_detail {

std::string list_some(const std::vector<std::string>& items, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
        if (i) out += ", ";
        out += items[i];
    }
    if (items.size() > limit) out += " (+" + std::to_string(items.size() - limit) + " more)";
    return out;
}

bool is_system_topic(const std::string& topic, const PreflightView& view, const Inventory& inv) {
    // TopicValidator.SYSTEM_TOPIC_PREFIX (rmq_sys_), the RMQ_SYS_* names of TopicValidator, and
    // MixAll's %RETRY%, %DLQ% and %LMQ% prefixes (apache/rocketmq, tag rocketmq-all-4.9.7).
    static constexpr std::string_view k_prefixes[] = {"%RETRY%", "%DLQ%", "%LMQ%", "RMQ_SYS_", "rmq_sys_"};
    for (auto p : k_prefixes) {
        if (topic.rfind(p, 0) == 0) return true;
    }
    // TopicValidator.SYSTEM_TOPIC_SET (4.9.7; SCHEDULE_TOPIC_XXXX_V2 from 5.x).
    static constexpr std::string_view k_names[] = {"TBW102",           "SCHEDULE_TOPIC_XXXX", "SCHEDULE_TOPIC_XXXX_V2",
                                                   "BenchmarkTest",    "OFFSET_MOVED_EVENT",  "SELF_TEST_TOPIC",
                                                   "TRANS_CHECK_MAX_TIME_TOPIC"};
    for (auto n : k_names) {
        if (topic == n) return true;
    }
    // TopicConfigManager creates the cluster-name, broker-name and <cluster>_REPLY_TOPIC topics
    // (MixAll.getReplyTopic); the probe topic is this tool's own.
    if (topic == inv.cluster || topic == inv.cluster + "_REPLY_TOPIC" || view.group_index.count(topic) > 0) return true;
    return inv.policy.probe_topic && topic == *inv.policy.probe_topic;
}

void load_topics(BrokerAdmin& admin, PreflightView& view, Findings& findings) {
    for (std::uint32_t g = 0; g < view.groups.size(); ++g) {
        const auto& addr = view.master_address[g];
        if (addr.empty()) continue;
        auto table = admin.all_topic_config(addr);
        if (!table) {
            findings.add("topics-unreadable", Severity::error, view.groups[g],
                         "master of " + view.groups[g] + " (" + addr + ") did not answer GET_ALL_TOPIC_CONFIG: " +
                             table.error().describe() + "; topic checks are incomplete");
            continue;
        }
        view.topics_read.insert(addr);
        for (const auto& [name, tc] : table->topic_config_table) {
            view.topics[name].push_back(TopicPlacement{g, tc.read_queue_nums, tc.write_queue_nums, tc.perm, tc.order});
        }
    }
}

namespace {

bool writable(const TopicPlacement& p) { return (p.perm & rmq::k_perm_write) != 0 && p.write_queues > 0; }

std::int64_t lag_of(const rmq::ConsumeStats& stats) {
    std::int64_t total = 0;
    for (const auto& [mq, w] : stats.offset_table) total += std::max<std::int64_t>(0, w.broker_offset - w.consumer_offset);
    return total;
}

// Consumer lag per (group, broker) of the consumer groups with a retry topic on each broker group,
// bounded by req.max_consume_stats_queries so a cluster with thousands of groups stays fast.
void check_consumer_lag(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view, const PlanRequest& req,
                        const std::vector<std::vector<std::string>>& consumer_groups, Findings& findings) {
    int queries = 0;
    bool truncated = false;
    for (std::uint32_t g = 0; g < view.groups.size() && !truncated; ++g) {
        const auto& addr = view.master_address[g];
        if (addr.empty() || !view.runtime.count(addr)) continue;
        for (const auto& group : consumer_groups[g]) {
            if (queries >= req.max_consume_stats_queries) {
                truncated = true;
                break;
            }
            ++queries;
            auto stats = admin.consume_stats(addr, group, "");
            if (!stats) continue;  // a group without online consumers or offsets: nothing to report
            auto lag = lag_of(*stats);
            if (lag > req.consumer_lag_warn) {
                findings.add("consumer-lag", Severity::warning, group + "@" + view.groups[g],
                             "consumer group " + group + " is " + std::to_string(lag) + " messages behind on " +
                                 view.groups[g] + ": they stay unconsumed while its master restarts");
            }
        }
    }
    if (truncated) {
        findings.add("consumer-lag-truncated", Severity::info, inv.cluster,
                     "consumer lag checked for the first " + std::to_string(req.max_consume_stats_queries) +
                         " group/broker pairs only");
    }
}

}  // namespace

void check_topics(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view, const PlanRequest& req,
                  Findings& findings) {
    std::vector<std::vector<std::string>> single_group(view.groups.size()), orderly(view.groups.size());
    std::vector<std::string> single_queue;
    // group index -> consumer groups with a retry topic there
    std::vector<std::vector<std::string>> consumer_groups(view.groups.size());

    // Sorted topic names keep findings stable across runs.
    std::vector<const std::string*> names;
    names.reserve(view.topics.size());
    for (const auto& [name, placements] : view.topics) names.push_back(&name);
    std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });

    for (const std::string* name : names) {
        const auto& placements = view.topics.at(*name);
        if (name->rfind("%RETRY%", 0) == 0) {
            for (const auto& p : placements) consumer_groups[p.group].push_back(name->substr(7));
            continue;
        }
        if (is_system_topic(*name, view, inv)) continue;
        int writable_groups = 0, write_queues = 0;
        std::uint32_t last = 0;
        for (const auto& p : placements) {
            if (writable(p)) {
                ++writable_groups;
                write_queues += p.write_queues;
                last = p.group;
            }
            if (p.order) orderly[p.group].push_back(*name);
        }
        if (writable_groups == 1 && view.groups.size() > 1) single_group[last].push_back(*name);
        if (write_queues == 1) single_queue.push_back(*name);
    }

    for (std::uint32_t g = 0; g < view.groups.size(); ++g) {
        if (!single_group[g].empty()) {
            findings.add("single-group-topic", Severity::warning, view.groups[g],
                         std::to_string(single_group[g].size()) + " topic(s) have writable queues only on " + view.groups[g] +
                             " and cannot be written while its master restarts: " + list_some(single_group[g], req.max_topics_listed));
        }
        if (!orderly[g].empty()) {
            findings.add("orderly-topic", Severity::warning, view.groups[g],
                         std::to_string(orderly[g].size()) + " orderly topic(s) on " + view.groups[g] +
                             ": sends to a read-only broker fail at once for the whole drain: " +
                             list_some(orderly[g], req.max_topics_listed));
        }
    }
    if (!single_queue.empty()) {
        findings.add("single-queue-topic", Severity::warning, inv.cluster,
                     std::to_string(single_queue.size()) + " topic(s) have a single writable queue in the cluster: " +
                         list_some(single_queue, req.max_topics_listed));
    }

    check_consumer_lag(inv, admin, view, req, consumer_groups, findings);
}

void mark_topics_losing_writable(const PreflightView& view, const Inventory& inv,
                                 const std::vector<std::vector<std::string>>& batches,
                                 std::vector<PlanNode>& nodes) {
    // group index -> batch index in which its master restarts
    std::vector<int> master_batch(view.groups.size(), -1);
    std::unordered_map<std::string, std::size_t> node_by_id;
    for (std::size_t i = 0; i < nodes.size(); ++i) node_by_id.emplace(nodes[i].id, i);
    std::vector<std::size_t> master_node(view.groups.size(), nodes.size());
    for (std::size_t b = 0; b < batches.size(); ++b) {
        for (const auto& id : batches[b]) {
            const auto& n = nodes[node_by_id.at(id)];
            if (n.kind != NodeKind::broker || n.broker_id != 0) continue;
            auto g = view.group_index.find(n.broker_name);
            if (g == view.group_index.end()) continue;
            master_batch[g->second] = static_cast<int>(b);
            master_node[g->second] = node_by_id.at(id);
        }
    }
    std::vector<const std::string*> names;
    names.reserve(view.topics.size());
    for (const auto& [name, placements] : view.topics) names.push_back(&name);
    std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    for (const std::string* name : names) {
        if (is_system_topic(*name, view, inv)) continue;
        int batch = -2;
        bool any = false;
        for (const auto& p : view.topics.at(*name)) {
            if (!writable(p)) continue;
            any = true;
            int b = master_batch[p.group];
            if (b < 0 || (batch != -2 && b != batch)) {
                batch = -1;
                break;
            }
            batch = b;
        }
        if (!any || batch < 0) continue;
        for (const auto& p : view.topics.at(*name)) {
            if (writable(p) && master_node[p.group] < nodes.size()) nodes[master_node[p.group]].topics_losing_writable.push_back(*name);
        }
    }
}

namespace {

// A replica key's value: the inventory override, else the master's live configuration (a 4.x
// broker reports keys of its -c file it does not know, and restore_config keeps them).
std::optional<long long> replica_setting(const InvBroker& master, const PreflightView& view, const char* key) {
    std::optional<std::string> text;
    for (const auto& [k, v] : master.overrides) {
        if (k == key) text = v;
    }
    if (!text) text = live_config(view, master.address, key);
    if (!text) return std::nullopt;
    try {
        return std::stoll(*text);
    } catch (const std::logic_error&) {
        return std::nullopt;
    }
}

// 4.x -> 5.x: totalReplicas/inSyncReplicas default to 1 on 5.x (operations fact 23).
void check_5x_replicas(const Inventory& inv, const PreflightView& view, Findings& findings) {
    for (const auto& g : inv.broker_groups) {
        const InvBroker* master = nullptr;
        for (const auto& b : g.members) {
            if (b.is_master()) master = &b;
        }
        if (!master) continue;
        auto live_role = live_config(view, master->address, "brokerRole");
        const bool sync = live_role ? *live_role == "SYNC_MASTER" : master->role == BrokerRole::sync_master;
        if (!sync) continue;
        const auto members = static_cast<long long>(g.members.size());
        const long long in_sync_needed = std::min<long long>(members, 2);
        auto total = replica_setting(*master, view, "totalReplicas");
        auto in_sync = replica_setting(*master, view, "inSyncReplicas");
        if (total && in_sync && *total >= members && *in_sync >= in_sync_needed) continue;
        findings.add("5x-replicas", Severity::warning, g.broker_name,
                     "group " + g.broker_name + " is SYNC_MASTER with " + std::to_string(members) +
                         " replicas: on 5.x totalReplicas/inSyncReplicas default to 1 and the group silently becomes "
                         "asynchronous; add overrides totalReplicas: " + std::to_string(members) +
                         " and inSyncReplicas: " + std::to_string(in_sync_needed) + " to its master");
    }
}

}  // namespace

namespace {

// The version matrix's row for current -> target (docs/versions.md): refused paths block; where
// mixing versions breaks registration, NameServers must go first; what is known of the store for a
// rollback is shown.
void check_version_path(const Inventory& inv, const RmqVersion& current, const RmqVersion& target,
                        Findings& findings) {
    const UpgradePath path = upgrade_path(current, target);
    const std::string pair = current.str() + " -> " + target.str();
    if (path.verdict == PathVerdict::refused) {
        findings.add("version-path", Severity::error, inv.cluster, pair + " has no in-place path: " + path.reason);
        return;
    }
    if (path.order == NamesrvOrder::required_first && inv.policy.nameserver_order != NameServerOrder::first)
        findings.add("version-path", Severity::error, inv.cluster,
                     pair + ": NameServers must be upgraded first (" + path.order_reason +
                         "); set policy.nameServerOrder: first");
    // What is known per pair is in docs/versions.md; only an unknown store is worth a finding.
    if (path.store == StoreCompat::unknown)
        findings.add("version-path", Severity::warning, inv.cluster,
                     pair + ": whether " + current.str() + " can read the store " + target.str() +
                         " wrote (the rollback) is not established" +
                         (path.store_note.empty() ? std::string() : " (" + path.store_note + ")") +
                         "; accept this risk once a rehearsal on a copy of the store proved it");
}

}  // namespace

void check_inventory(const Inventory& inv, const PreflightView& view, Findings& findings) {
    auto target = RmqVersion::parse(inv.target_version);
    auto current = view.lowest_version;
    if (!current && !inv.current_version.empty()) current = RmqVersion::parse(inv.current_version);
    if (!target) return;
    if (!view.lowest_version && current && *current > *target) {
        findings.add("target-older-than-current", Severity::error, inv.cluster,
                     "the target " + target->str() + " is older than the current " + current->str() +
                         ": downgrades are not supported");
    }
    if (current && !(*current > *target)) check_version_path(inv, *current, *target, findings);
    if (target->is5x() && (!current || !current->is5x()) && !view.live) check_5x_replicas(inv, view, findings);
}

}  // namespace rmqup::plan_detail
