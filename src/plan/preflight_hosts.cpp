// Host checks through HostOps: reachable, Java fit for the target, target home, free disk.
#include <set>

#include "preflight.hpp"

namespace rmqup::plan_detail {

namespace {

// "1.8.0_392" -> 8, "17.0.15" -> 17, "openjdk version \"11.0.2\"" -> 11.
std::optional<int> java_major(const std::string& text) {
    std::size_t i = text.find_first_of("0123456789");
    if (i == std::string::npos) return std::nullopt;
    int first = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) first = first * 10 + (text[i++] - '0');
    if (first == 1 && i + 1 < text.size() && text[i] == '.' && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        return text[i + 1] - '0';
    }
    return first;
}

}  // namespace

void check_hosts(const Inventory& inv, const std::vector<PlanNode>& nodes, const HostOpsProvider& provider,
                 const PlanRequest& req, Findings& findings) {
    auto target = RmqVersion::parse(inv.target_version);
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
        std::set<std::string> stores;
        for (const auto* n : on_host) stores.insert(n->target.store_path);
        bool first = true;
        for (const auto& store : stores) {
            auto facts = (*ops)->facts(host.access.java_home, host.target_home, store);
            if (!facts) {
                findings.add("host-unreachable", Severity::error, host.access.name,
                             "host " + host.access.name + ": reading host facts failed: " + facts.error().describe());
                break;
            }
            if (first) {
                first = false;
                if (!facts->target_home_present) {
                    findings.add("target-home-missing", Severity::error, host.access.name,
                                 "target RocketMQ home " + host.target_home + " is not present on host " + host.access.name);
                }
                auto major = facts->java_version ? java_major(*facts->java_version) : std::nullopt;
                if (!major) {
                    findings.add("java-version", Severity::warning, host.access.name,
                                 "could not tell the Java version on host " + host.access.name +
                                     (host.access.java_home.empty() ? "" : " (javaHome " + host.access.java_home + ")"));
                } else if (*major < 8) {
                    findings.add("java-version", Severity::error, host.access.name,
                                 "host " + host.access.name + " has Java " + *facts->java_version +
                                     "; RocketMQ needs Java 8 or newer");
                } else if (*major > 8 && target && *target < RmqVersion{4, 9, 2}) {
                    // Start scripts before 4.9.2 pass JVM flags Java 9+ rejects (apache/rocketmq#550, #3223).
                    findings.add("java-version", Severity::error, host.access.name,
                                 "host " + host.access.name + " has Java " + *facts->java_version + "; RocketMQ " +
                                     target->str() + " start scripts run only on Java 8 (fixed in 4.9.2)");
                }
            }
            if (!store.empty() && facts->store_free_bytes && *facts->store_free_bytes < req.min_free_disk_bytes) {
                findings.add("disk-free-low", Severity::warning, host.access.name + ":" + store,
                             "only " + std::to_string(*facts->store_free_bytes >> 20) + " MiB free for " + store +
                                 " on host " + host.access.name);
            }
        }
    }
}

}  // namespace rmqup::plan_detail
