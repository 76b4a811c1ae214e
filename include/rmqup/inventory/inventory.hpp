// The operator's description of one RocketMQ cluster (YAML or JSON, one schema; docs/inventory.md):
// NameServers, broker groups, hosts and how to reach them, homes, commands, target version, ACL
// credential references and the roll policy. Loading validates everything that can be checked
// without contacting anything and reports "<file>:<line>:<col>: <what>; allowed: <...>".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/plan/plan.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup {

enum class BrokerRole { async_master, sync_master, slave };

// "ASYNC_MASTER" / "SYNC_MASTER" / "SLAVE".
const char* to_string(BrokerRole role);

struct InvNameServer {
    std::string address;        // "ip:port"
    std::string host;           // InvHost::name
    std::string config;         // optional namesrv.properties (-c)
    std::string process_match;  // text in exactly this process's command line
};

struct InvBroker {
    std::string broker_name;
    std::int64_t broker_id = 0;
    BrokerRole role = BrokerRole::async_master;
    std::string address;     // "ip:port"
    std::string host;        // InvHost::name
    std::string config;      // broker.properties the process is started with (-c)
    std::string store_path;  // storePathRootDir
    rmq::Properties overrides;  // written on top of the pristine config at restart

    bool is_master() const { return broker_id == 0; }
};

struct InvBrokerGroup {
    std::string broker_name;
    std::vector<InvBroker> members;  // inventory order
};

// A host, with the defaults already applied.
struct InvHost {
    HostAccess access;         // name, address, ssh settings, java_home
    std::string current_home;  // RocketMQ home of the running version (absolute)
    std::string target_home;   // RocketMQ home of the target version (absolute)
};

// Start command templates; empty = the RocketMQ defaults of rmqup/hostops/rocketmq_commands.hpp
// ("sh '<home>/bin/mqbroker' -c '<config>'", JAVA_HOME prefixed when javaHome is set).
// Placeholders: {home} {config} {log} {javaHome} {brokerName} {brokerId} {address}.
struct CommandTemplates {
    std::string broker_start;
    std::string nameserver_start;
    // Stop templates for service managers ("systemctl stop rocketmq-broker@{brokerName}"); empty =
    // SIGTERM the process identified by its listening socket. The engine still checks that the
    // identified PID is gone after the command (operations fact 34).
    std::string broker_stop;
    std::string nameserver_stop;
    std::string nameserver_match;  // empty = "-c <config>" when a config is set, else "NamesrvStartup"
    std::string broker_log = "{home}/logs/rmqup-{brokerName}-{brokerId}.out";
    std::string nameserver_log = "{home}/logs/rmqup-namesrv-{address}.out";
};

struct AclRefs {
    std::string access_key;      // literal or "${ENV}"
    std::string secret_key_ref;  // "${ENV}" or "file:/path" (a literal only with allowPlaintextSecrets)
    bool enabled() const { return !access_key.empty(); }
};

struct Inventory {
    std::string source;           // file name as given (for messages and the plan)
    std::string cluster;
    std::string target_version;   // "4.9.7" (parsed and checked)
    std::string current_version;  // optional: used by offline plans
    std::vector<InvNameServer> nameservers;
    std::vector<InvBrokerGroup> broker_groups;
    std::vector<InvHost> hosts;
    CommandTemplates commands;
    AclRefs acl;
    bool allow_plaintext_secrets = false;
    bool allow_short_drain_for_tests = false;
    Policy policy;
    // "<source>:<line>:<col>: ..." for accepted but deprecated keys (batchSize); validate and plan
    // show them.
    std::vector<std::string> warnings;

    const InvHost* find_host(std::string_view name) const;
    const InvBrokerGroup* find_group(std::string_view broker_name) const;
};

// Parses and validates an inventory; JSON and YAML are told apart by content (JSON is YAML).
// Every problem found is reported, one "<source>:<line>:<col>: ..." line each (kind invalid_input).
Result<Inventory> parse_inventory(std::string_view text, const std::string& source_name);

// Reads the file and calls parse_inventory (io error when unreadable).
Result<Inventory> load_inventory(const std::string& path);

// Minimum drain wait accepted without allowShortDrainForTests: 30 s route refresh + 5 s margin.
inline constexpr std::chrono::milliseconds k_min_drain_wait{35000};

}  // namespace rmqup
