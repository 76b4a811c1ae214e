// What the engine's steps assume about each broker, read from its live configuration
// (GET_BROKER_CONFIG): a plain master/slave group (broker-mode), the role and id the inventory
// says (role-mismatch), and an ACL account allowed to change brokerPermission (acl-account).
#include "preflight.hpp"

namespace rmqup::plan_detail {

namespace {

std::string who_of(const PlanNode& n) { return n.broker_name + "@" + std::to_string(n.broker_id); }

// DLedger and controller groups elect their master: perm 4, drain and stop aimed at "the
// master" may hit a node that is no longer one (operations facts 24-25).
void check_replication_mode(const Inventory& inv, const ClusterView& view, Findings& findings) {
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
void check_tls(const std::vector<PlanNode>& nodes, const ClusterView& view, Findings& findings) {
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
void check_roles(const Inventory& inv, const ClusterView& view, Findings& findings) {
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
void check_acl_admin(AdminApi& admin, const std::vector<PlanNode>& nodes, const ClusterView& view, Findings& findings) {
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

void check_broker_modes(const Inventory& inv, AdminApi& admin, const ClusterView& view,
                        const std::vector<PlanNode>& nodes, Findings& findings) {
    check_replication_mode(inv, view, findings);
    check_tls(nodes, view, findings);
    check_roles(inv, view, findings);
    check_acl_admin(admin, nodes, view, findings);
}

}  // namespace rmqup::plan_detail
