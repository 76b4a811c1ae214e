// The rehearsal cluster's processes: starting the old version (as detached daemons, exactly as
// a host would run them) and observing every node afterwards (version, permission, routes).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/rehearse_layout.hpp"
#include "cli/rehearse_topology.hpp"
#include "rmqup/admin/admin_api.hpp"
#include "rmqup/core/result.hpp"

namespace rmqup::cli::rehearse {

// Starts every NameServer, then every broker, at version from the layout's homes, and waits
// until every NameServer lists every broker. Errors name the node and point at its log.
Status start_cluster(const Topology& t, const Layout& layout, const std::string& version, AdminApi& admin,
                     std::chrono::milliseconds timeout);

// What one node looks like at the end of a rehearsal.
struct NodeState {
    std::string kind;         // "nameserver" / "broker"
    std::string name;         // "ns1" / "broker-a@0"
    std::string host;
    std::string address;
    std::string version;      // observed; "" when not running
    int processes = 0;        // processes matching the node's config (must be 1)
    std::optional<int> perm;  // brokers: brokerPermission reported by the broker
    bool registered_everywhere = false;  // brokers: on every NameServer's cluster info
    bool routes_writable = false;        // brokers: every NameServer's route for the topic has W
    std::string problem;      // why this node is not as expected ("" when fine)
};

// Observes every node: process (from its command line), broker version (runtime info),
// permission (broker config), registration and routes on every NameServer for topic.
std::vector<NodeState> observe_cluster(const Topology& t, const Layout& layout, AdminApi& admin,
                                       const std::string& topic);

// Fills NodeState::problem for every node not at version, not single, not perm 6 or not routed.
// Returns how many nodes have a problem.
int judge_nodes(std::vector<NodeState>& nodes, const std::string& expected_version);

// The --version argument of a process command line ("rmq-sim broker --version 4.9.7 -c ..."), if any.
std::optional<std::string> version_from_cmdline(const std::string& cmdline);

}  // namespace rmqup::cli::rehearse
