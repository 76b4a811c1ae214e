// rmq-sim benchmark: start-to-registered latency of a simulated broker, producer throughput of
// 1 KiB sends from the load generator into one broker on loopback, and the broker's RSS over the
// run. Usage: bench_sim_bench [--seconds 60] [--rate 0] [--body 1024] [--inflight 2000] [--consume] [--ip 127.0.0.1] [--sim PATH]
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "load_generator.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace {

namespace fs = std::filesystem;
namespace rmq = rmqup::rmq;
using Clock = std::chrono::steady_clock;

// rmq-sim with args, stdout discarded, in our process group (a Ctrl-C of the bench stops it too).
rmqup::proc::Child spawn(const std::string& bin, const std::vector<std::string>& args) {
    rmqup::proc::SpawnOptions o;
    o.argv = {bin};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.err = rmqup::proc::Redirect::inherit();
    o.group = rmqup::proc::Group::inherit;
    auto child = rmqup::proc::Child::spawn(o);
    if (!child.ok()) {
        std::fprintf(stderr, "%s\n", child.error().describe().c_str());
        std::exit(1);
    }
    return std::move(child).value();
}

void stop(rmqup::proc::Child& child, int sig) {
    child.signal(sig);
    (void)child.wait_for(std::chrono::minutes(5));
}

long rss_kib(pid_t pid) { return rmqup::proc::resident_kib(pid).value_or(-1); }

bool registered(rmqup::net::RemotingClient& c, const std::string& ns, const std::string& name) {
    auto r = c.call(ns, rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info), std::chrono::milliseconds(1000));
    if (!r.ok() || r->code != 0)
        return false;
    auto ci = rmq::decode_cluster_info(r->body);
    return ci.ok() && ci->broker_addr_table.count(name);
}

// Starts the broker 5 times from cold and prints how long each took until the NameServer lists it
// (GET_BROKER_CLUSTER_INFO); returns the fifth, still running.
rmqup::proc::Child measure_cold_starts(const std::string& sim, const fs::path& dir, rmqup::net::RemotingClient& client,
                                       const std::string& ns) {
    std::vector<double> starts;
    rmqup::proc::Child broker;
    for (int run = 0; run < 5; ++run) {
        auto t0 = Clock::now();
        broker = spawn(sim, {"broker", "-c", (dir / "broker.properties").string(), "--runtime-info-error-ms", "0"});
        while (!registered(client, ns, "bench-a") && Clock::now() - t0 < std::chrono::seconds(5))
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        starts.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (run < 4) {
            stop(broker, SIGTERM);
            while (registered(client, ns, "bench-a"))
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    std::sort(starts.begin(), starts.end());
    std::printf("start_to_registered_ms min=%.1f median=%.1f max=%.1f\n", starts.front(), starts[2], starts.back());
    return broker;
}

// The broker's RSS samples (KiB, one a second) at the quartiles and their peak.
void print_rss(const std::vector<long>& rss) {
    if (rss.empty())
        return;
    const long peak = *std::max_element(rss.begin(), rss.end());
    const std::size_t q = rss.size() / 4;
    std::printf("broker_rss_kib first=%ld at_25%%=%ld at_50%%=%ld at_75%%=%ld last=%ld peak=%ld samples=%zu\n",
                rss.front(), rss[q], rss[2 * q], rss[3 * q], rss.back(), peak, rss.size());
}

}  // namespace

int main(int argc, char** argv) {
    int seconds = 60, body = 1024, inflight = 2000;
    double rate = 0;
    std::string ip = "127.0.0.1";
    bool consume = false;
    std::string sim = (fs::canonical("/proc/self/exe").parent_path().parent_path() / "sim" / "rmq-sim").string();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc) seconds = std::atoi(argv[++i]);
        else if (a == "--body" && i + 1 < argc) body = std::atoi(argv[++i]);
        else if (a == "--inflight" && i + 1 < argc) inflight = std::atoi(argv[++i]);
        else if (a == "--rate" && i + 1 < argc) rate = std::atof(argv[++i]);
        else if (a == "--consume") consume = true;
        else if (a == "--ip" && i + 1 < argc) ip = argv[++i];
        else if (a == "--sim" && i + 1 < argc) sim = argv[++i];
    }
    fs::path dir = fs::temp_directory_path() / ("rmqsim-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string ns = ip + ":29976";
    auto namesrv = spawn(sim, {"namesrv", "--listen", ns});
    rmqup::net::RemotingClient client;
    for (int i = 0; i < 300; ++i) {
        if (client.call(ns, rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info), std::chrono::milliseconds(200)).ok())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::ofstream(dir / "broker.properties") << "brokerClusterName=BenchCluster\nbrokerName=bench-a\nbrokerId=0\n"
                                                "brokerIP1=" << ip << "\nlistenPort=29911\nnamesrvAddr=" << ns << "\nstorePathRootDir="
                                             << (dir / "store").string() << "\n";

    // 1. start to registered, 5 cold starts (the NameServer sees the broker in GET_BROKER_CLUSTER_INFO).
    rmqup::proc::Child broker = measure_cold_starts(sim, dir, client, ns);

    // 2. throughput + 3. RSS sampled every second.
    std::atomic<bool> done{false};
    std::vector<long> rss;
    std::thread sampler([&] {
        while (!done) {
            rss.push_back(rss_kib(broker.pid()));
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });
    rmqsim::LoadOptions lo;
    lo.namesrv_addrs = {ns};
    lo.topic = "BenchTopic";
    lo.rate = rate;
    lo.duration_ms = seconds * 1000LL;
    lo.body_size = body;
    lo.max_inflight = inflight;
    lo.consume = consume;
    lo.route_refresh_ms = 30000;
    lo.drain_ms = 30000;
    auto rep = rmqsim::run_load(lo);
    done = true;
    sampler.join();
    if (!rep.ok()) {
        std::fprintf(stderr, "load failed: %s\n", rep.error().describe().c_str());
        stop(broker, SIGKILL);
        stop(namesrv, SIGKILL);
        return 1;
    }
    std::printf("load: %s", rmqsim::format_report(*rep).c_str());
    std::printf("sends_per_second=%.0f (body %d B, inflight %d, %d s, rate %s, consume=%s)\n", rep->send_tps, body,
                inflight, seconds, rate > 0 ? std::to_string(rate).c_str() : "unlimited", consume ? "yes" : "no");
    print_rss(rss);
    stop(broker, SIGTERM);
    stop(namesrv, SIGTERM);
    fs::remove_all(dir);
    return 0;
}
