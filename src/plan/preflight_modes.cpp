// What the engine's steps assume about each broker, read from its live configuration
// (GET_BROKER_CONFIG): a plain master/slave group (broker-mode), the role and id the inventory
// says (role-mismatch), an ACL account allowed to change brokerPermission (acl-account), and the
// 5.x replica settings that keep a 4.x SYNC_MASTER group synchronous (5x-replicas).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "preflight.hpp"

namespace rmqup::plan_detail {

namespace {

std::string who_of(const PlanNode& n) { return n.broker_name + "@" + std::to_string(n.broker_id); }

// DLedger and controller groups elect their master: perm 4, drain and stop aimed at "the
// master" may hit a node that is no longer one (operations facts 24-25).
void check_replication_mode(const Inventory& inv, const PreflightView& view, Findings& findings) {
    for (const auto& g : inv.broker_groups) {
        std::string dledger, controller;
        for (const auto& b : g.members) {
            const std::string who = b.broker_name + "@" + std::to_string(b.broker_id);
            if (dledger.empty() && live_flag(view, b.address, "enableDLegerCommitLog")) dledger = who;
            if (controller.empty() && live_flag(view, b.address, "enableControllerMode")) controller = who;
        }
        if (!dledger.empty()) {
            findings.add("broker-mode", Severity::error, g.broker_name,
                         "group " + g.broker_name + " runs DLedger (enableDLegerCommitLog=true on " + dledger +
                             "): its master and brokerIds follow Raft elections, so the master may move in the middle "
                             "of the roll and the permission/drain/stop steps would hit the wrong node. Roll a DLedger "
                             "group by hand (followers one at a time, then the leader, waiting for a re-election "
                             "each time), and remove it from the inventory to roll the other groups");
        }
        if (!controller.empty()) {
            findings.add("broker-mode", Severity::error, g.broker_name,
                         "group " + g.broker_name + " runs in controller mode (enableControllerMode=true on " +
                             controller + "): the controller assigns roles and fences a starting broker until it "
                                          "confirms it, which the master/slave roll does not follow. Upgrade the "
                                          "controllers first, then the group by the controller procedure (slaves, "
                                          "then the master), and remove the group from the inventory");
        }
    }
}

// TLS: the broker's own client (to NameServers) speaks TLS when useTLS=true. rmq-upgrade speaks
// plain TCP, which a node accepts only while its tls.server.mode is not enforcing.
void check_tls(const std::vector<PlanNode>& nodes, const PreflightView& view, Findings& findings) {
    for (const auto& n : nodes) {
        if (n.kind != NodeKind::broker || !live_flag(view, n.address, "useTLS")) continue;
        findings.add("broker-mode", Severity::warning, who_of(n),
                     "broker " + who_of(n) + " talks TLS to its NameServers (useTLS=true), and rmq-upgrade speaks "
                                             "plain TCP: a node whose tls.server.mode is enforcing closes its "
                                             "connections, and the roll could not reach it after its restart. Make "
                                             "sure every node runs tls.server.mode=permissive (the default; check "
                                             "JAVA_OPT and tls.config.file), then accept with --accept-risk broker-mode");
    }
}

const char* inventory_role(const InvBroker& b) { return to_string(b.role); }

// The live brokerRole and brokerId against the inventory (the plan orders and drains by them).
void check_roles(const Inventory& inv, const PreflightView& view, Findings& findings) {
    for (const auto& g : inv.broker_groups) {
        for (const auto& b : g.members) {
            const std::string who = b.broker_name + "@" + std::to_string(b.broker_id);
            auto live_id = live_config(view, b.address, "brokerId");
            if (live_id && *live_id != std::to_string(b.broker_id)) {
                findings.add("role-mismatch", Severity::error, who,
                             "broker at " + b.address + " has brokerId=" + *live_id + " but the inventory lists it as " +
                                 who + ": fix brokerId in the inventory");
            }
            auto live_role = live_config(view, b.address, "brokerRole");
            if (live_role && *live_role != inventory_role(b)) {
                findings.add("role-mismatch", Severity::error, who,
                             "broker " + who + " (" + b.address + ") runs as brokerRole=" + *live_role +
                                 " but the inventory says " + inventory_role(b) + ": fix role in the inventory");
            }
        }
    }
}

// Where ACL is on, the account must be an admin on every master: UPDATE_BROKER_CONFIG is
// admin-only (Permission.ADMIN_CODE). An empty update changes nothing and proves it.
void check_acl_admin(BrokerAdmin& admin, const std::vector<PlanNode>& nodes, const PreflightView& view, Findings& findings) {
    for (const auto& n : nodes) {
        if (n.kind != NodeKind::broker || n.broker_id != 0 || n.skip || !live_flag(view, n.address, "aclEnable")) continue;
        auto probe = admin.update_broker_config(n.address, {});
        if (probe) continue;
        const Error& e = probe.error();
        if (is_acl_refusal(e)) {
            findings.add("acl-account", Severity::error, who_of(n),
                         "master " + who_of(n) + " (" + n.address + ") has aclEnable=true and accepts the account "
                         "but refuses it UPDATE_BROKER_CONFIG [" + e.remark + "]: the roll could not set "
                         "brokerPermission. Use an account with admin: true in its plain_acl.yml");
        } else {
            findings.add("acl-account", Severity::error, who_of(n),
                         "master " + who_of(n) + " has aclEnable=true and admin rights could not be confirmed "
                         "(empty UPDATE_BROKER_CONFIG): " + e.describe());
        }
    }
}

}  // namespace

void check_broker_modes(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view,
                        const std::vector<PlanNode>& nodes, Findings& findings) {
    check_replication_mode(inv, view, findings);
    check_tls(nodes, view, findings);
    check_roles(inv, view, findings);
    check_acl_admin(admin, nodes, view, findings);
}

namespace {

// 4.x SYNC_MASTER acknowledges a send once one slave has it (HAService.GroupTransferService at
// rocketmq-all-4.8.0 waits for push2SlaveMaxOffset, the furthest slave). On 5.x the master counts
// itself in inSyncReplicas and handleHA returns PUT_OK at once when it is <= 1 (CommitLog at
// rocketmq-all-5.3.3; MessageStoreConfig defaults totalReplicas = inSyncReplicas = 1).
constexpr long long k_sync_in_sync_replicas = 2;

std::optional<long long> as_number(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    try {
        return std::stoll(*text);
    } catch (const std::logic_error&) {
        return std::nullopt;
    }
}

std::optional<std::string> inventory_override(const InvBroker& b, std::string_view key) {
    std::optional<std::string> v;
    for (const auto& [k, value] : b.overrides)
        if (k == key) v = value;
    return v;
}

void put_override(PlanNode& n, const std::string& key, const std::string& value) {
    for (auto& [k, v] : n.config_overrides) {
        if (k == key) {
            v = value;
            return;
        }
    }
    n.config_overrides.emplace_back(key, value);
}

struct LiveGroup {
    std::vector<std::string> slaves;      // "broker-a@1" of slaves whose live config confirms them
    std::vector<std::string> unreadable;  // why a member's live config cannot be used
};

// The group's slaves as their own GET_BROKER_CONFIG reports them (brokerName, brokerRole, brokerId).
LiveGroup live_slaves(const InvBrokerGroup& g, const PreflightView& view) {
    LiveGroup out;
    for (const auto& b : g.members) {
        if (b.is_master()) continue;
        const std::string who = b.broker_name + "@" + std::to_string(b.broker_id);
        if (view.broker_config.count(b.address) == 0) {
            out.unreadable.push_back(who + " (" + b.address + ") did not answer GET_BROKER_CONFIG");
            continue;
        }
        auto name = live_config(view, b.address, "brokerName");
        auto role = live_config(view, b.address, "brokerRole");
        auto id = live_config(view, b.address, "brokerId");
        if ((name && *name != g.broker_name) || (role && *role != "SLAVE") || (id && *id == "0")) {
            out.unreadable.push_back(who + " (" + b.address + ") reports brokerName=" + name.value_or("?") +
                                     " brokerRole=" + role.value_or("?") + " brokerId=" + id.value_or("?"));
            continue;
        }
        out.slaves.push_back(who);
    }
    return out;
}

// One SYNC_MASTER group going to 5.x: the overrides on its members' nodes, or a finding.
void settle_group(const InvBrokerGroup& g, const InvBroker& master, const PreflightView& view,
                  std::vector<PlanNode>& nodes, Findings& findings) {
    const LiveGroup live = live_slaves(g, view);
    if (!live.unreadable.empty()) {
        findings.add("5x-replicas", Severity::error, g.broker_name,
                     "group " + g.broker_name + " is SYNC_MASTER and goes to 5.x, where totalReplicas/inSyncReplicas "
                     "must be set to keep it synchronous, but its live slaves cannot be counted: " +
                         list_some(live.unreadable, 4) + ". Bring the slaves up (or fix the inventory) and plan again, "
                         "or set overrides totalReplicas and inSyncReplicas on the group's members yourself");
        return;
    }
    if (live.slaves.empty()) return;  // no slave to wait for: 5.x's defaults change nothing
    const auto total = static_cast<long long>(live.slaves.size()) + 1;
    auto set_total = as_number(inventory_override(master, "totalReplicas"));
    auto set_in_sync = as_number(inventory_override(master, "inSyncReplicas"));
    if (set_total || set_in_sync) {  // the operator's own choice stands; say when it is weaker
        if (set_total.value_or(1) < total || set_in_sync.value_or(1) < k_sync_in_sync_replicas)
            findings.add("5x-replicas", Severity::warning, g.broker_name,
                         "group " + g.broker_name + " is SYNC_MASTER with " + std::to_string(live.slaves.size()) +
                             " live slave(s) but the inventory overrides totalReplicas=" +
                             (set_total ? std::to_string(*set_total) : "(default 1)") + ", inSyncReplicas=" +
                             (set_in_sync ? std::to_string(*set_in_sync) : "(default 1)") +
                             ": on 5.x sends are acknowledged without waiting for a slave; accept if intended");
        return;
    }
    auto file_total = as_number(live_config(view, master.address, "totalReplicas"));
    auto file_in_sync = as_number(live_config(view, master.address, "inSyncReplicas"));
    if (file_total.value_or(0) >= total && file_in_sync.value_or(0) >= k_sync_in_sync_replicas) return;
    for (auto& n : nodes) {
        if (n.kind != NodeKind::broker || n.broker_name != g.broker_name || n.skip) continue;
        put_override(n, "totalReplicas", std::to_string(total));
        put_override(n, "inSyncReplicas", std::to_string(k_sync_in_sync_replicas));
    }
    std::string was;
    if (file_total || file_in_sync)
        was = " (its config file's totalReplicas=" + (file_total ? std::to_string(*file_total) : "unset") +
              ", inSyncReplicas=" + (file_in_sync ? std::to_string(*file_in_sync) : "unset") + " are overridden)";
    findings.add("5x-replicas", Severity::info, g.broker_name,
                 "group " + g.broker_name + " is SYNC_MASTER with " + std::to_string(live.slaves.size()) +
                     " live slave(s) (" + list_some(live.slaves, 4) + "): its members restart on 5.x with totalReplicas=" +
                     std::to_string(total) + " and inSyncReplicas=" + std::to_string(k_sync_in_sync_replicas) +
                     ", so a send still waits for one slave as on 4.x (5.x defaults both to 1)" + was);
}

}  // namespace

void settle_5x_replicas(const Inventory& inv, const PreflightView& view, std::vector<PlanNode>& nodes, Findings& findings) {
    auto target = RmqVersion::parse(inv.target_version);
    if (!target || !target->is5x()) return;
    for (const auto& g : inv.broker_groups) {
        auto master = std::find_if(g.members.begin(), g.members.end(), [](const InvBroker& b) { return b.is_master(); });
        if (master == g.members.end()) continue;
        auto node = std::find_if(nodes.begin(), nodes.end(), [&](const PlanNode& n) {
            return n.kind == NodeKind::broker && n.address == master->address;
        });
        if (node == nodes.end()) continue;
        auto current = RmqVersion::parse(node->current_version);
        if (node->skip || (current && current->is5x())) continue;  // already on 5.x: its config stands
        auto role = live_config(view, master->address, "brokerRole");
        if (!role) {
            if (master->role == BrokerRole::sync_master)
                findings.add("5x-replicas", Severity::error, g.broker_name,
                             "group " + g.broker_name + " is SYNC_MASTER in the inventory and goes to 5.x, but its master's "
                             "live config (GET_BROKER_CONFIG of " + master->address + ") could not be read: "
                             "totalReplicas/inSyncReplicas cannot be derived");
            continue;
        }
        if (*role == "SYNC_MASTER") settle_group(g, *master, view, nodes, findings);
    }
}

}  // namespace rmqup::plan_detail
