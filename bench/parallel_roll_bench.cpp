// Issue 13 benchmark: the wall time of a whole roll of N broker groups (master + slave) of rmq-sim
// from release-shaped homes under live traffic, with `parallel: 1` and with `parallel: P`, the same
// shortened timings for both (1 s route refresh, 3 s drain, 1 s quiet period). Target: parallel 5
// takes at most 1/3 of parallel 1, with 0 lost and 0 failed sends. Loopback only (127.0.x.y).
//
//   build/bench/bench_parallel_roll_bench [groups=20] [parallel=5] [--masters-only]
//
// Each run starts its own cluster (discover -> plan -> apply), prints one line per run and a verdict;
// exit 1 when the ratio or the traffic misses the target.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "release_cluster.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/requests.hpp"

using namespace std::chrono_literals;
using rmqup::test::ReleaseWorkdir;

namespace {

struct RunResult {
    bool ok = false;
    double apply_s = 0;
    long long acked = 0, lost = -1, failed = -1;
    std::string error;
};

std::string group(int g) { return "group-" + std::to_string(g); }

RunResult roll(int groups, int parallel, bool slaves) {
    RunResult r;
    ReleaseWorkdir w("rmqup-bench-waves-p" + std::to_string(parallel), 100, {"4.8.0", "4.9.7"});
    const std::string ns = w.ip(250) + ":9876";
    ReleaseWorkdir::write_file(w.dir() + "/etc/ns.properties", "listenPort=9876\nrmqsimListenAddress=" + w.ip(250) + "\n");
    (void)w.start_from(w.home("4.8.0"), "mqnamesrv", {"-c", w.dir() + "/etc/ns.properties"}, w.dir(), "ns");
    for (int g = 0; g < groups; ++g) {
        for (int id = 0; id < (slaves ? 2 : 1); ++id) {
            const std::string conf = w.dir() + "/conf/" + group(g) + "-" + std::to_string(id) + ".properties";
            ReleaseWorkdir::write_file(
                conf, "brokerClusterName=DefaultCluster\nbrokerName=" + group(g) + "\nbrokerId=" + std::to_string(id) +
                          "\nbrokerRole=" + (id == 0 ? "ASYNC_MASTER" : "SLAVE") + "\nbrokerIP1=" +
                          w.ip((id == 0 ? 10 : 110) + g) + "\nlistenPort=10911\nhaListenPort=10912\nnamesrvAddr=" + ns +
                          "\nstorePathRootDir=" + w.dir() + "/store/" + group(g) + "-" + std::to_string(id) +
                          "\nbrokerPermission=6\nregisterNameServerPeriod=10000\n");
            (void)w.start_from(w.home("4.8.0"), "mqbroker", {"-c", conf}, w.dir(), group(g) + "-" + std::to_string(id));
        }
    }
    if (!w.wait_registered(ns, groups * (slaves ? 2 : 1), 180s)) {
        r.error = "cluster did not register";
        return r;
    }
    rmqup::net::RemotingClient client;
    for (int g = 0; g < groups; ++g) {
        rmqup::rmq::TopicConfig t;
        t.topic_name = "BenchTopic";
        t.read_queue_nums = t.write_queue_nums = 4;
        t.perm = 6;
        (void)client.call(w.ip(10 + g) + ":10911", rmqup::rmq::requests::update_and_create_topic(t));
    }
    auto lo = rmqup::proc::logged_to({RMQUP_SIM_BIN, "load", "-n", ns, "--topic", "BenchTopic", "--rate", "200",
                                      "--duration", "3600s", "--route-refresh-ms", "1000", "--heartbeat-ms", "1000",
                                      "--drain-ms", "15000", "--json"},
                                     w.dir() + "/load.log");
    lo.out = rmqup::proc::Redirect::truncate(w.dir() + "/load.json");
    auto load = rmqup::proc::Child::spawn(lo);
    if (!load.ok()) {
        r.error = "load generator did not start";
        return r;
    }
    std::this_thread::sleep_for(3s);
    const std::string inv = w.dir() + "/inventory.yaml";
    if (w.run("discover", {"discover", "-n", ns, "--transport", "local", "--to", "4.9.7", "-o", inv + ".found"}, 600s) != 0) {
        r.error = "discover failed: " + w.err("discover");
        return r;
    }
    const std::string found = ReleaseWorkdir::read_file(inv + ".found");
    std::ostringstream policy;
    policy << "\npolicy:\n  parallel: " << parallel << "\n  onFailure: rollback\n  killPolicy: kill-after-term\n"
           << "  drain: {minWait: 3s, quietPeriod: 1s, pollInterval: 500ms, tpsThreshold: 1000000, timeout: 60s, "
              "allowShortDrainForTests: true}\n"
           << "  timeouts: {stop: 60s, start: 120s, registration: 120s, verify: 60s}\n";
    ReleaseWorkdir::write_file(inv, found.substr(0, found.find("\npolicy:")) + policy.str());
    if (w.run("plan", {"plan", "-i", inv, "--no-host-checks", "-o", w.dir() + "/plan.json"}, 600s) != 0) {
        r.error = "plan failed: " + w.out("plan") + w.err("plan");
        return r;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = w.run("apply", {"apply", "--plan", w.dir() + "/plan.json", "--yes", "--journal", w.dir() + "/j"}, 7200s);
    r.apply_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    load->signal(SIGTERM);
    (void)load->wait_for(90s);
    const std::string text = ReleaseWorkdir::read_file(w.dir() + "/load.json");
    auto j = nlohmann::json::parse(text.substr(text.rfind("\n{") == std::string::npos ? 0 : text.rfind("\n{") + 1),
                                   nullptr, false);
    if (!j.is_discarded()) {
        r.acked = j.value("acked", 0LL);
        r.lost = j.value("lost", -1LL);
        r.failed = j.value("failed", -1LL);
    }
    r.ok = rc == 0;
    if (!r.ok) r.error = "apply exited " + std::to_string(rc);
    if (!r.ok || std::getenv("RMQUP_BENCH_KEEP") != nullptr) w.keep();  // journal and logs for inspection
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int groups = 20;
    int parallel = 5;
    bool slaves = true;
    int positional = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--masters-only") == 0) slaves = false;
        else if (positional++ == 0) groups = std::atoi(argv[i]);
        else parallel = std::atoi(argv[i]);
    }
    std::cout << "groups=" << groups << " parallel=" << parallel << (slaves ? " (master + slave)" : " (masters only)")
              << "\n";
    RunResult runs[2];
    const int ps[2] = {1, parallel};
    for (int k = 0; k < 2; ++k) {
        runs[k] = roll(groups, ps[k], slaves);
        std::cout << "parallel " << ps[k] << ": apply " << runs[k].apply_s << " s, acked " << runs[k].acked << ", lost "
                  << runs[k].lost << ", failed sends " << runs[k].failed
                  << (runs[k].ok ? "" : " — " + runs[k].error) << std::endl;
    }
    const double ratio = runs[0].apply_s > 0 ? runs[1].apply_s / runs[0].apply_s : 1;
    const bool met = runs[0].ok && runs[1].ok && ratio <= 1.0 / 3 && runs[0].lost == 0 && runs[1].lost == 0 &&
                     runs[0].failed == 0 && runs[1].failed == 0;
    std::printf("ratio %.2f (target <= 0.33): %s\n", ratio, met ? "met" : "NOT met");
    return met ? 0 : 1;
}
