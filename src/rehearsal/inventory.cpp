#include "rmqup/rehearsal/inventory.hpp"

#include <sstream>

#include "rehearsal/layout.hpp"

namespace rmqup::rehearsal {

namespace {

// Double-quoted YAML scalar (paths and commands may contain ':' '#' '{').
std::string q(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

HostEndpoint endpoint_of(const InventoryOptions& opts, const std::string& host) {
    auto it = opts.endpoints.find(host);
    return it == opts.endpoints.end() ? HostEndpoint{} : it->second;
}

// The header comment, versions, the acl section (when set) and the defaults.
void write_head(std::ostream& y, const Topology& t, const InventoryOptions& opts) {
    bool any_ssh = false;
    for (const auto& [name, ep] : opts.endpoints) any_ssh = any_ssh || ep.transport == "ssh";
    y << "# Rehearsal inventory: 2 NameServers, 2 broker groups (master + slave), one node per host.\n"
      << "# Rendered by rmq-upgrade (src/rehearsal/inventory.cpp); the loopback rehearsal\n"
      << "# (`rmq-upgrade rehearse`) and the docker kit (rehearsal/docker/) share this shape.\n"
      << "cluster: " << t.cluster << "\n"
      << "currentVersion: " << q(opts.from_version) << "\n"
      << "targetVersion: " << q(opts.to_version) << "\n"
      << "\n";
    if (!opts.acl_access_key.empty())
        y << "acl:\n  accessKey: " << q(opts.acl_access_key) << "\n  secretKey: " << q(opts.acl_secret_ref) << "\n\n";
    y << "defaults:\n"
      << "  currentHome: " << q(opts.current_home) << "\n"
      << "  targetHome: " << q(opts.target_home) << "\n";
    if (!opts.java_home.empty()) y << "  javaHome: " << q(opts.java_home) << "\n";
    if (any_ssh) {
        y << "  user: " << q(opts.ssh_user) << "\n";
        if (!opts.identity_file.empty()) y << "  identityFile: " << q(opts.identity_file) << "\n";
        if (!opts.known_hosts.empty()) y << "  knownHosts: " << q(opts.known_hosts) << "\n";
    }
}

// One entry of hosts: with its endpoint when the transport is ssh.
void write_host(std::ostream& y, const InventoryOptions& opts, const std::string& name, const std::string& ip) {
    auto ep = endpoint_of(opts, name);
    y << "  - name: " << name << "\n"
      << "    address: " << ip << "\n"
      << "    transport: " << ep.transport << "\n";
    if (ep.transport != "ssh") return;
    y << "    port: " << ep.ssh_port << "\n";
    if (!ep.identity_file.empty()) y << "    identityFile: " << q(ep.identity_file) << "\n";
    if (!ep.known_hosts.empty()) y << "    knownHosts: " << q(ep.known_hosts) << "\n";
}

// hosts, commands and nameServers.
void write_hosts_and_nameservers(std::ostream& y, const Topology& t, const InventoryOptions& opts) {
    y << "\nhosts:\n";
    for (const auto& ns : t.nameservers) write_host(y, opts, ns.host, ns.ip);
    for (const auto& b : t.brokers) write_host(y, opts, b.host, b.ip);

    // The default start commands (`sh <home>/bin/mqnamesrv -c <config>`, `sh <home>/bin/mqbroker -c
    // <config>`, detached); only where their output goes is set.
    y << "\ncommands:\n"
      << "  nameServerLog: " << q(opts.log_dir + "/namesrv-{address}.log") << "\n"
      << "  brokerLog: " << q(opts.log_dir + "/{brokerName}-{brokerId}.log") << "\n";

    y << "\nnameServers:\n";
    for (const auto& ns : t.nameservers) {
        const std::string conf = opts.conf_dir + "/" + ns.host + ".properties";
        y << "  - address: " << q(ns.address()) << "\n"
          << "    host: " << ns.host << "\n"
          << "    config: " << q(conf) << "\n"
          << "    processMatch: " << q("-c " + conf) << "\n";
    }
}

// brokerGroups: t's brokers group by group, master first.
void write_broker_groups(std::ostream& y, const Topology& t, const InventoryOptions& opts) {
    y << "\nbrokerGroups:\n";
    std::string group;
    for (const auto& b : t.brokers) {
        if (b.broker_name != group) {
            group = b.broker_name;
            y << "  - brokerName: " << group << "\n"
              << "    members:\n";
        }
        y << "      - brokerId: " << b.broker_id << "\n"
          << "        role: " << b.role << "\n"
          << "        address: " << q(b.address()) << "\n"
          << "        host: " << b.host << "\n"
          << "        config: " << q(opts.conf_dir + "/" + b.host + ".properties") << "\n"
          << "        storePathRootDir: " << q(opts.store_dir + "/" + b.host) << "\n";
        if (!opts.broker_overrides.empty()) {
            y << "        overrides:\n";
            for (const auto& [key, value] : opts.broker_overrides) y << "          " << key << ": " << q(value) << "\n";
        }
    }
}

// policy.drain and policy.timeouts of the timing.
void write_drain_and_timeouts(std::ostream& y, const InventoryOptions& opts) {
    y << "  drain:\n";
    if (opts.timing == InventoryOptions::Timing::rehearsal) {
        // rmq-sim's load generator refreshes routes every second, so a few seconds cover the
        // "clients saw read-only" wait that real clients need 30 s + margin for.
        y << "    allowShortDrainForTests: true\n";
        if (opts.fast_drain_tps_threshold) y << "    tpsThreshold: " << *opts.fast_drain_tps_threshold << "\n";
        y << "    minWait: 3s\n"
          << "    quietPeriod: 2s\n"
          << "    pollInterval: 500ms\n"
          << "    timeout: 40s\n"
          << "  timeouts:\n"
          << "    stop: 15s\n"
          << "    start: 30s\n"
          << "    registration: 30s\n"
          << "    request: 3s\n"
          << "    verify: 20s\n";
    } else {
        y << "    minWait: 45s\n"
          << "    quietPeriod: 10s\n"
          << "    pollInterval: 2s\n"
          << "    timeout: 5m\n"
          << "  timeouts:\n"
          << "    stop: 60s\n"
          << "    start: 180s\n"
          << "    registration: 120s\n"
          << "    request: 5s\n"
          << "    verify: 60s\n";
    }
}

void write_policy(std::ostream& y, const InventoryOptions& opts) {
    y << "\npolicy:\n"
      << "  nameServerOrder: first\n"
      << "  slavesFirst: true\n"
      << "  parallel: 1\n"
      << "  probeTopic: " << opts.probe_topic << "\n"
      << "  onFailure: rollback\n"
      << "  killPolicy: kill-after-term\n";
    if (!opts.carry_acl_file) y << "  carryAclFile: false\n";
    write_drain_and_timeouts(y, opts);
}

}  // namespace

std::string render_inventory(const Topology& t, const InventoryOptions& opts) {
    std::ostringstream y;
    write_head(y, t, opts);
    write_hosts_and_nameservers(y, t, opts);
    write_broker_groups(y, t, opts);
    write_policy(y, opts);
    return y.str();
}

std::string render_kit_inventory() {
    Topology t = rehearsal_topology(AddressScheme::docker);
    InventoryOptions o;
    o.from_version = "4.8.0";
    o.to_version = "4.9.7";
    // The official images install RocketMQ at /home/rocketmq/rocketmq-<version>; the host image
    // adds the new version's distribution next to it (rehearsal/docker/Dockerfile.host).
    o.current_home = "/home/rocketmq/rocketmq-4.8.0";
    o.target_home = "/home/rocketmq/rocketmq-4.9.7";
    o.conf_dir = "/home/rocketmq/conf";
    o.store_dir = "/home/rocketmq/store";
    o.log_dir = "/home/rocketmq/logs";
    o.ssh_user = "rocketmq";
    o.identity_file = "/keys/id_ed25519";
    o.known_hosts = "/keys/known_hosts";
    o.java_home = "/opt/java-home";
    for (const auto& ns : t.nameservers) o.endpoints[ns.host] = HostEndpoint{"ssh", 22, "", ""};
    for (const auto& b : t.brokers) o.endpoints[b.host] = HostEndpoint{"ssh", 22, "", ""};
    o.timing = InventoryOptions::Timing::production;
    return render_inventory(t, o);
}

std::map<std::string, std::string> render_kit_files() {
    std::map<std::string, std::string> files;
    files["inventory.yaml"] = render_kit_inventory();
    Topology t = rehearsal_topology(AddressScheme::docker);
    // The kit's hosts keep configs in /home/rocketmq/conf and stores in /home/rocketmq/store,
    // i.e. the rehearsal layout rooted at the rocketmq user's home; brokers register every 30 s.
    Layout layout{"/home/rocketmq"};
    for (const auto& ns : t.nameservers) files["conf/" + ns.host + ".properties"] = nameserver_properties(ns);
    for (const auto& b : t.brokers) files["conf/" + b.host + ".properties"] = broker_properties(t, b, layout, 30000);
    return files;
}

}  // namespace rmqup::rehearsal
