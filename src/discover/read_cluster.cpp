// Stage 1 of discover: the cluster as every NameServer lists it, and every broker's own runtime
// info and live configuration. The NameServers are compared member by member: a broker one of
// them lacks, or lists at another address, is a disagreement the operator must see.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "rmqup/discover/discover.hpp"

namespace rmqup::discover {

namespace {

using MemberKey = std::pair<std::string, std::int64_t>;  // brokerName, brokerId

std::string member_text(const MemberKey& k, const std::string& address) {
    return k.first + "@" + std::to_string(k.second) + " (" + address + ")";
}

// brokerName@id -> address of the members of `cluster` one NameServer lists.
std::map<MemberKey, std::string> members_of(const rmq::ClusterInfo& info, const std::string& cluster) {
    std::map<MemberKey, std::string> out;
    auto names = info.cluster_addr_table.find(cluster);
    if (names == info.cluster_addr_table.end()) return out;
    for (const auto& name : names->second) {
        auto data = info.broker_addr_table.find(name);
        if (data == info.broker_addr_table.end()) continue;
        for (const auto& [id, address] : data->second.broker_addrs) out[{name, id}] = address;
    }
    return out;
}

// The cluster to read: the one asked for, else the only one listed.
Result<std::string> choose_cluster(const std::vector<NameServerAnswer>& answers, const std::string& wanted) {
    std::set<std::string> clusters;
    for (const auto& a : answers) {
        if (!a.info) continue;
        for (const auto& [name, brokers] : a.info->cluster_addr_table) clusters.insert(name);
    }
    std::string list;
    for (const auto& c : clusters) list += (list.empty() ? "" : ", ") + c;
    if (!wanted.empty()) {
        if (clusters.count(wanted)) return wanted;
        return make_error(ErrorKind::invalid_input, "no NameServer lists cluster '" + wanted + "'; they list: " +
                                                        (list.empty() ? std::string("no cluster") : list))
            .with("option --cluster");
    }
    if (clusters.size() == 1) return *clusters.begin();
    if (clusters.empty()) {
        return make_error(ErrorKind::conflict, "the NameServers list no cluster (no broker registered)");
    }
    return make_error(ErrorKind::invalid_input, "the NameServers list several clusters (" + list +
                                                    "): choose one with --cluster");
}

}  // namespace

std::vector<std::string> compare_views(const std::vector<NameServerAnswer>& answers, const std::string& cluster) {
    std::vector<std::string> out;
    std::vector<std::pair<std::string, std::map<MemberKey, std::string>>> answered;
    for (const auto& a : answers) {
        if (a.info) answered.emplace_back(a.address, members_of(*a.info, cluster));
    }
    if (answered.size() < 2) return out;
    std::map<MemberKey, std::set<std::string>> all;  // member -> addresses seen for it
    for (const auto& [ns, members] : answered) {
        for (const auto& [k, address] : members) all[k].insert(address);
    }
    for (const auto& [k, addresses] : all) {
        for (const auto& [ns, members] : answered) {
            auto it = members.find(k);
            if (it == members.end()) {
                out.push_back("NameServer " + ns + " lacks " + member_text(k, *addresses.begin()));
            } else if (addresses.size() > 1) {
                out.push_back("NameServer " + ns + " lists " + member_text(k, it->second) +
                              " while another NameServer lists it at another address");
            }
        }
    }
    return out;
}

Result<ClusterReading> read_cluster(NameServerAdmin& nameservers, BrokerAdmin& brokers,
                                    const std::vector<std::string>& nameserver_addresses, const std::string& cluster) {
    if (nameserver_addresses.empty()) return make_error(ErrorKind::invalid_input, "no NameServer address given").with("option -n");
    ClusterReading reading;
    std::string failures;
    for (const auto& ns : nameserver_addresses) {
        NameServerAnswer a{ns, std::nullopt, std::nullopt};
        auto info = nameservers.cluster_info(ns);
        if (info) {
            a.info = std::move(info).value();
        } else {
            a.error = std::move(info).error().with("NameServer " + ns);
            failures += (failures.empty() ? "" : "; ") + a.error->describe();
        }
        reading.nameservers.push_back(std::move(a));
    }
    const bool any = std::any_of(reading.nameservers.begin(), reading.nameservers.end(),
                                 [](const NameServerAnswer& a) { return a.info.has_value(); });
    if (!any) return make_error(ErrorKind::unreachable, "no NameServer answered: " + failures);
    auto chosen = choose_cluster(reading.nameservers, cluster);
    if (!chosen) return std::move(chosen).error();
    reading.cluster = *chosen;
    reading.disagreements = compare_views(reading.nameservers, reading.cluster);

    std::map<MemberKey, BrokerReading> union_members;
    for (const auto& a : reading.nameservers) {
        if (!a.info) continue;
        for (const auto& [k, address] : members_of(*a.info, reading.cluster)) {
            auto& b = union_members[k];
            if (b.address.empty()) b.address = address;  // the first NameServer's address wins
            b.broker_name = k.first;
            b.broker_id = k.second;
            b.listed_by.push_back(a.address);
        }
    }
    for (auto& [k, b] : union_members) {
        auto runtime = brokers.runtime_info(b.address);
        if (runtime) b.runtime = std::move(runtime).value();
        else b.runtime_error = std::move(runtime).error().with("broker " + member_text(k, b.address));
        auto config = brokers.broker_config(b.address);
        if (config) b.config = std::move(config).value();
        else b.config_error = std::move(config).error().with("broker " + member_text(k, b.address));
        reading.brokers.push_back(std::move(b));
    }
    return reading;
}

}  // namespace rmqup::discover
