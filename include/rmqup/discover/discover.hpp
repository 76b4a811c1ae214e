// `rmq-upgrade discover`: the inventory of a live cluster (docs/discover.md). Three stages, each
// testable alone: read the cluster (every NameServer's cluster info, every broker's runtime info
// and config, through NameServerAdmin and BrokerAdmin), read the hosts (the process listening on
// each node's port, its config, home, Java and store, through HostProbe: discover changes nothing),
// and build a reviewable inventory whose every value is marked discovered, assumed or a
// placeholder that `validate` refuses until it is filled.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/admin/broker_admin.hpp"
#include "rmqup/admin/nameserver_admin.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/hostops/host_probe.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup::discover {

// Where an inventory value comes from; written as a YAML comment beside it.
enum class Origin {
    discovered,   // read from the cluster or the host
    given,        // given on the command line (--to, --ssh-user, --transport, ACL references)
    assumed,      // derived (target home from the current home's name) or a default: confirm it
    placeholder,  // could not be read: "<FILL IN: ...>", which `validate` refuses
};

// "discovered" / "given" / "assumed" / "placeholder".
const char* to_string(Origin origin);

// One inventory value with its origin and a short note ("-c of pid 4242").
struct Noted {
    std::string value;
    Origin origin = Origin::placeholder;
    std::string note;
};

// A value read from the cluster or a host.
Noted discovered_value(std::string value, std::string note);
// A value from the command line.
Noted given_value(std::string value, std::string note);
// A value derived or defaulted: the operator must confirm it.
Noted assumed_value(std::string value, std::string note);
// "<FILL IN: what>": never an absolute path nor a version, so `validate` refuses it (file:line).
Noted placeholder_value(const std::string& what, std::string note);

// ---- Stage 1: the cluster as the NameServers and brokers tell it ----

struct NameServerAnswer {
    std::string address;
    std::optional<rmq::ClusterInfo> info;
    std::optional<Error> error;
};

struct BrokerReading {
    std::string broker_name;
    std::int64_t broker_id = 0;
    std::string address;                    // as registered ("ip:port")
    std::vector<std::string> listed_by;     // NameServers that list it
    std::optional<rmq::RuntimeInfo> runtime;
    std::optional<Error> runtime_error;
    std::optional<rmq::Properties> config;  // GET_BROKER_CONFIG (the live configuration)
    std::optional<Error> config_error;
};

struct ClusterReading {
    std::string cluster;
    std::vector<NameServerAnswer> nameservers;  // in the order given
    std::vector<BrokerReading> brokers;         // sorted by brokerName, brokerId
    std::vector<std::string> disagreements;     // between NameServers, in words
};

// Asks every NameServer for its cluster info and every broker of `cluster` (empty: the only cluster
// the NameServers list) for runtime info and config. Fails with unreachable when no NameServer
// answered, invalid_input when the cluster is unknown or several exist and none was chosen.
Result<ClusterReading> read_cluster(NameServerAdmin& nameservers, BrokerAdmin& brokers,
                                    const std::vector<std::string>& nameserver_addresses, const std::string& cluster);

// The differences between the NameServers' views of `cluster`, in words (empty when they agree).
std::vector<std::string> compare_views(const std::vector<NameServerAnswer>& answers, const std::string& cluster);

// ---- Stage 2: one host as its kernel and files tell it (HostProbe) ----

// One node a host is asked about.
struct NodeQuery {
    ProcessKind kind = ProcessKind::broker;
    std::string name;            // "broker-a@0" or the NameServer address, for messages
    std::string address;         // "ip:port" it listens on
    std::string running_version; // "4.8.0" from runtime info ("" unknown: NameServers)
};

struct HostQuery {
    std::string name;     // inventory host name
    std::string address;  // what the transport connects to
    std::vector<NodeQuery> nodes;
    std::string target_version;  // "" when --to was not given
    std::vector<std::string> cluster_versions;  // every broker's running version: target homes are
                                                // derived from them before the homes are read
};

struct NodeFacts {
    NodeQuery query;
    std::optional<ProcessIdentity> identity;  // nullopt: nothing listens (or see error)
    std::optional<Error> error;               // identify failed (unreadable, not RocketMQ, ...)
    std::string java_home;                    // JAVA_HOME the process runs with ("" unknown)
    std::string java_home_source;             // "argv[0]" / "JAVA_HOME of the process"
    std::optional<rmq::Properties> config_file;  // the -c file's keys (brokers; NameServers when -c)
    std::optional<Error> config_error;
};

struct HostReading {
    std::string name;
    std::string address;
    std::optional<Error> error;     // the host could not be reached or read at all
    std::vector<NodeFacts> nodes;   // HostQuery::nodes order
    std::vector<HomeFacts> homes;   // every home of its nodes, then every derived target home
    std::optional<JavaFacts> java;  // for the nodes' Java home (the first one when several)
};

// Identifies every node's process by its listening port (the identification `apply` uses), reads
// its config file and Java home, then the host facts (Java version, homes, derived target homes).
// Never fails: problems are kept per node or per host for the inventory's placeholders.
HostReading read_host(HostProbe& probe, const HostQuery& query);

// ---- Stage 3: the inventory (pure) ----

// "/opt/rocketmq-4.8.0", 4.8.0 -> 4.9.7: "/opt/rocketmq-4.9.7" (the last path component's version
// replaced); nullopt when that component does not carry current_version.
std::optional<std::string> derive_target_home(const std::string& current_home, const std::string& current_version,
                                              const std::string& target_version);

// How hosts are reached; written as the inventory's defaults.
struct AccessDefaults {
    std::string transport = "ssh";  // "ssh" | "local"
    std::string user;               // "" = not written
    int port = 22;                  // written when not 22
    std::string identity_file;
    std::string known_hosts;
    bool sudo = false;
};

// ACL references for the inventory (never values).
struct AclReferences {
    std::string access_key;      // literal access key or "${ENV}"
    std::string secret_key_ref;  // "${ENV}" or "file:/abs/path"
};

struct DiscoverOptions {
    std::vector<std::string> nameservers;
    std::string cluster;         // "" = the only cluster
    std::string target_version;  // "" = placeholder
    AccessDefaults access;
    std::optional<AclReferences> acl;
    int host_workers = 16;       // hosts read at the same time (each its own session)
};

struct DiscoveredNode {
    ProcessKind kind = ProcessKind::broker;
    std::string broker_name;   // brokers
    std::int64_t broker_id = 0;
    std::string address;
    std::string host;          // inventory host name
    Noted role;                // brokers: ASYNC_MASTER / SYNC_MASTER / SLAVE
    Noted config;              // brokers: required; NameServers: value "" when it runs without -c
    Noted store;               // brokers: storePathRootDir
    std::string version_note;  // "running 4.8.0 (brokerVersionDesc V4_8_0)"
    std::vector<std::string> notes;
};

struct DiscoveredHost {
    std::string name;
    std::string address;
    Noted current_home;
    Noted target_home;
    Noted java_home;  // value "" with origin assumed: not written (the session's Java)
    std::vector<std::string> notes;
};

struct DiscoveredGroup {
    std::string broker_name;
    std::vector<DiscoveredNode> members;
};

struct DiscoveredInventory {
    std::string cluster;
    std::vector<std::string> nameserver_addresses;
    Noted target_version;
    std::string current_version;  // "" when the brokers run different versions
    std::string current_version_note;
    AccessDefaults access;
    std::optional<AclReferences> acl;
    std::vector<DiscoveredHost> hosts;
    std::vector<DiscoveredNode> nameservers;
    std::vector<DiscoveredGroup> groups;
    std::vector<std::string> disagreements;  // NameServers among themselves
    std::vector<std::string> warnings;       // everything else the operator should look at
    std::vector<Error> host_errors;          // hosts that could not be reached or read at all

    // Values the operator must fill in before `validate` accepts the file.
    std::vector<std::string> placeholders() const;
};

// The inventory host (name, address) a node address belongs to: one host per distinct IP, named
// after it.
std::string host_of(const std::string& node_address);

// The queries stage 2 needs: one per host, NameServers first, in address order.
std::vector<HostQuery> host_queries(const ClusterReading& cluster, const std::vector<std::string>& nameservers,
                                    const std::string& target_version);

// Builds the inventory from what stages 1 and 2 read.
DiscoveredInventory build_inventory(const ClusterReading& cluster, const std::vector<HostReading>& hosts,
                                    const DiscoverOptions& options);

// The inventory as YAML (docs/inventory.md), every value followed by "# discovered: ..." /
// "# assumed: ..." / "# placeholder: ...", disagreements and warnings in a header comment.
std::string render_yaml(const DiscoveredInventory& inventory);

// Makes the HostProbe of one host (name, address); the caller's transport and credentials.
using HostProbeFactory =
    std::function<Result<std::unique_ptr<HostProbe>>(const std::string& name, const std::string& address)>;

// The three stages: the cluster (sequentially), then the hosts, options.host_workers at a time
// (each through its own HostProbe), then the inventory. Fails only as read_cluster does.
Result<DiscoveredInventory> discover(NameServerAdmin& nameservers, BrokerAdmin& brokers, const HostProbeFactory& make_probe,
                                     const DiscoverOptions& options);

}  // namespace rmqup::discover
