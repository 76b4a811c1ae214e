#include "rehearsal/cluster.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "rmqup/core/version.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

namespace rmqup::rehearsal {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string match_for(const Layout& layout, const std::string& host) { return "-c " + layout.config(host) + " "; }

// Started the way an operator does from the home: ROCKETMQ_HOME and JAVA_HOME set explicitly (an
// inherited ROCKETMQ_HOME of the rehearsal's own environment must not pick the home).
Status start_node(const std::string& home, const std::string& script, const std::string& host, const Layout& layout) {
    auto o = proc::logged_to({"/bin/sh", home + "/bin/" + script, "-c", layout.config(host)}, layout.log(host));
    o.env = {{"ROCKETMQ_HOME", home}, {"JAVA_HOME", layout.java_home()}};
    auto pid = proc::spawn_detached(o);
    if (!pid.ok()) return std::move(pid).error().with("start " + host);
    return ok_status();
}

// Every NameServer lists every broker of t (by brokerName and brokerId).
bool all_registered(const Topology& t, AdminApi& admin, std::string& missing) {
    for (const auto& ns : t.nameservers) {
        auto info = admin.cluster_info(ns.address());
        if (!info.ok()) {
            missing = "NameServer " + ns.address() + ": " + info.error().describe();
            return false;
        }
        for (const auto& b : t.brokers) {
            auto g = info->broker_addr_table.find(b.broker_name);
            if (g == info->broker_addr_table.end() || g->second.broker_addrs.count(b.broker_id) == 0) {
                missing = "broker " + b.label() + " not yet on NameServer " + ns.address();
                return false;
            }
        }
    }
    return true;
}

std::string log_tail(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::string out;
    for (std::size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i) out += "\n  " + lines[i];
    return out;
}

}  // namespace

std::optional<std::string> version_from_cmdline(const std::string& cmdline) {
    std::istringstream in(cmdline);
    std::string word;
    while (in >> word) {
        if (word == "--version") {
            std::string v;
            if (in >> v) return v;
        }
    }
    return std::nullopt;
}

Status start_cluster(const Topology& t, const Layout& layout, const std::string& version, AdminApi& admin,
                     std::chrono::milliseconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    for (const auto& ns : t.nameservers)
        RMQUP_TRY(start_node(layout.home(version), "mqnamesrv", ns.host, layout));
    // Brokers register at start; give the NameServers their first accept loop.
    for (const auto& ns : t.nameservers) {
        while (true) {
            if (admin.cluster_info(ns.address()).ok()) break;
            if (SteadyClock::now() > deadline)
                return make_error(ErrorKind::timeout, "NameServer did not answer" + log_tail(layout.log(ns.host)))
                    .with("NameServer " + ns.host + " (" + ns.address() + "), log " + layout.log(ns.host));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    for (const auto& b : t.brokers) RMQUP_TRY(start_node(layout.home(version), "mqbroker", b.host, layout));
    std::string missing;
    while (!all_registered(t, admin, missing)) {
        if (SteadyClock::now() > deadline) {
            std::string logs;
            for (const auto& b : t.brokers)
                if (proc::find_processes(match_for(layout, b.host)).empty())
                    logs += "\n" + b.label() + " is not running; " + layout.log(b.host) + ":" + log_tail(layout.log(b.host));
            return make_error(ErrorKind::timeout, missing + logs).with("start the " + version + " cluster");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    // Runtime stats answer "not ready" for a moment after boot (as real brokers do).
    for (const auto& b : t.brokers) {
        while (true) {
            auto rt = admin.runtime_info(b.address());
            if (rt.ok()) break;
            if (SteadyClock::now() > deadline) return std::move(rt).error().with("broker " + b.label() + " runtime info");
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    return ok_status();
}

std::vector<NodeState> observe_cluster(const Topology& t, const Layout& layout, AdminApi& admin,
                                       const std::string& topic) {
    std::vector<NodeState> out;
    auto process_version = [&](NodeState& s, const std::string& host) {
        auto pids = proc::find_processes(match_for(layout, host));
        s.processes = static_cast<int>(pids.size());
        if (!pids.empty()) s.version = version_from_cmdline(proc::cmdline_text(pids.front())).value_or("");
    };
    std::vector<rmq::ClusterInfo> infos;
    std::vector<std::optional<rmq::TopicRouteData>> routes;
    for (const auto& ns : t.nameservers) {
        NodeState s;
        s.kind = "nameserver";
        s.name = ns.host;
        s.host = ns.host;
        s.address = ns.address();
        process_version(s, ns.host);
        if (auto info = admin.cluster_info(ns.address()); info.ok()) infos.push_back(*info);
        else s.problem = "does not answer: " + info.error().describe();
        auto route = admin.topic_route(ns.address(), topic);
        routes.push_back(route.ok() ? std::optional<rmq::TopicRouteData>(*route) : std::nullopt);
        out.push_back(s);
    }
    for (const auto& b : t.brokers) {
        NodeState s;
        s.kind = "broker";
        s.name = b.label();
        s.host = b.host;
        s.address = b.address();
        process_version(s, b.host);
        if (auto rt = admin.runtime_info(b.address()); rt.ok()) {
            if (auto v = RmqVersion::parse(rt->version_desc)) {
                if (s.version != v->str()) s.problem = "process says " + s.version + ", broker reports " + v->str();
                s.version = v->str();
            }
        }
        if (auto cfg = admin.broker_config(b.address()); cfg.ok()) {
            for (const auto& [k, v] : *cfg)
                if (k == "brokerPermission") s.perm = std::atoi(v.c_str());
        }
        s.registered_everywhere = infos.size() == t.nameservers.size();
        for (const auto& info : infos) {
            auto g = info.broker_addr_table.find(b.broker_name);
            auto addr = g == info.broker_addr_table.end() ? nullptr : &g->second.broker_addrs;
            if (addr == nullptr || addr->count(b.broker_id) == 0 || addr->at(b.broker_id) != b.address())
                s.registered_everywhere = false;
        }
        // Routes carry one QueueData per group, i.e. the master's permission.
        s.routes_writable = true;
        for (const auto& r : routes) {
            bool writable = false;
            if (r) {
                for (const auto& qd : r->queue_datas)
                    if (qd.broker_name == b.broker_name && (qd.perm & 2) != 0) writable = true;
            }
            s.routes_writable = s.routes_writable && writable;
        }
        out.push_back(s);
    }
    return out;
}

int judge_nodes(std::vector<NodeState>& nodes, const std::string& expected_version) {
    int bad = 0;
    for (auto& n : nodes) {
        std::vector<std::string> why;
        if (!n.problem.empty()) why.push_back(n.problem);
        if (n.processes != 1) why.push_back(std::to_string(n.processes) + " processes running (expected 1)");
        if (n.version != expected_version)
            why.push_back("runs " + (n.version.empty() ? std::string("nothing") : n.version) + ", expected " + expected_version);
        if (n.kind == "broker") {
            if (!n.perm || *n.perm != 6)
                why.push_back("brokerPermission " + (n.perm ? std::to_string(*n.perm) : std::string("unknown")) + ", expected 6");
            if (!n.registered_everywhere) why.push_back("not registered on every NameServer");
            if (!n.routes_writable) why.push_back("not writable in every NameServer's route");
        }
        n.problem.clear();
        for (const auto& w : why) n.problem += (n.problem.empty() ? "" : "; ") + w;
        if (!why.empty()) ++bad;
    }
    return bad;
}

}  // namespace rmqup::rehearsal
