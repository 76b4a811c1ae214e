// `rmq-upgrade discover` at scale (issue 13: 200 simulated brokers on local transport, < 10 s).
// Two measurements:
//  1. in memory: discover's three stages over a hand-written AdminApi and HostOps (200 brokers =
//     100 master/slave groups on 50 hosts, 2 NameServers), then the YAML parsed back by the
//     inventory parser: the pure cost (model, comparison, rendering, validation); then again with
//     every HostOps call taking --latency-ms (a model of SSH hosts that run their own probes);
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

#include "rmqup/discover/discover.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/rehearsal/process.hpp"

using namespace rmqup;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

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

class BenchAdmin final : public AdminApi {
public:
    explicit BenchAdmin(const Layout& l) {
        for (int k = 0; k < l.brokers; ++k) {
            auto& data = m_info.broker_addr_table[l.name(k)];
            data.cluster = "BenchCluster";
            data.broker_name = l.name(k);
            data.broker_addrs[l.id(k)] = l.address(k);
            m_roles[l.address(k)] = l.id(k) == 0 ? "SYNC_MASTER" : "SLAVE";
        }
        for (const auto& [name, data] : m_info.broker_addr_table) m_info.cluster_addr_table["BenchCluster"].push_back(name);
    }
    Result<rmq::ClusterInfo> cluster_info(const std::string&) override { return m_info; }
    Result<rmq::RuntimeInfo> runtime_info(const std::string&) override {
        rmq::RuntimeInfo ri;
        ri.version_desc = "V4_8_0";
        return ri;
    }
    Result<rmq::Properties> broker_config(const std::string& addr) override {
        return rmq::Properties{{"brokerRole", m_roles[addr]}, {"storePathRootDir", "/root/store"}};
    }
    Result<rmq::TopicRouteData> topic_route(const std::string&, const std::string&) override { return none(); }
    Result<rmq::TopicList> all_topics(const std::string&) override { return none(); }
    Result<rmq::TopicList> topics_by_cluster(const std::string&, const std::string&) override { return none(); }
    Result<int> wipe_write_perm(const std::string&, const std::string&) override { return none(); }
    Result<int> add_write_perm(const std::string&, const std::string&) override { return none(); }
    Status update_broker_config(const std::string&, const rmq::Properties&) override { return none(); }
    Result<rmq::TopicConfigTable> all_topic_config(const std::string&) override { return none(); }
    Result<rmq::TopicStatsTable> topic_stats(const std::string&, const std::string&) override { return none(); }
    Result<rmq::ConsumeStats> consume_stats(const std::string&, const std::string&, const std::string&) override { return none(); }
    Result<rmq::ConsumerConnection> consumer_connections(const std::string&, const std::string&) override { return none(); }
    Result<rmq::ProducerConnection> producer_connections(const std::string&, const std::string&) override { return none(); }
    Result<std::int64_t> max_offset(const std::string&, const std::string&, int) override { return none(); }
    Result<std::int64_t> min_offset(const std::string&, const std::string&, int) override { return none(); }
    Result<std::int64_t> query_consumer_offset(const std::string&, const std::string&, const std::string&, int) override { return none(); }
    Result<rmq::SendResult> send_message(const std::string&, const rmq::SendRequest&) override { return none(); }
    Result<rmq::PullResult> pull_message(const std::string&, const rmq::PullRequest&) override { return none(); }

private:
    static Error none() { return make_error(ErrorKind::internal, "not used by discover"); }
    rmq::ClusterInfo m_info;
    std::map<std::string, std::string> m_roles;
};

// Every listener is a broker (or NameServer) of /opt/rocketmq-4.8.0 with its own config. Each call
// takes `latency` (a model of one command over SSH on a real host: round trip plus the probe's run).
class BenchHost final : public HostOps {
public:
    explicit BenchHost(std::chrono::milliseconds latency) : m_latency(latency) {}

    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) override {
        std::this_thread::sleep_for(m_latency);
        ProcessIdentity id;
        id.pid = 1000 + static_cast<int>(std::hash<std::string>{}(spec.address) % 30000);
        id.home = "/opt/rocketmq-4.8.0";
        id.home_source = "classpath";
        if (spec.kind == ProcessKind::broker) id.config_path = "/opt/rocketmq/conf/" + spec.address + ".properties";
        id.args = "/usr/lib/jvm/java-8/bin/java -cp /opt/rocketmq-4.8.0/lib/* Startup -c " + id.config_path;
        return std::optional<ProcessIdentity>{id};
    }
    Result<std::string> read_file(const std::string& path) override {
        std::this_thread::sleep_for(m_latency);
        return "brokerClusterName=BenchCluster\nstorePathRootDir=/data/" + path + "/store\n";
    }
    Result<HostFacts> facts(const FactsRequest& request) override {
        std::this_thread::sleep_for(m_latency);
        HostFacts f;
        f.java.java = request.java_home + "/bin/java";
        f.java.java_home = request.java_home;
        f.java.version = "1.8.0_392";
        for (const auto& h : request.homes) {
            HomeFacts home;
            home.home = h;
            home.present = true;
            home.broker_jar_version = h.substr(h.rfind('-') + 1);
            f.homes.push_back(home);
        }
        return f;
    }
    Result<std::vector<int>> find_pids(const ProcessSpec&) override { return std::vector<int>{}; }
    Status stop(const ProcessSpec&, std::chrono::milliseconds, KillPolicy) override { return none(); }
    Result<int> start(const ProcessSpec&) override { return none(); }
    Result<bool> abort_marker_present(const ProcessSpec&) override { return none(); }
    Status write_file(const std::string&, const std::string&, int) override { return none(); }
    Status backup_once(const std::string&, const std::string&) override { return none(); }
    Result<bool> path_exists(const std::string&) override { return none(); }

private:
    static Error none() { return make_error(ErrorKind::internal, "discover must not change a host"); }
    std::chrono::milliseconds m_latency;
};

int in_memory(const Layout& l, std::chrono::milliseconds latency) {
    BenchAdmin admin(l);
    discover::DiscoverOptions o;
    o.nameservers = {l.prefix + "2:9876", l.prefix + "3:9876"};
    o.target_version = "4.9.7";
    o.access.transport = "local";
    auto factory = [latency](const std::string&, const std::string&) -> Result<std::unique_ptr<HostOps>> {
        return std::unique_ptr<HostOps>(std::make_unique<BenchHost>(latency));
    };
    const auto t0 = std::chrono::steady_clock::now();
    auto inv = discover::discover(admin, factory, o);
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
    rehearsal::SpawnOptions o;
    const std::string home = (dir / "rocketmq-4.8.0").string();
    o.argv = {sim, mode, "-cp", ".:" + home + "/conf:" + home + "/lib/*", main, "--version", "4.8.0", "-c", config};
    o.env = {{"JAVA_HOME", (dir / "jdk8").string()}};
    o.cwd = dir.string();
    auto pid = rehearsal::spawn_detached(o);
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
    rehearsal::SpawnOptions o;
    o.argv = {cli_bin};
    for (auto& a : args) o.argv.push_back(std::move(a));
    o.stdout_path = (dir / (tag + ".out")).string();
    o.log_path = (dir / (tag + ".err")).string();
    auto child = rehearsal::ChildProcess::spawn(o);
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
    rehearsal::kill_processes_matching(dir.string() + "/", 3s);
    if (rc == 0) fs::remove_all(dir);
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    Layout l;
    int real_brokers = 200;
    std::string cli_bin = "build/src/rmq-upgrade";
    std::string sim = "build/sim/rmq-sim";
    int latency_ms = 200;  // per HostOps call in the second in-memory run (0 = skip it)
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
