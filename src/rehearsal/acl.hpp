// `rmq-upgrade rehearse --enable-acl`: the roll switches aclEnable on (the 4.1.0 -> 4.8.0 operator's
// goal). The traffic signs with an application account and rmq-upgrade with an admin account of
// the target home's plain_acl.yml; one client of the old release, which cannot sign, is connected
// before planning, and the plan must name it (acl-clients) before anything is rolled.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "rehearsal/layout.hpp"
#include "rehearsal/load.hpp"
#include "rmqup/admin/admin_api.hpp"
#include "rmqup/plan/plan.hpp"
#include "rmqup/rehearsal/topology.hpp"

namespace rmqup::rehearsal {

inline constexpr const char* k_legacy_group = "LegacyConsumerGroup";
inline constexpr const char* k_legacy_topic = "LegacyTopic";

// Starts a client of release `version` without credentials (1 msg/s on its own topic, consuming it
// in k_legacy_group) and waits until every master lists its consumer connection.
Result<LoadGenerator> start_legacy_client(const Topology& t, const Layout& layout, const std::string& sim_bin,
                                          const std::string& version, std::chrono::milliseconds route_refresh,
                                          AdminApi& admin);

// Ends the legacy client and waits until no master lists its connection any more.
Status stop_legacy_client(LoadGenerator& client, const Topology& t, AdminApi& admin);

// The blocking acl-clients finding of plan that names k_legacy_group, if there is one.
std::optional<std::string> legacy_client_finding(const Plan& plan);

}  // namespace rmqup::rehearsal
