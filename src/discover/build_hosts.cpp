// Stage 3 of discover, per host: the one current home, target home and Java home an inventory host
// has. Several processes of a host that disagree (two homes, two Javas) leave a placeholder that
// names them: the inventory cannot express it, and guessing would restart a node from a wrong home.
#include <map>
#include <set>
#include <tuple>

#include "build_detail.hpp"

namespace rmqup::discover::detail {

namespace {

std::string pid_text(const NodeFacts& f) { return "pid " + std::to_string(f.identity->pid); }

// "A (broker-a@0, NameServer x), B (broker-b@1)".
std::string listing(const std::map<std::string, std::vector<const NodeFacts*>>& by_value) {
    std::string out;
    for (const auto& [value, nodes] : by_value) {
        std::string who;
        for (const auto* n : nodes) who += (who.empty() ? "" : ", ") + n->query.name;
        out += (out.empty() ? "" : "; ") + value + " (" + who + ")";
    }
    return out;
}

// Why no node of the host told its process ("" none failed).
std::string first_problem(const HostReading& h) {
    for (const auto& n : h.nodes) {
        if (n.error) return n.error->describe();
        if (!n.identity) return "nothing listens on " + n.query.address + " on host " + h.name;
    }
    return "no process could be read";
}

Noted current_home_of(const HostReading& h) {
    std::map<std::string, std::vector<const NodeFacts*>> by_home;
    for (const auto& n : h.nodes) {
        if (n.identity && !n.identity->home.empty()) by_home[n.identity->home].push_back(&n);
    }
    const std::string what = "currentHome of host " + h.name;
    if (by_home.empty()) return placeholder_value(what, first_problem(h));
    if (by_home.size() > 1) {
        return placeholder_value(what, "its processes run from several homes: " + listing(by_home) +
                                           " (an inventory host has one currentHome)");
    }
    const auto& [home, nodes] = *by_home.begin();
    std::string note = "home of " + pid_text(*nodes.front()) + " (" + nodes.front()->identity->home_source + ")";
    if (nodes.size() > 1) note += " and of " + std::to_string(nodes.size() - 1) + " more process(es)";
    return discovered_value(home, note);
}

const HomeFacts* home_facts(const HostReading& h, const std::string& home) {
    for (const auto& f : h.homes) {
        if (f.home == home) return &f;
    }
    return nullptr;
}

// The releases the current home holds or runs, best first: its jars, then the brokers' versions.
std::vector<std::string> current_versions(const HostReading& h, const std::string& home) {
    std::vector<std::string> out;
    if (const auto* f = home_facts(h, home)) {
        for (const auto* v : {&f->broker_jar_version, &f->namesrv_jar_version}) {
            if (*v) out.push_back(**v);
        }
    }
    for (const auto& n : h.nodes) {
        if (!n.query.running_version.empty()) out.push_back(n.query.running_version);
    }
    return out;
}

std::string presence(const HostReading& h, const std::string& home, const std::string& target) {
    const auto* f = home_facts(h, home);
    if (f == nullptr || !f->present) return "NOT on the host yet: install RocketMQ " + target + " there before `plan`";
    const auto& jar = f->broker_jar_version ? f->broker_jar_version : f->namesrv_jar_version;
    if (!jar) return "present on the host, without RocketMQ jars in lib/";
    if (*jar != target) return "present on the host but holds RocketMQ " + *jar + ", not " + target;
    return "present on the host with the " + target + " jars";
}

Noted target_home_of(const HostReading& h, const Noted& current, const std::string& target) {
    const std::string what = "targetHome of host " + h.name + " (the RocketMQ " +
                             (target.empty() ? std::string("target") : target) + " home)";
    if (target.empty()) return placeholder_value(what, "no --to VERSION given");
    if (current.origin == Origin::placeholder) return placeholder_value(what, "its current home is unknown");
    for (const auto& v : current_versions(h, current.value)) {
        auto derived = derive_target_home(current.value, v, target);
        if (!derived) continue;
        if (*derived == current.value) return assumed_value(*derived, "the current home already holds " + target);
        return assumed_value(*derived, "the current home's name with " + v + " -> " + target + "; " +
                                           presence(h, *derived, target) + "; confirm it");
    }
    return placeholder_value(what, "the current home's name " + current.value + " carries no version to replace");
}

Noted java_home_of(const HostReading& h) {
    std::map<std::string, std::vector<const NodeFacts*>> by_java;
    for (const auto& n : h.nodes) {
        if (n.identity && !n.java_home.empty()) by_java[n.java_home].push_back(&n);
    }
    const std::string what = "javaHome of host " + h.name + ", or delete the key";
    if (by_java.size() > 1) {
        return placeholder_value(what, "its processes run different Java homes: " + listing(by_java));
    }
    if (by_java.empty()) {
        std::string seen = h.java && !h.java->java.empty() ? h.java->java + " (" + h.java->source + ")" : "none";
        return assumed_value("", "not read from the processes; starts use what RocketMQ's scripts find: " + seen);
    }
    const auto& [java_home, nodes] = *by_java.begin();
    std::string version = h.java && h.java->version ? "Java " + *h.java->version : "Java version unknown";
    return discovered_value(java_home, nodes.front()->java_home_source + "; " + version);
}

}  // namespace

DiscoveredHost build_host(const HostReading& h, const std::string& target_version) {
    DiscoveredHost d;
    d.name = h.name;
    d.address = h.address;
    if (h.error) {
        const std::string why = h.error->describe();
        d.current_home = placeholder_value("currentHome of host " + h.name, why);
        d.target_home = placeholder_value("targetHome of host " + h.name, why);
        d.java_home = placeholder_value("javaHome of host " + h.name + ", or delete the key", why);
        return d;
    }
    d.current_home = current_home_of(h);
    d.target_home = target_home_of(h, d.current_home, target_version);
    d.java_home = java_home_of(h);
    return d;
}

void check_shared_hosts(DiscoveredInventory& inv) {
    std::map<std::pair<std::string, std::string>, std::string> configs, stores;  // (host, path) -> broker
    for (const auto& g : inv.groups) {
        for (const auto& m : g.members) {
            const std::string who = m.broker_name + "@" + std::to_string(m.broker_id);
            for (auto [seen, value, key] : {std::tuple{&configs, &m.config, "config"},
                                            std::tuple{&stores, &m.store, "storePathRootDir"}}) {
                if (value->origin == Origin::placeholder) continue;
                auto [it, inserted] = seen->emplace(std::make_pair(m.host, value->value), who);
                if (!inserted) {
                    inv.warnings.push_back("brokers " + it->second + " and " + who + " on host " + m.host +
                                           " share " + key + " " + value->value +
                                           ": `validate` refuses it (stop must target exactly one process)");
                }
            }
        }
    }
    std::map<std::string, std::string> bare;  // host -> NameServer without -c
    for (const auto& ns : inv.nameservers) {
        if (ns.config.origin == Origin::placeholder || !ns.config.value.empty()) continue;
        auto [it, inserted] = bare.emplace(ns.host, ns.address);
        if (!inserted) {
            inv.warnings.push_back("NameServers " + it->second + " and " + ns.address + " on host " + ns.host +
                                   " both run without -c: give each a distinct processMatch (`validate` refuses "
                                   "them otherwise)");
        }
    }
}

}  // namespace rmqup::discover::detail
