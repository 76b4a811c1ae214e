// Reconciliation with every NameServer's view, and the brokers' runtime facts.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "preflight.hpp"

namespace rmqup::plan_detail {

PreflightView make_view(const Inventory& inv) {
    PreflightView view;
    for (const auto& g : inv.broker_groups) {
        view.group_index.emplace(g.broker_name, static_cast<std::uint32_t>(view.groups.size()));
        view.groups.push_back(g.broker_name);
        std::string master;
        for (const auto& b : g.members) {
            if (b.is_master()) master = b.address;
        }
        view.master_address.push_back(master);
    }
    return view;
}

namespace {

// The part of a NameServer's view that concerns our cluster, in a comparable form.
std::map<std::string, std::map<std::int64_t, std::string>> cluster_slice(const rmq::ClusterInfo& info,
                                                                          const std::string& cluster) {
    std::map<std::string, std::map<std::int64_t, std::string>> out;
    auto it = info.cluster_addr_table.find(cluster);
    if (it == info.cluster_addr_table.end()) return out;
    for (const auto& name : it->second) {
        auto b = info.broker_addr_table.find(name);
        out[name] = b == info.broker_addr_table.end() ? std::map<std::int64_t, std::string>{} : b->second.broker_addrs;
    }
    return out;
}

void reconcile(const Inventory& inv, const std::string& ns, const rmq::ClusterInfo& info, Findings& findings) {
    auto slice = cluster_slice(info, inv.cluster);
    if (info.cluster_addr_table.find(inv.cluster) == info.cluster_addr_table.end()) {
        findings.add("cluster-missing", Severity::error, ns,
                     "NameServer " + ns + " knows no cluster '" + inv.cluster + "' (is the cluster name right?)");
        return;
    }
    for (const auto& g : inv.broker_groups) {
        for (const auto& b : g.members) {
            std::string who = b.broker_name + "@" + std::to_string(b.broker_id);
            auto git = slice.find(b.broker_name);
            auto bit = git == slice.end() ? decltype(git->second.end()){} : git->second.find(b.broker_id);
            if (git == slice.end() || bit == git->second.end()) {
                findings.add("broker-missing", Severity::error, who,
                             "broker " + who + " (" + b.address + ") is not registered on NameServer " + ns +
                                 " (down, or listed under another name or id?)");
            } else if (bit->second != b.address) {
                findings.add("address-mismatch", Severity::error, who,
                             "broker " + who + " is at " + bit->second + " according to NameServer " + ns +
                                 ", the inventory says " + b.address);
            }
        }
    }
    for (const auto& [name, members] : slice) {
        for (const auto& [id, addr] : members) {
            const InvBrokerGroup* g = inv.find_group(name);
            bool known = g && std::any_of(g->members.begin(), g->members.end(),
                                          [&, id_ = id](const InvBroker& b) { return b.broker_id == id_; });
            if (!known) {
                std::string who = name + "@" + std::to_string(id);
                findings.add("broker-unknown", Severity::warning, who,
                             "NameServer " + ns + " lists broker " + who + " (" + addr + ") in cluster " + inv.cluster +
                                 " but the inventory does not: it would not be upgraded");
            }
        }
    }
}

std::optional<int> broker_permission(const rmq::Properties& props) {
    for (const auto& [k, v] : props) {
        if (k == "brokerPermission") {
            try {
                return std::stoi(v);
            } catch (const std::logic_error&) {
                return std::nullopt;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

namespace {

// "acl-account" when the broker's ACL refused us, else "broker-unreachable".
void unanswered(const std::string& who, const PlanNode& node, const char* request, const Error& err,
                Findings& findings) {
    if (is_acl_refusal(err)) {
        findings.add("acl-account", Severity::error, who,
                     "broker " + who + " (" + node.address + ") refused " + request +
                         " by ACL (no credentials, an account its plain_acl.yml lacks, or a wrong secret) [" +
                         err.remark + "]; set acl.accessKey/acl.secretKey in the inventory to an account of that file "
                         "with admin: true");
        return;
    }
    findings.add("broker-unreachable", Severity::error, who,
                 "broker " + who + " (" + node.address + ") did not answer " + request + ": " + err.describe());
}

// Runtime info and config of one broker into the view; version, disk and permission findings.
void check_broker(const RmqVersion* target, BrokerAdmin& admin, const PlanRequest& req, PlanNode& node,
                  PreflightView& view, std::map<std::string, std::vector<std::string>>& versions, Findings& findings) {
    std::string who = node.broker_name + "@" + std::to_string(node.broker_id);
    auto rt = admin.runtime_info(node.address);
    if (!rt) return unanswered(who, node, "GET_BROKER_RUNTIME_INFO", rt.error(), findings);
    if (auto v = RmqVersion::parse(rt->version_desc)) {
        node.current_version = v->str();
        versions[v->str()].push_back(who);
        if (!view.lowest_version || *v < *view.lowest_version) view.lowest_version = *v;
        if (target && *v == *target) {
            node.skip = true;
            node.skip_reason = "already at " + v->str() + " (observed)";
            findings.add("already-at-target", Severity::info, who, "broker " + who + " already runs " + v->str() + ": skipped");
        } else if (target && *v > *target) {
            findings.add("target-older-than-current", Severity::error, who,
                         "broker " + who + " runs " + v->str() + ", newer than the target " + target->str() +
                             ": downgrades are not supported");
        }
    } else {
        findings.add("version-unknown", Severity::warning, who,
                     "broker " + who + " reports an unparseable version '" + rt->version_desc + "'");
    }
    if (rt->commit_log_disk_ratio && *rt->commit_log_disk_ratio > req.disk_ratio_warn) {
        findings.add("disk-ratio-high", Severity::warning, who,
                     "broker " + who + " commit log disk ratio is " +
                         std::to_string(static_cast<int>(*rt->commit_log_disk_ratio * 100)) + "% (warn above " +
                         std::to_string(static_cast<int>(req.disk_ratio_warn * 100)) +
                         "%): a restart with a full disk may not accept writes");
    }
    view.runtime.emplace(node.address, std::move(*rt));

    auto cfg = admin.broker_config(node.address);
    if (!cfg) return unanswered(who, node, "GET_BROKER_CONFIG", cfg.error(), findings);
    int perm = broker_permission(*cfg).value_or(rmq::k_perm_read_write);
    view.broker_perm[node.address] = perm;
    if (perm != rmq::k_perm_read_write) {
        findings.add("broker-not-read-write", Severity::warning, who,
                     "broker " + who + " has brokerPermission=" + std::to_string(perm) +
                         " (not 6): an earlier roll may have left it read-only; the roll sets 6 after its restart");
    }
    view.broker_config.emplace(node.address, std::move(*cfg));
}

// NameServer reconciliation: every NameServer holds its own table, so each one must agree.
void check_nameservers(const Inventory& inv, NameServerAdmin& admin, Findings& findings) {
    std::optional<std::pair<std::string, std::map<std::string, std::map<std::int64_t, std::string>>>> first;
    bool disagree_reported = false;
    for (const auto& ns : inv.nameservers) {
        auto info = admin.cluster_info(ns.address);
        if (!info) {
            findings.add("ns-unreachable", Severity::error, ns.address,
                         "NameServer " + ns.address + " did not answer GET_BROKER_CLUSTER_INFO: " + info.error().describe());
            continue;
        }
        reconcile(inv, ns.address, *info, findings);
        auto slice = cluster_slice(*info, inv.cluster);
        if (!first) {
            first.emplace(ns.address, std::move(slice));
        } else if (slice != first->second && !disagree_reported) {
            disagree_reported = true;
            findings.add("nameservers-disagree", Severity::warning, ns.address,
                         "NameServers " + first->first + " and " + ns.address + " report different brokers for cluster " +
                             inv.cluster + " (a broker not registered everywhere?)");
        }
    }
}

}  // namespace

std::optional<std::string> live_config(const PreflightView& view, const std::string& address, std::string_view key) {
    auto it = view.broker_config.find(address);
    if (it == view.broker_config.end()) return std::nullopt;
    for (const auto& [k, v] : it->second) {
        if (k == key) return v;
    }
    return std::nullopt;
}

bool live_flag(const PreflightView& view, const std::string& address, std::string_view key) {
    return live_config(view, address, key).value_or("") == "true";
}

bool is_acl_refusal(const Error& err) {
    // Sends and pulls are refused through the codec, which keeps the remark but not the kind.
    return err.kind == ErrorKind::denied ||
           err.remark.find("org.apache.rocketmq.acl.common.AclException") != std::string::npos;
}

void check_cluster(const Inventory& inv, NameServerAdmin& nameservers, BrokerAdmin& brokers, const PlanRequest& req,
                   PreflightView& view,
                   std::vector<PlanNode>& nodes, Findings& findings) {
    check_nameservers(inv, nameservers, findings);
    auto target = RmqVersion::parse(inv.target_version);
    std::map<std::string, std::vector<std::string>> versions;  // version -> brokers
    for (auto& node : nodes) {
        if (node.kind == NodeKind::broker) check_broker(target ? &*target : nullptr, brokers, req, node, view, versions, findings);
    }
    if (versions.size() > 1) {
        std::vector<std::string> parts;
        for (const auto& [v, who] : versions) parts.push_back(v + " (" + std::to_string(who.size()) + " brokers)");
        findings.add("mixed-versions", Severity::warning, inv.cluster,
                     "brokers already run several versions: " + list_some(parts, 10) + " (an unfinished roll?)");
    }

    // Slave catch-up: compare each slave with its master.
    for (const auto& g : inv.broker_groups) {
        const InvBroker* master = nullptr;
        for (const auto& b : g.members) {
            if (b.is_master()) master = &b;
        }
        if (!master || !view.runtime.count(master->address)) continue;
        auto master_off = view.runtime.at(master->address).commit_log_max_offset;
        for (const auto& b : g.members) {
            if (b.is_master() || !view.runtime.count(b.address)) continue;
            auto gap = master_off - view.runtime.at(b.address).commit_log_max_offset;
            if (gap > std::max(inv.policy.drain.slave_lag_bytes, req.slave_lag_warn_bytes)) {
                std::string who = b.broker_name + "@" + std::to_string(b.broker_id);
                findings.add("slave-behind-master", Severity::warning, who,
                             "slave " + who + " is " + std::to_string(gap) + " bytes behind its master (commitLogMaxOffset)");
            }
        }
    }
}

}  // namespace rmqup::plan_detail
