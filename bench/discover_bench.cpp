// `rmq-upgrade discover` at scale (issue 13: 200 simulated brokers on local transport, < 10 s).
// Two measurements:
//  1. in memory: discover's three stages over the tests' FakeAdmin and FakeHostProbe (200 brokers =
//     100 master/slave groups on 50 hosts, 2 NameServers), then the YAML parsed back by the
//     inventory parser: the pure cost (model, comparison, rendering, validation); then again with
//     every host call taking --latency-ms (a model of SSH hosts that run their own probes);
//  2. real (--real N, 0 = skip): one rmq-sim NameServer and N rmq-sim brokers (N/2 groups of master +
//     slave, 4 brokers per 127.0.161.x address, one port each) started as RocketMQ's scripts start them (-cp
//     "<home>/lib/*", JAVA_HOME exported), then `rmq-upgrade discover --transport local` timed end to
//     end as a child process, then `validate` on what it wrote.
// Usage: bench_discover_bench [--brokers 200] [--real 200] [--cli build/src/rmq-upgrade]
//                              [--sim build/sim/rmq-sim] [--latency-ms 200] [--keep 1]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "bench_support.hpp"
#include "fake_host_probe.hpp"
#include "rmqup/discover/discover.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

using namespace rmqup;
using namespace rmqup::bench;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Broker k of n: group k % (n/2), master when k < n/2; 4 brokers per address, each on its own port.
// All 127.0.x.y addresses share this machine's kernel, so an identify probe for port P lists every
// local listener on P (a real host lists only its own): distinct ports keep each probe's work what it
// would be on a real host.
struct Layout {
    int brokers = 200;
    std::string prefix = "127.0.161.";
    int groups() const { return brokers / 2; }
    std::string name(int k) const { return "broker-" + std::to_string(k % groups()); }
    int id(int k) const { return k < groups() ? 0 : 1; }
    std::string ip(int k) const { return prefix + std::to_string(10 + k / 4); }
    int port(int k) const { return 20011 + 10 * k; }
    std::string address(int k) const { return ip(k) + ":" + std::to_string(port(k)); }
};

// The cluster as the NameServers and brokers tell it: every broker of the layout at 4.8.0.
void add_brokers(test::FakeAdmin& admin, const Layout& l) {
    for (int k = 0; k < l.brokers; ++k) {
        test::FakeBroker b;
        b.cluster = "BenchCluster";
        b.name = l.name(k);
        b.id = l.id(k);
        b.address = l.address(k);
        b.config = {{"brokerRole", l.id(k) == 0 ? "SYNC_MASTER" : "SLAVE"}, {"storePathRootDir", "/root/store"}};
        admin.add(std::move(b));
    }
}

// The hosts: every listener a broker (or NameServer) of /opt/rocketmq-4.8.0 with its own config, each
// call taking `latency` (a model of one command over SSH on a real host: round trip plus the probe's run).
void add_hosts(test::FakeFleet& fleet, const Layout& l, const std::vector<std::string>& nameservers,
               std::chrono::milliseconds latency) {
    auto listen = [&](const std::string& address, ProcessKind kind) {
        test::FakeHost& h = fleet.host(address.substr(0, address.rfind(':')));
        h.latency = latency;
        h.java = test::healthy_java();
        h.other_homes = test::OtherHomes::version_from_name;
        test::FakeListener p;
        p.pid = 1000 + static_cast<int>(std::hash<std::string>{}(address) % 30000);
        p.home = "/opt/rocketmq-4.8.0";
        if (kind == ProcessKind::broker) p.config_path = "/opt/rocketmq/conf/" + address + ".properties";
        p.args = "/usr/lib/jvm/java-8/bin/java -cp /opt/rocketmq-4.8.0/lib/* Startup -c " + p.config_path;
        h.listeners[address] = p;
        if (!p.config_path.empty()) {
            h.files[p.config_path] = "brokerClusterName=BenchCluster\nstorePathRootDir=/data/" + p.config_path + "/store\n";
        }
    };
    for (const auto& ns : nameservers) listen(ns, ProcessKind::nameserver);
    for (int k = 0; k < l.brokers; ++k) listen(l.address(k), ProcessKind::broker);
}

int in_memory(const Layout& l, std::chrono::milliseconds latency) {
    test::FakeAdmin admin;
    add_brokers(admin, l);
    discover::DiscoverOptions o;
    o.nameservers = {l.prefix + "2:9876", l.prefix + "3:9876"};
    o.target_version = "4.9.7";
    o.access.transport = "local";
    test::FakeFleet fleet;
    add_hosts(fleet, l, o.nameservers, latency);
    const auto t0 = std::chrono::steady_clock::now();
    auto inv = discover::discover(admin, admin, fleet.factory(), o);
    if (!inv) {
        std::fprintf(stderr, "discover failed: %s\n", inv.error().describe().c_str());
        return 1;
    }
    const double t_discover = ms_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const std::string yaml = discover::render_yaml(*inv);
    const double t_render = ms_since(t1);
    const auto t2 = std::chrono::steady_clock::now();
    auto parsed = parse_inventory(yaml, "bench.yaml");
    const double t_parse = ms_since(t2);
    std::printf("in memory, %lld ms per host call, %d hosts at a time: %d brokers, %zu hosts: discover %.1f ms, "
                "render %.1f ms (%zu bytes), validate %.1f ms: %s\n",
                static_cast<long long>(latency.count()), o.host_workers, l.brokers, inv->hosts.size(), t_discover, t_render, yaml.size(), t_parse,
                parsed ? "valid" : parsed.error().message.substr(0, 300).c_str());
    return parsed ? 0 : 1;
}

void write(const fs::path& p, const std::string& text, fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    fs::permissions(p, mode);
}

// Homes with the jars discover reads, a fake JDK, one config per broker.
void write_cluster_files(const fs::path& dir, const Layout& l) {
    for (const char* v : {"4.8.0", "4.9.7"}) {
        for (const char* m : {"rocketmq-broker-", "rocketmq-namesrv-"}) write(dir / ("rocketmq-" + std::string(v)) / "lib" / (m + std::string(v) + ".jar"), "");
    }
    write(dir / "jdk8/bin/java", "#!/bin/sh\necho 'openjdk version \"1.8.0_392\"' >&2\n",
          fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    write(dir / "namesrv.properties", "listenPort=9876\nrmqsimListenAddress=" + l.prefix + "2\n");
    for (int k = 0; k < l.brokers; ++k) {
        write(dir / "conf" / (l.name(k) + "-" + std::to_string(l.id(k)) + ".properties"),
              "brokerClusterName=BenchCluster\nbrokerName=" + l.name(k) + "\nbrokerId=" + std::to_string(l.id(k)) +
                  "\nbrokerRole=" + (l.id(k) == 0 ? "ASYNC_MASTER" : "SLAVE") + "\nbrokerIP1=" + l.ip(k) +
                  "\nlistenPort=" + std::to_string(l.port(k)) + "\nhaListenPort=" + std::to_string(l.port(k) + 1) +
                  "\nnamesrvAddr=" + l.prefix + "2:9876\nstorePathRootDir=" + (dir / "store" / std::to_string(k)).string() +
                  "\n");
    }
}

Status start_node(const fs::path& dir, const std::string& sim, const std::string& mode, const std::string& main,
                  const std::string& config) {
    const std::string home = (dir / "rocketmq-4.8.0").string();
    auto o = proc::logged_to({sim, mode, "-cp", ".:" + home + "/conf:" + home + "/lib/*", main, "--version", "4.8.0", "-c", config},
                             "");
    o.env = {{"JAVA_HOME", (dir / "jdk8").string()}};
    o.cwd = dir.string();
    auto pid = proc::spawn_detached(o);
    if (!pid) return std::move(pid).error();
    return ok_status();
}

// Waits until the NameServer lists every broker and each answers its runtime info.
bool wait_cluster(const Layout& l, std::chrono::seconds budget) {
    net::RemotingClient client(net::ClientOptions{});
    net::RemotingAdmin admin(client, 2s);
    const auto until = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < until) {
        auto info = admin.cluster_info(l.prefix + "2:9876");
        int listed = 0;
        if (info) {
            for (const auto& [name, data] : info->broker_addr_table) listed += static_cast<int>(data.broker_addrs.size());
        }
        if (listed == l.brokers) {
            bool all = true;
            for (int k = 0; k < l.brokers && all; ++k) all = admin.runtime_info(l.address(k)).ok();
            if (all) return true;
        }
        std::this_thread::sleep_for(500ms);
    }
    return false;
}

int run_cli(const std::string& cli_bin, std::vector<std::string> args, const fs::path& dir, const std::string& tag) {
    std::vector<std::string> argv{cli_bin};
    for (auto& a : args) argv.push_back(std::move(a));
    auto o = proc::logged_to(std::move(argv), (dir / (tag + ".err")).string());
    o.out = proc::Redirect::truncate((dir / (tag + ".out")).string());
    auto child = proc::Child::spawn(o);
    if (!child) return -2;
    auto rc = child->wait_for(120s);
    return rc ? *rc : -1;
}

int real(const Layout& l, const std::string& cli_bin, const std::string& sim, bool keep) {
    const fs::path dir = fs::temp_directory_path() / ("rmqup-discover-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    write_cluster_files(dir, l);
    const auto t_start = std::chrono::steady_clock::now();
    int rc = 1;
    auto ok = start_node(dir, sim, "namesrv", "org.apache.rocketmq.namesrv.NamesrvStartup", (dir / "namesrv.properties").string());
    for (int k = 0; k < l.brokers && ok; ++k) {
        ok = start_node(dir, sim, "broker", "org.apache.rocketmq.broker.BrokerStartup",
                        (dir / "conf" / (l.name(k) + "-" + std::to_string(l.id(k)) + ".properties")).string());
    }
    if (!ok) {
        std::fprintf(stderr, "start failed: %s\n", ok.error().describe().c_str());
    } else if (!wait_cluster(l, 120s)) {
        std::fprintf(stderr, "the %d brokers did not all register within 120 s\n", l.brokers);
    } else {
        std::printf("real: NameServer + %d rmq-sim brokers on %d addresses up in %.1f s\n", l.brokers,
                    (l.brokers + 3) / 4, ms_since(t_start) / 1000.0);
        const std::string inv = (dir / "inventory.yaml").string();
        const auto t0 = std::chrono::steady_clock::now();
        const int d = run_cli(cli_bin, {"-v", "discover", "-n", l.prefix + "2:9876", "--transport", "local", "--to", "4.9.7", "-o", inv},
                              dir, "discover");
        const double t_discover = ms_since(t0);
        const int v = run_cli(cli_bin, {"validate", "-i", inv}, dir, "validate");
        std::printf("real: rmq-upgrade discover (%d brokers, local transport): %.2f s, exit %d; validate exit %d\n",
                    l.brokers, t_discover / 1000.0, d, v);
        rc = d == 0 && v == 0 ? 0 : 1;
        if (rc != 0) std::fprintf(stderr, "see %s\n", dir.c_str());
    }
    if (keep) {
        std::printf("kept %s and its processes (discover -v log: discover.err)\n", dir.c_str());
        return rc;
    }
    proc::kill_processes_matching(dir.string() + "/", 3s);
    if (rc == 0) fs::remove_all(dir);
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    Layout l;
    int real_brokers = 200;
    std::string cli_bin = "build/src/rmq-upgrade";
    std::string sim = "build/sim/rmq-sim";
    int latency_ms = 200;  // per host call in the second in-memory run (0 = skip it)
    bool keep = false;  // --keep 1: leave the simulated cluster running (and discover's -v log) for a look
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--brokers") l.brokers = std::atoi(argv[i + 1]);
        else if (flag == "--real") real_brokers = std::atoi(argv[i + 1]);
        else if (flag == "--cli") cli_bin = argv[i + 1];
        else if (flag == "--sim") sim = argv[i + 1];
        else if (flag == "--latency-ms") latency_ms = std::atoi(argv[i + 1]);
        else if (flag == "--keep") keep = std::atoi(argv[i + 1]) != 0;
    }
    int rc = in_memory(l, std::chrono::milliseconds(0));
    if (latency_ms > 0) rc |= in_memory(l, std::chrono::milliseconds(latency_ms));
    if (real_brokers > 0) {
        Layout r;
        r.brokers = real_brokers;
        rc |= real(r, fs::absolute(cli_bin).string(), fs::absolute(sim).string(), keep);
    }
    return rc;
}
