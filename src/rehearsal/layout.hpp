// The rehearsal's work directory: two RocketMQ-layout homes whose bin/ scripts run rmq-sim at
// their version (so the process command line names "-c <config>" as a real JVM does), one config,
// store and log per node, and the start log the tests count restarts with.
#pragma once

#include <optional>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/rehearsal/rehearsal.hpp"
#include "rmqup/rehearsal/topology.hpp"

namespace rmqup::rehearsal {

// ACL switched on by the roll (--enable-acl): the accounts of the target home's conf/plain_acl.yml
// (rehearsal-only keys): an admin account for rmq-upgrade, an application account for the traffic.
struct AclAccounts {
    std::string admin_access_key = "rmqup-admin";
    std::string admin_secret_key = "rehearsal-admin-secret";
    std::string client_access_key = "rehearsal-app";
    std::string client_secret_key = "rehearsal-app-secret";
};

struct LayoutOptions {
    std::string workdir;        // absolute
    std::string sim_bin;        // absolute path of rmq-sim
    std::string from_version;   // "4.8.0"
    std::string to_version;     // "4.9.7"
    TargetStart target_start = TargetStart::normal;
    int register_interval_ms = 30000;  // registerNameServerPeriod (the broker clamps it to 10-60 s)
    // rmq-sim only: a registration period below RocketMQ's 10 s floor (fast test rehearsals).
    std::optional<int> sim_register_interval_ms;
    std::optional<AclAccounts> acl;  // set: the target home gets conf/plain_acl.yml with these accounts
};

// Paths inside the work directory (all absolute).
struct Layout {
    std::string workdir;

    std::string home(const std::string& version) const { return workdir + "/homes/rocketmq-" + version; }
    std::string config(const std::string& host) const { return workdir + "/conf/" + host + ".properties"; }
    std::string store(const std::string& host) const { return workdir + "/store/" + host; }
    std::string log(const std::string& host) const { return workdir + "/logs/" + host + ".log"; }
    std::string starts_log() const { return workdir + "/starts.log"; }
    std::string java_home() const { return workdir + "/jdk"; }
    std::string inventory() const { return workdir + "/inventory.yaml"; }
    std::string journal_dir() const { return workdir + "/journal"; }
    std::string load_json() const { return workdir + "/load.json"; }
    std::string load_log() const { return workdir + "/logs/load.log"; }
    std::string ssh_dir() const { return workdir + "/ssh"; }
    std::string acl_secret() const { return workdir + "/acl-admin.secret"; }  // rmq-upgrade's secret key (0600)
    std::string legacy_json() const { return workdir + "/legacy-client.json"; }
    std::string legacy_log() const { return workdir + "/logs/legacy-client.log"; }
};

// Creates homes (bin/mqnamesrv, bin/mqbroker, bin/mqshutdown for both versions), conf/, store/,
// logs/ for every node of t. Idempotent; fails (io) with the path that could not be written.
Result<Layout> write_layout(const Topology& t, const LayoutOptions& opts);

// Text of one node's config file (exposed for tests).
std::string nameserver_properties(const NameServerSpec& ns);
std::string broker_properties(const Topology& t, const BrokerSpec& b, const Layout& layout, int register_interval_ms);

}  // namespace rmqup::rehearsal
