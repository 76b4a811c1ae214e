// Renders the rehearsal's inventory (docs/inventory.md schema) for a topology: the loopback
// rehearsal's and the docker kit's (rehearsal/docker/inventory.yaml) come from this one function.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rmqup/rehearsal/topology.hpp"

namespace rmqup::rehearsal {

using BrokerOverrides = std::vector<std::pair<std::string, std::string>>;

// How the orchestrator reaches one host.
struct HostEndpoint {
    std::string transport = "local";  // "ssh" or "local"
    int ssh_port = 22;                // ssh only
    std::string identity_file;        // ssh only; "" = the defaults' identityFile
    std::string known_hosts;          // ssh only; "" = the defaults' knownHosts
};

struct InventoryOptions {
    std::string from_version;
    std::string to_version;
    std::string current_home;   // absolute
    std::string target_home;    // absolute
    std::string conf_dir;       // <conf_dir>/<host>.properties
    std::string store_dir;      // <store_dir>/<host>
    std::string log_dir;        // start output: <log_dir>/<host>.log
    std::string ssh_user;       // ssh only
    std::string identity_file;  // ssh only ("" = each host names its own)
    std::string known_hosts;    // ssh only ("" = each host names its own)
    std::string java_home;      // "" = leave unset
    std::map<std::string, HostEndpoint> endpoints;  // by host name; missing = local
    std::string probe_topic = "RehearsalProbe";
    BrokerOverrides broker_overrides; // every broker's `overrides` (e.g. aclEnable: true); none when empty
    std::string acl_access_key;      // the inventory's acl section when set
    std::string acl_secret_ref;      // "file:/path" of the secret key
    bool carry_acl_file = true;      // false: policy.carryAclFile: false
    // Fast timings only: policy.drain.tpsThreshold. The brokers' put/consume TPS is a 10 s average,
    // which outlasts a 3 s drain; the quiet period still proves that no put arrived.
    std::optional<double> fast_drain_tps_threshold;

    enum class Timing {
        rehearsal,   // shortened drain with allowShortDrainForTests: rmq-sim clients refresh routes fast (--fast)
        production,  // real clients refresh routes every 30 s: the default drain
    } timing = Timing::rehearsal;
};

// The inventory YAML text (with a header comment saying where it came from).
std::string render_inventory(const Topology& t, const InventoryOptions& opts);

// The docker kit's inventory (rehearsal/docker/inventory.yaml) for its default versions.
std::string render_kit_inventory();

// Every generated file of the docker kit, by path relative to rehearsal/docker/: inventory.yaml
// and conf/<host>.properties. The kit test checks the committed files equal these.
std::map<std::string, std::string> render_kit_files();

}  // namespace rmqup::rehearsal
