// probe-topic: what the verify step's probe needs on every master it will probe. The probe sends
// to queue 0 of the probe topic and pulls it back (engine verify step); a missing topic is
// refused with TOPIC_NOT_EXIST (17) when autoCreateTopicEnable=false, and a refused probe rolls a
// healthy master back.
#include <algorithm>

#include "preflight.hpp"

namespace rmqup::plan_detail {

namespace {

constexpr const char* k_probe_group = "rmq_upgrade_probe";  // the engine's probe group

std::string who_of(const PlanNode& n) { return n.broker_name + "@" + std::to_string(n.broker_id); }

std::string create_hint(const Inventory& inv, const std::string& topic) {
    std::string ns;
    for (const auto& n : inv.nameservers) ns += (ns.empty() ? "" : ";") + n.address;
    return "create it first: mqadmin updateTopic -n '" + ns + "' -c " + inv.cluster + " -t " + topic +
           " -r 1 -w 1 -p 6";
}

// The placement of topic on the group of master n, when the topic config was read.
const TopicPlacement* placement_on(const PreflightView& view, const std::string& topic, const PlanNode& n) {
    auto g = view.group_index.find(n.broker_name);
    auto t = view.topics.find(topic);
    if (g == view.group_index.end() || t == view.topics.end()) return nullptr;
    for (const auto& p : t->second) {
        if (p.group == g->second) return &p;
    }
    return nullptr;
}

// One probe round trip as the verify step does it: send to queue 0, pull it back.
Status probe_round_trip(MessageProbe& probe, const PlanNode& n, const std::string& topic, const std::string& created_at) {
    const std::string uniq = "rmqup-plan-probe-" + n.broker_name + "-" + created_at;
    rmq::SendRequest msg;
    msg.producer_group = k_probe_group;
    msg.topic = topic;
    msg.queue_id = 0;
    msg.properties["UNIQ_KEY"] = uniq;
    msg.properties["KEYS"] = uniq;
    msg.properties["WAIT"] = "true";
    msg.body = "rmq-upgrade plan probe " + uniq;
    msg.broker_name = n.broker_name;
    auto sent = probe.send_message(n.address, msg);
    if (!sent) return std::move(sent).error().with("probe send");
    rmq::PullRequest pull;
    pull.consumer_group = k_probe_group;
    pull.topic = topic;
    pull.queue_id = 0;
    pull.queue_offset = sent->queue_offset;
    pull.max_msg_nums = 1;
    auto got = probe.pull_message(n.address, pull);
    if (!got) return std::move(got).error().with("probe pull");
    return ok_status();
}

// A topic that does not exist on master n: fine only if the broker creates it on the first send.
void check_missing(const Inventory& inv, const PreflightView& view, const PlanNode& n, const std::string& topic,
                   Findings& findings) {
    if (live_config(view, n.address, "autoCreateTopicEnable").value_or("true") == "true") {
        findings.add("probe-topic", Severity::info, who_of(n),
                     "probe topic " + topic + " does not exist on " + n.broker_name +
                         "; the master has autoCreateTopicEnable=true, so the first probe creates it");
        return;
    }
    findings.add("probe-topic", Severity::error, who_of(n),
                 "probe topic " + topic + " does not exist on " + n.broker_name + " (" + n.address +
                     ") and autoCreateTopicEnable=false: the verify probe would be refused with TOPIC_NOT_EXIST (17) "
                     "and a healthy master rolled back; " + create_hint(inv, topic));
}

}  // namespace

void check_probe_topic(const Inventory& inv, MessageProbe& probe, const PreflightView& view,
                       const std::vector<PlanNode>& nodes, const std::string& created_at, Findings& findings) {
    if (!inv.policy.probe_topic || inv.policy.probe_topic->empty()) return;
    const std::string& topic = *inv.policy.probe_topic;
    for (const auto& n : nodes) {
        if (n.kind != NodeKind::broker || n.broker_id != 0 || n.skip) continue;
        auto g = view.group_index.find(n.broker_name);
        // Unread topic config is reported as topics-unreadable, an unread config as unreachable.
        if (g == view.group_index.end() || view.master_address[g->second] != n.address) continue;
        if (!view.broker_config.count(n.address)) continue;
        const TopicPlacement* p = placement_on(view, topic, n);
        if (!p) {
            if (view.topics_read.count(n.address)) check_missing(inv, view, n, topic, findings);
            continue;
        }
        const bool writable = (p->perm & rmq::k_perm_write) && p->write_queues > 0;
        const bool readable = (p->perm & rmq::k_perm_read) && p->read_queues > 0;
        if (!writable || !readable) {
            findings.add("probe-topic", Severity::error, who_of(n),
                         "probe topic " + topic + " on " + n.broker_name + " has perm " + std::to_string(p->perm) +
                             ", " + std::to_string(p->write_queues) + " write and " + std::to_string(p->read_queues) +
                             " read queue(s): the verify probe sends to and pulls from queue 0, which needs both; "
                             "fix it with mqadmin updateTopic -b " + n.address + " -t " + topic + " -r 1 -w 1 -p 6");
            continue;
        }
        if (!live_flag(view, n.address, "aclEnable")) continue;
        // With ACL on, only the broker knows whether the account may send and pull: ask it.
        auto s = probe_round_trip(probe, n, topic, created_at);
        if (!s) {
            const Error& e = s.error();
            findings.add(is_acl_refusal(e) ? "acl-account" : "probe-topic", Severity::error, who_of(n),
                         "a probe message to " + topic + " on " + who_of(n) + " failed" +
                             (is_acl_refusal(e) ? " by ACL: give the account PUB|SUB on " + topic +
                                                      " and SUB on group " + k_probe_group + " [" + e.remark + "]"
                                                : ": " + e.describe()));
        }
    }
}

}  // namespace rmqup::plan_detail
