// Stage 2 of discover: one host. Each node's process is the one listening on its port (HostProbe::
// identify, exactly as `plan` and `apply` find it); its -c file, home and Java come from that
// process, never from a guess; the host facts then say which Java version that is and which
// RocketMQ release each home (and each derived target home) holds.
#include <algorithm>
#include <set>

#include "rmqup/discover/discover.hpp"
#include "rmqup/hostops/process_identity.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::discover {

namespace {

// Errors after which asking the same host again is pointless (the login failed).
bool host_level(const Error& e) {
    return e.kind == ErrorKind::unreachable || e.kind == ErrorKind::timeout || e.kind == ErrorKind::auth ||
           e.kind == ErrorKind::host_key;
}

// JAVA_HOME=... of /proc/<pid>/environ (NUL separated); "" when absent.
std::string java_home_in_environ(const std::string& environ) {
    std::size_t start = 0;
    while (start < environ.size()) {
        std::size_t end = environ.find('\0', start);
        if (end == std::string::npos) end = environ.size();
        std::string_view entry(environ.data() + start, end - start);
        if (entry.rfind("JAVA_HOME=", 0) == 0) return std::string(entry.substr(10));
        start = end + 1;
    }
    return {};
}

// The Java home a process runs with: its argv[0] "<home>/bin/java" (the JVM the scripts exec),
// else JAVA_HOME in its environment (the scripts export the one they picked).
void read_java_home(HostProbe& ops, NodeFacts& f) {
    const std::string& args = f.identity->args;
    const std::string argv0 = args.substr(0, args.find(' '));
    const std::string suffix = "/bin/java";
    if (argv0.size() > suffix.size() && argv0.compare(argv0.size() - suffix.size(), suffix.size(), suffix) == 0) {
        f.java_home = argv0.substr(0, argv0.size() - suffix.size());
        f.java_home_source = "argv[0] of pid " + std::to_string(f.identity->pid);
        return;
    }
    auto environ = ops.read_file("/proc/" + std::to_string(f.identity->pid) + "/environ");
    if (!environ) return;
    f.java_home = java_home_in_environ(*environ);
    if (!f.java_home.empty()) f.java_home_source = "JAVA_HOME of pid " + std::to_string(f.identity->pid);
}

NodeFacts read_node(HostProbe& ops, const HostQuery& q, const NodeQuery& node, std::optional<Error>& host_error) {
    NodeFacts f;
    f.query = node;
    ProcessSpec spec;
    spec.kind = node.kind;
    spec.name = node.name;
    spec.host = q.name;
    spec.address = node.address;
    auto id = ops.identify(spec);
    if (!id) {
        f.error = std::move(id).error();
        if (host_level(*f.error)) host_error = f.error;
        return f;
    }
    if (!id->has_value()) return f;
    f.identity = std::move(**id);
    read_java_home(ops, f);
    if (!f.identity->config_path.empty()) {
        auto text = ops.read_file(f.identity->config_path);
        if (text) f.config_file = rmq::parse_properties(*text);
        else f.config_error = std::move(text).error();
    }
    return f;
}

// The release a node's home holds or runs: its runtime version, else the home's jars.
std::vector<std::string> versions_of(const NodeFacts& f, const std::vector<HomeFacts>& homes) {
    std::vector<std::string> out;
    if (!f.query.running_version.empty()) out.push_back(f.query.running_version);
    for (const auto& h : homes) {
        if (!f.identity || h.home != f.identity->home) continue;
        for (const auto* v : {&h.broker_jar_version, &h.namesrv_jar_version}) {
            if (*v) out.push_back(**v);
        }
    }
    return out;
}

}  // namespace

HostReading read_host(HostProbe& ops, const HostQuery& q) {
    HostReading r;
    r.name = q.name;
    r.address = q.address;
    for (const auto& node : q.nodes) {
        if (r.error) {
            NodeFacts skipped;
            skipped.query = node;
            skipped.error = r.error;
            r.nodes.push_back(std::move(skipped));
            continue;
        }
        r.nodes.push_back(read_node(ops, q, node, r.error));
    }
    if (r.error) return r;

    // One facts call for the Java, the current homes and the target homes derived from the versions
    // the cluster runs; a second only when a home's jars name a release nobody runs.
    FactsRequest request;
    std::set<std::string> asked;
    for (const auto& f : r.nodes) {
        if (!f.identity) continue;
        if (request.java_home.empty()) request.java_home = f.java_home;
        if (!f.identity->home.empty() && asked.insert(f.identity->home).second) request.homes.push_back(f.identity->home);
    }
    if (request.homes.empty() && request.java_home.empty()) return r;  // nothing running here to read
    const std::vector<std::string> current = request.homes;
    auto add_targets = [&](FactsRequest& to, const std::string& home, const std::vector<std::string>& versions) {
        for (const auto& v : versions) {
            auto t = derive_target_home(home, v, q.target_version);
            if (t && asked.insert(*t).second) to.homes.push_back(*t);
        }
    };
    if (!q.target_version.empty()) {
        for (const auto& home : current) add_targets(request, home, q.cluster_versions);
    }
    auto facts = ops.facts(request);
    if (!facts) {
        r.error = std::move(facts).error().with("host " + q.name);
        return r;
    }
    r.java = facts->java;
    r.homes = facts->homes;
    if (q.target_version.empty()) return r;
    FactsRequest more;
    more.java_home = request.java_home;
    for (const auto& f : r.nodes) {
        if (f.identity) add_targets(more, f.identity->home, versions_of(f, r.homes));
    }
    if (more.homes.empty()) return r;
    auto extra = ops.facts(more);
    if (extra) r.homes.insert(r.homes.end(), extra->homes.begin(), extra->homes.end());
    return r;
}

}  // namespace rmqup::discover
