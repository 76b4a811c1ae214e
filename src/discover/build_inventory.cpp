// Stage 3 of discover: the inventory model from what the cluster and the hosts said. Every value
// carries its origin; what could not be read becomes a placeholder that `validate` refuses (it is
// neither an absolute path nor a version), so a half-read inventory can never be rolled by mistake.
#include <algorithm>
#include <map>
#include <set>

#include "build_detail.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/discover/discover.hpp"
#include "rmqup/hostops/process_identity.hpp"

namespace rmqup::discover {

using detail::build_host;
using detail::check_shared_hosts;

namespace {

std::optional<std::string> property(const rmq::Properties& props, const std::string& key) {
    for (const auto& [k, v] : props) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::string running_version(const BrokerReading& b) {
    if (!b.runtime) return {};
    if (auto v = RmqVersion::parse(b.runtime->version_desc)) return v->str();
    if (b.runtime->version) {
        if (auto v = RmqVersion::from_ordinal(*b.runtime->version)) return v->str();
    }
    return {};
}

std::string member_name(const BrokerReading& b) { return b.broker_name + "@" + std::to_string(b.broker_id); }

// What is known about the nodes of the hosts, by node address.
struct HostIndex {
    std::map<std::string, const HostReading*> hosts;  // host name -> reading
    std::map<std::string, const NodeFacts*> nodes;    // node address -> facts

    explicit HostIndex(const std::vector<HostReading>& readings) {
        for (const auto& h : readings) {
            hosts[h.name] = &h;
            for (const auto& n : h.nodes) nodes[n.query.address] = &n;
        }
    }
    const NodeFacts* node(const std::string& address) const {
        auto it = nodes.find(address);
        return it == nodes.end() ? nullptr : it->second;
    }
    const HostReading* host(const std::string& name) const {
        auto it = hosts.find(name);
        return it == hosts.end() ? nullptr : it->second;
    }
};

// Why a node's process facts are missing, for its placeholders.
std::string missing_reason(const NodeFacts* f, const std::string& host) {
    if (f == nullptr) return "host " + host + " was not read";
    if (f->error) return f->error->describe();
    if (!f->identity) return "nothing listens on " + f->query.address + " on host " + host;
    return "";
}

Noted role_of(const BrokerReading& b, const NodeFacts* f) {
    if (b.config) {
        if (auto role = property(*b.config, "brokerRole")) return discovered_value(*role, "brokerRole of GET_BROKER_CONFIG");
    }
    if (f && f->config_file) {
        if (auto role = property(*f->config_file, "brokerRole")) {
            return discovered_value(*role, "brokerRole in " + f->identity->config_path);
        }
    }
    if (b.broker_id > 0) return discovered_value("SLAVE", "brokerId " + std::to_string(b.broker_id) + " is a slave");
    return assumed_value("ASYNC_MASTER", "RocketMQ's default brokerRole (its config could not be read)");
}

Noted store_of(const BrokerReading& b, const NodeFacts* f, const std::string& host) {
    if (f && f->config_file) {
        if (auto store = property(*f->config_file, "storePathRootDir"); store && !store->empty()) {
            return discovered_value(*store, "storePathRootDir in " + f->identity->config_path);
        }
    }
    if (b.config) {
        if (auto store = property(*b.config, "storePathRootDir"); store && !store->empty()) {
            return discovered_value(*store, "storePathRootDir of GET_BROKER_CONFIG (the broker's default)");
        }
    }
    const std::string why = f && f->config_error ? f->config_error->describe() : missing_reason(f, host);
    return placeholder_value("storePathRootDir of " + member_name(b),
                             why.empty() ? "neither its config nor GET_BROKER_CONFIG names it" : why);
}

DiscoveredNode broker_node(const BrokerReading& b, const HostIndex& index) {
    DiscoveredNode n;
    n.kind = ProcessKind::broker;
    n.broker_name = b.broker_name;
    n.broker_id = b.broker_id;
    n.address = b.address;
    n.host = host_of(b.address);
    const NodeFacts* f = index.node(b.address);
    n.role = role_of(b, f);
    const std::string why = missing_reason(f, n.host);
    if (!why.empty()) {
        n.config = placeholder_value("config (-c) of " + member_name(b), why);
    } else if (f->identity->config_path.empty()) {
        n.config = placeholder_value("config (-c) of " + member_name(b), "pid " + std::to_string(f->identity->pid) +
                                                                            " runs without -c (RocketMQ's defaults)");
    } else {
        n.config = discovered_value(f->identity->config_path, "-c of pid " + std::to_string(f->identity->pid) +
                                                                  " listening on " + b.address + ", resolved");
    }
    n.store = store_of(b, f, n.host);
    const std::string version = running_version(b);
    if (b.runtime) {
        n.version_note = "running " + (version.empty() ? std::string("?") : version) + " (brokerVersionDesc " +
                         b.runtime->version_desc + ")";
    } else if (b.runtime_error) {
        n.version_note = "version unknown: " + b.runtime_error->describe();
    }
    if (f && f->identity) n.notes.push_back("home " + f->identity->home + " (" + f->identity->home_source + ")");
    if (b.config) {
        if (property(*b.config, "enableDLegerCommitLog").value_or("false") == "true") {
            n.notes.push_back("enableDLegerCommitLog=true: DLedger elects its own master; rmq-upgrade rolls "
                              "master/slave groups");
        }
    } else if (b.config_error) {
        n.notes.push_back("GET_BROKER_CONFIG failed: " + b.config_error->describe());
    }
    return n;
}

DiscoveredNode nameserver_node(const std::string& address, const HostIndex& index) {
    DiscoveredNode n;
    n.kind = ProcessKind::nameserver;
    n.address = address;
    n.host = host_of(address);
    const NodeFacts* f = index.node(address);
    const std::string why = missing_reason(f, n.host);
    if (!why.empty()) {
        n.config = placeholder_value("config (-c) of NameServer " + address + ", or delete the key if it runs without -c",
                                     why);
    } else if (f->identity->config_path.empty()) {
        n.config = discovered_value("", "pid " + std::to_string(f->identity->pid) + " runs without -c");
    } else {
        n.config = discovered_value(f->identity->config_path, "-c of pid " + std::to_string(f->identity->pid) +
                                                                  " listening on " + address + ", resolved");
    }
    if (f && f->identity) n.notes.push_back("home " + f->identity->home + " (" + f->identity->home_source + ")");
    return n;
}

}  // namespace

std::string host_of(const std::string& node_address) {
    auto split = split_address(node_address);
    return split ? split->first : node_address;
}

std::vector<HostQuery> host_queries(const ClusterReading& cluster, const std::vector<std::string>& nameservers,
                                    const std::string& target_version) {
    std::map<std::string, HostQuery> by_host;
    auto add = [&](NodeQuery node) {
        const std::string host = host_of(node.address);
        auto& q = by_host[host];
        q.name = host;
        q.address = host;
        q.target_version = target_version;
        q.nodes.push_back(std::move(node));
    };
    for (const auto& ns : nameservers) add(NodeQuery{ProcessKind::nameserver, "NameServer " + ns, ns, ""});
    for (const auto& b : cluster.brokers) {
        add(NodeQuery{ProcessKind::broker, "broker " + member_name(b), b.address, running_version(b)});
    }
    std::set<std::string> versions;
    for (const auto& b : cluster.brokers) {
        if (auto v = running_version(b); !v.empty()) versions.insert(v);
    }
    std::vector<HostQuery> out;
    for (auto& [name, q] : by_host) {
        q.cluster_versions.assign(versions.begin(), versions.end());
        out.push_back(std::move(q));
    }
    return out;
}

std::optional<std::string> derive_target_home(const std::string& current_home, const std::string& current_version,
                                              const std::string& target_version) {
    if (current_version.empty() || target_version.empty()) return std::nullopt;
    if (current_version == target_version) return current_home;
    const std::size_t slash = current_home.rfind('/');
    const std::size_t base = slash == std::string::npos ? 0 : slash + 1;
    const std::size_t at = current_home.rfind(current_version);
    if (at == std::string::npos || at < base) return std::nullopt;
    return current_home.substr(0, at) + target_version + current_home.substr(at + current_version.size());
}

DiscoveredInventory build_inventory(const ClusterReading& cluster, const std::vector<HostReading>& hosts,
                                    const DiscoverOptions& options) {
    const HostIndex index(hosts);
    DiscoveredInventory inv;
    inv.cluster = cluster.cluster;
    inv.nameserver_addresses = options.nameservers;
    if (options.target_version.empty()) {
        inv.target_version = placeholder_value("targetVersion", "no --to VERSION given");
    } else {
        auto v = RmqVersion::parse(options.target_version);
        inv.target_version = given_value(v ? v->str() : options.target_version, "--to");
    }
    inv.access = options.access;
    inv.acl = options.acl;
    inv.disagreements = cluster.disagreements;
    for (const auto& a : cluster.nameservers) {
        if (a.error) inv.warnings.push_back("NameServer " + a.address + " did not answer: " + a.error->describe());
    }
    for (const auto& address : options.nameservers) inv.nameservers.push_back(nameserver_node(address, index));
    std::set<std::string> versions;
    for (const auto& b : cluster.brokers) {
        if (inv.groups.empty() || inv.groups.back().broker_name != b.broker_name) {
            inv.groups.push_back(DiscoveredGroup{b.broker_name, {}});
        }
        inv.groups.back().members.push_back(broker_node(b, index));
        if (auto v = running_version(b); !v.empty()) versions.insert(v);
    }
    if (versions.size() == 1) {
        inv.current_version = *versions.begin();
        inv.current_version_note = "brokerVersionDesc of every broker";
    } else if (versions.size() > 1) {
        std::string list;
        for (const auto& v : versions) list += (list.empty() ? "" : ", ") + v;
        inv.current_version_note = "the brokers run several versions (" + list + "): not written";
        inv.warnings.push_back("the brokers run several versions: " + list + " (see each broker's comment)");
    }
    const std::string target = inv.target_version.origin == Origin::placeholder ? "" : inv.target_version.value;
    for (const auto& h : hosts) {
        inv.hosts.push_back(build_host(h, target));
        if (h.error) {
            inv.host_errors.push_back(*h.error);
            inv.warnings.push_back("host " + h.name + " could not be read: " + h.error->describe());
        }
    }
    check_shared_hosts(inv);
    return inv;
}

}  // namespace rmqup::discover
