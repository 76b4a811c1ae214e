#include "nodes.hpp"

#include "rmqup/hostops/rocketmq_commands.hpp"

namespace rmqup::plan_detail {

namespace {

struct Vars {
    std::string home, config, log, java_home, broker_name, broker_id, address;
};

std::string substitute(std::string text, const Vars& v) {
    const std::pair<const char*, const std::string*> table[] = {
        {"{home}", &v.home},         {"{config}", &v.config},          {"{log}", &v.log},
        {"{javaHome}", &v.java_home}, {"{brokerName}", &v.broker_name}, {"{brokerId}", &v.broker_id},
        {"{address}", &v.address}};
    for (const auto& [ph, value] : table) {
        std::string needle(ph);
        for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + value->size())) {
            text.replace(pos, needle.size(), *value);
        }
    }
    return text;
}

ProcessSpec broker_spec(const Inventory& inv, const InvBroker& b, const InvHost& host, const std::string& home) {
    Vars v{home, b.config, "", host.access.java_home, b.broker_name, std::to_string(b.broker_id), b.address};
    v.log = substitute(inv.commands.broker_log, v);
    ProcessSpec s;
    s.kind = ProcessKind::broker;
    s.name = b.broker_name + "@" + std::to_string(b.broker_id);
    s.host = b.host;
    s.match = default_broker_match(b.config);
    s.config_path = b.config;
    s.store_path = b.store_path;
    s.log_path = v.log;
    s.start_command = inv.commands.broker_start.empty()
                          ? render_broker_start_command(home, b.config, host.access.java_home)
                          : substitute(inv.commands.broker_start, v);
    s.stop_command = substitute(inv.commands.broker_stop, v);
    s.address = b.address;
    s.home = home;
    s.java_home = host.access.java_home;
    return s;
}

ProcessSpec nameserver_spec(const Inventory& inv, const InvNameServer& ns, const InvHost& host, const std::string& home) {
    // Addresses contain ':' which is awkward in file names.
    std::string addr_token = ns.address;
    for (auto& c : addr_token) {
        if (c == ':') c = '-';
    }
    Vars v{home, ns.config, "", host.access.java_home, "", "", addr_token};
    v.log = substitute(inv.commands.nameserver_log, v);
    v.address = ns.address;
    ProcessSpec s;
    s.kind = ProcessKind::nameserver;
    s.name = ns.address;
    s.host = ns.host;
    s.match = !ns.process_match.empty()                 ? ns.process_match
              : !inv.commands.nameserver_match.empty() ? inv.commands.nameserver_match
                                                        : default_nameserver_match(ns.config);
    s.config_path = ns.config;
    s.log_path = v.log;
    s.start_command = inv.commands.nameserver_start.empty()
                          ? render_nameserver_start_command(home, ns.config, host.access.java_home)
                          : substitute(inv.commands.nameserver_start, v);
    s.stop_command = substitute(inv.commands.nameserver_stop, v);
    s.address = ns.address;
    s.home = home;
    s.java_home = host.access.java_home;
    return s;
}

}  // namespace

std::string nameserver_node_id(const std::string& address) { return "ns:" + address; }

std::string broker_node_id(const std::string& broker_name, std::int64_t broker_id) {
    return "broker:" + broker_name + ":" + std::to_string(broker_id);
}

std::string run_id_from(const std::string& created_at) {
    std::string id;
    for (char c : created_at)
        if ((c >= '0' && c <= '9') || c == 'T' || c == 'Z') id += c;
    return id.empty() ? "run" : id;
}

std::vector<PlanNode> build_nodes(const Inventory& inv, const std::string& run_id) {
    std::vector<PlanNode> nodes;
    for (const auto& ns : inv.nameservers) {
        const InvHost* host = inv.find_host(ns.host);
        if (!host) continue;  // validated by the inventory parser
        PlanNode n;
        n.kind = NodeKind::nameserver;
        n.id = nameserver_node_id(ns.address);
        n.cluster = inv.cluster;
        n.address = ns.address;
        n.host = ns.host;
        n.current_version = inv.current_version;
        n.target_version = inv.target_version;
        n.current_home = host->current_home;
        n.target_home = host->target_home;
        n.current = nameserver_spec(inv, ns, *host, host->current_home);
        n.target = nameserver_spec(inv, ns, *host, host->target_home);
        nodes.push_back(std::move(n));
    }
    for (const auto& g : inv.broker_groups) {
        for (const auto& b : g.members) {
            const InvHost* host = inv.find_host(b.host);
            if (!host) continue;
            PlanNode n;
            n.kind = NodeKind::broker;
            n.id = broker_node_id(b.broker_name, b.broker_id);
            n.cluster = inv.cluster;
            n.broker_name = b.broker_name;
            n.broker_id = b.broker_id;
            n.address = b.address;
            n.host = b.host;
            n.current_version = inv.current_version;
            n.target_version = inv.target_version;
            n.current_home = host->current_home;
            n.target_home = host->target_home;
            n.current = broker_spec(inv, b, *host, host->current_home);
            n.target = broker_spec(inv, b, *host, host->target_home);
            n.pristine_config_backup = b.config + ".rmqup-" + run_id + ".pristine";
            n.config_overrides = b.overrides;
            nodes.push_back(std::move(n));
        }
    }
    return nodes;
}

}  // namespace rmqup::plan_detail
