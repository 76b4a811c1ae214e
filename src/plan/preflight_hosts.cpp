// Host checks through HostProbe: reachable, every node identified by its listening socket, the Java
// the start scripts will pick, the target (and current) home as the start uses it, log folders,
// free disk, leftover config snapshots and ACL files.
#include <map>
#include <set>

#include "preflight.hpp"
#include "rmqup/core/version_matrix.hpp"
#include "rmqup/hostops/process_identity.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::plan_detail {

namespace {

struct HostContext {
    const InvHost& host;
    HostProbe& ops;
    std::vector<const PlanNode*> nodes;
    Findings& findings;
    std::set<std::string>& proxied;  // ids of brokers running with --enable-proxy
    const std::string& name() const { return host.access.name; }
};

void check_java(const HostContext& h, const HostFacts& facts, const std::map<std::string, std::string>& versions) {
    const JavaFacts& java = facts.java;
    if (java.java.empty()) {
        h.findings.add("java", Severity::error, h.name(),
                       "host " + h.name() + ": RocketMQ's start scripts find no Java (" +
                           (h.host.access.java_home.empty() ? std::string("no javaHome, ")
                                                            : "javaHome " + h.host.access.java_home + " has no bin/java, ") +
                           "no $HOME/jdk/java, no /usr/java; they never look at PATH): set javaHome in the inventory");
        return;
    }
    if (!h.host.access.java_home.empty() && java.source != "javaHome") {
        h.findings.add("java", Severity::warning, h.name(),
                       "host " + h.name() + ": javaHome " + h.host.access.java_home + " has no bin/java; the start " +
                           "scripts will fall back to " + java.java + " (" + java.source + ")");
    }
    const std::optional<int> parsed = java.version ? parse_java_major(*java.version) : std::nullopt;
    const std::string which = "Java " + java.version.value_or("?") + " at " + java.java + " (" + java.source + ")";
    if (!parsed) {
        h.findings.add("java", Severity::warning, h.name(),
                       "host " + h.name() + ": cannot tell the version of " + which + ": '" + java.version_output + "'");
        return;
    }
    const int major = parsed.value_or(0);
    h.findings.add("java", Severity::info, h.name(), "host " + h.name() + ": start scripts will run " + which);
    for (const auto& [role, version_text] : versions) {
        const auto version = RmqVersion::parse(version_text);
        // One source for every release's Java range: the version matrix (docs/versions.md).
        if (version && !java_supported(*version, major)) {
            const JavaRange range = java_range(*version);
            h.findings.add("java", Severity::error, h.name(),
                           "host " + h.name() + ": " + which + " cannot run RocketMQ " + version->str() + " (" + role +
                               "): it " +
                               (major < range.min_major
                                    ? "needs Java " + std::to_string(range.min_major) + " or newer"
                                    : "runs on Java " + std::to_string(range.min_major) +
                                          (range.max_major ? " to " + std::to_string(*range.max_major)
                                                           : std::string(" or newer"))) +
                               " (" + range.source + "); set javaHome to a Java " +
                               std::to_string(range.max_major ? *range.max_major : range.min_major));
        }
    }
}

void check_home_layout(const HostContext& h, const HomeFacts& home, const char* id, const std::string& version,
                       bool brokers, bool nameservers) {
    const Severity sev = Severity::error;
    if (!home.present) {
        h.findings.add(id, sev, h.name(), "RocketMQ home " + home.home + " is not present on host " + h.name());
        return;
    }
    if (!home.missing.empty()) {
        std::string list;
        for (const auto& m : home.missing) list += (list.empty() ? "" : ", ") + m;
        h.findings.add(id, sev, h.name(),
                       "RocketMQ home " + home.home + " on host " + h.name() + " lacks " + list + " (the start uses them)");
    }
    auto check_jar = [&](const std::optional<std::string>& found, const char* jar) {
        if (!found) {
            h.findings.add(id, sev, h.name(),
                           "RocketMQ home " + home.home + " on host " + h.name() + " has no lib/" + jar + "-<version>.jar");
        } else if (!version.empty() && *found != version) {
            h.findings.add(id, sev, h.name(),
                           "RocketMQ home " + home.home + " on host " + h.name() + " holds lib/" + jar + "-" + *found +
                               ".jar, not version " + version);
        }
    };
    if (brokers) check_jar(home.broker_jar_version, "rocketmq-broker");
    if (nameservers) check_jar(home.namesrv_jar_version, "rocketmq-namesrv");
}

void check_snapshots(const HostContext& h, const HostFacts& facts) {
    std::set<std::string> ours;
    for (const auto* n : h.nodes) ours.insert(n->pristine_config_backup);
    for (const auto& file : facts.snapshots) {
        if (ours.count(file)) continue;
        h.findings.add("leftover-snapshot", Severity::warning, h.name() + ":" + file,
                       "config snapshot " + file + " on host " + h.name() +
                           " is left from another run; this plan never reads it (remove or archive it)");
    }
}

// The node's process, identified by its listening socket: PID, home and config shown in the plan.
// Returns the identity when one was found (for the ACL check).
std::optional<ProcessIdentity> check_identity(const HostContext& h, const PlanNode& n) {
    const ProcessSpec& spec = n.skip ? n.target : n.current;
    const std::string who = (n.kind == NodeKind::broker ? "broker " + spec.name : "NameServer " + n.address);
    auto found = h.ops.identify(spec);
    if (!found) {
        h.findings.add("process-identified", Severity::error, n.id, who + ": " + found.error().describe());
        return std::nullopt;
    }
    if (!found->has_value()) {
        h.findings.add("process-identified", Severity::error, n.id,
                       who + ": nothing listens on " + n.address + " on host " + h.name() + " (not running?)");
        return std::nullopt;
    }
    const ProcessIdentity& id = **found;
    h.findings.add("process-identified", Severity::info, n.id, who + " on host " + h.name() + ": " + describe_identity(id));
    // 5.x Local-mode proxy lives in the broker JVM (operations fact 25): the restart must keep it.
    if (n.kind == NodeKind::broker && (" " + id.args + " ").find(" --enable-proxy ") != std::string::npos) {
        h.proxied.insert(n.id);
        h.findings.add("broker-mode", Severity::info, n.id,
                       who + " runs with --enable-proxy (5.x Local-mode proxy in the broker JVM): the restart keeps it");
    }
    if (!id.config_matches) {
        h.findings.add("process-identified", Severity::error, n.id,
                       who + " runs with config " + (id.config_path.empty() ? std::string("(none)") : id.config_path) +
                           ", the inventory says " + spec.config_path +
                           (id.expected_config.empty() ? "" : " (" + id.expected_config + ")"));
    }
    if (!id.home_matches) {
        std::string cause;
        if (id.home_source == "ROCKETMQ_HOME") cause = " (read from its ROCKETMQ_HOME environment)";
        h.findings.add("process-identified", Severity::error, n.id,
                       who + " runs from home " + (id.home.empty() ? std::string("(unknown)") : id.home) + cause +
                           ", the inventory's " + (n.skip ? "targetHome" : "currentHome") + " is " + spec.home);
    }
    return id;
}

bool acl_enabled(HostProbe& ops, const std::string& config_path) {
    if (config_path.empty()) return false;
    auto text = ops.read_file(config_path);
    if (!text) return false;
    for (const auto& [key, value] : rmq::parse_properties(*text)) {
        if (key == "aclEnable") return value == "true";
    }
    return false;
}

void check_acl_files(const HostContext& h) {
    const std::string& from = h.host.current_home;
    const std::string& to = h.host.target_home;
    for (const char* file : {"conf/plain_acl.yml", "conf/tools.yml"}) {
        auto current = h.ops.read_file(from + "/" + file);
        if (!current) {
            h.findings.add("acl-file", Severity::error, h.name(),
                           "ACL is on but " + from + "/" + file + " on host " + h.name() +
                               " cannot be read: " + current.error().describe());
            continue;
        }
        auto target = h.ops.read_file(to + "/" + file);
        const bool same = target && *target == *current;
        h.findings.add("acl-file", Severity::info, h.name(),
                       same ? from + "/" + file + " and " + to + "/" + file + " on host " + h.name() + " are identical"
                            : from + "/" + file + " on host " + h.name() + " differs from the target home's" +
                                  (target ? std::string() : std::string(" (absent there)")) +
                                  ": the roll carries the current file into " + to + " (the target's is backed up)");
    }
}

FactsRequest facts_request(const HostContext& h) {
    FactsRequest r;
    r.java_home = h.host.access.java_home;
    r.homes.push_back(h.host.target_home);
    if (h.host.current_home != h.host.target_home) r.homes.push_back(h.host.current_home);
    std::set<std::string> logs;
    std::set<std::string> stores;
    std::set<std::string> configs;
    for (const auto* n : h.nodes) {
        logs.insert(n->target.log_path);
        logs.insert(n->current.log_path);
        if (!n->target.store_path.empty()) stores.insert(n->target.store_path);
        if (n->kind == NodeKind::broker && !n->target.config_path.empty()) configs.insert(n->target.config_path);
    }
    logs.erase("");
    r.log_paths.assign(logs.begin(), logs.end());
    r.store_paths.assign(stores.begin(), stores.end());
    r.config_paths.assign(configs.begin(), configs.end());
    return r;
}

void check_host(const HostContext& h, const Inventory& inv, const PlanRequest& req) {
    const FactsRequest request = facts_request(h);
    auto facts = h.ops.facts(request);
    if (!facts) {
        h.findings.add("host-unreachable", Severity::error, h.name(),
                       "host " + h.name() + ": reading host facts failed: " + facts.error().describe());
        return;
    }
    bool brokers = false;
    bool nameservers = false;
    std::map<std::string, std::string> versions{{"target", inv.target_version}};
    for (const auto* n : h.nodes) {
        (n->kind == NodeKind::broker ? brokers : nameservers) = true;
        if (!n->skip && !n->current_version.empty()) versions["current, for rollback"] = n->current_version;
    }
    check_java(h, *facts, versions);
    check_home_layout(h, facts->homes.at(0), "target-home", inv.target_version, brokers, nameservers);
    if (facts->homes.size() > 1) check_home_layout(h, facts->homes.at(1), "current-home", "", brokers, nameservers);
    for (const auto& folder : facts->uncreatable_log_folders) {
        h.findings.add("target-home", Severity::error, h.name(),
                       "log folder " + folder + " cannot be created on host " + h.name() + " (start output goes there)");
    }
    for (std::size_t i = 0; i < request.store_paths.size() && i < facts->store_free_bytes.size(); ++i) {
        const auto& free = facts->store_free_bytes[i];
        if (free && *free < req.min_free_disk_bytes) {
            h.findings.add("disk-free-low", Severity::warning, h.name() + ":" + request.store_paths[i],
                           "only " + std::to_string(*free >> 20) + " MiB free for " + request.store_paths[i] +
                               " on host " + h.name());
        }
    }
    check_snapshots(h, *facts);
    bool acl = false;
    for (const auto* n : h.nodes) {
        auto id = check_identity(h, *n);
        if (n->kind == NodeKind::broker && id && !acl) acl = acl_enabled(h.ops, id->config_path);
    }
    if (acl && h.host.current_home != h.host.target_home) check_acl_files(h);
}

}  // namespace

void check_hosts(const Inventory& inv, std::vector<PlanNode>& nodes, const HostProbeProvider& provider,
                 const PlanRequest& req, Findings& findings) {
    std::set<std::string> proxied;
    for (const auto& host : inv.hosts) {
        std::vector<const PlanNode*> on_host;
        for (const auto& n : nodes) {
            if (n.host == host.access.name) on_host.push_back(&n);
        }
        if (on_host.empty()) continue;
        auto ops = provider(host.access);
        if (!ops) {
            findings.add("host-unreachable", Severity::error, host.access.name,
                         "host " + host.access.name + " (" + host.access.address + "): " + ops.error().describe());
            continue;
        }
        check_host(HostContext{host, **ops, std::move(on_host), findings, proxied}, inv, req);
    }
    for (auto& n : nodes) {
        if (proxied.count(n.id) == 0) continue;
        if (inv.commands.broker_start.empty()) {
            for (auto* spec : {&n.current, &n.target}) spec->start_command += " --enable-proxy";
        } else if (inv.commands.broker_start.find("--enable-proxy") == std::string::npos) {
            findings.add("broker-mode", Severity::error, n.id,
                         n.id + " runs with --enable-proxy but commands.brokerStart does not pass it: the restart "
                                "would drop the proxy its gRPC clients use; add --enable-proxy to the template");
        }
    }
}

}  // namespace rmqup::plan_detail
