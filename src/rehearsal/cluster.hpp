// The rehearsal cluster's processes: starting the old version (as detached daemons, exactly as
// a host would run them) and observing every node afterwards (version, permission, routes).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "rehearsal/layout.hpp"
#include "rmqup/admin/admin_api.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/rehearsal/rehearsal.hpp"
#include "rmqup/rehearsal/topology.hpp"

namespace rmqup::rehearsal {

// Starts every NameServer, then every broker, at version from the layout's homes, and waits
// until every NameServer lists every broker. Errors name the node and point at its log.
Status start_cluster(const Topology& t, const Layout& layout, const std::string& version, AdminApi& admin,
                     std::chrono::milliseconds timeout);

// Observes every node: process (from its command line), broker version (runtime info),
// permission (broker config), registration and routes on every NameServer for topic.
std::vector<NodeState> observe_cluster(const Topology& t, const Layout& layout, AdminApi& admin,
                                       const std::string& topic);

// Fills NodeState::problem for every node not at version, not single, not perm 6 or not routed.
// Returns how many nodes have a problem.
int judge_nodes(std::vector<NodeState>& nodes, const std::string& expected_version);

// The --version argument of a process command line ("rmq-sim broker --version 4.9.7 -c ..."), if any.
std::optional<std::string> version_from_cmdline(const std::string& cmdline);

}  // namespace rmqup::rehearsal
