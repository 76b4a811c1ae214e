// Topic-aware waves at scale (issue #13): 1,000 broker groups (master + slave, 2,000 brokers; host k
// runs group k's master and group k-1's slave) and 50,000 topics, each on 2-4 groups (5% on one
// group only), planned with parallel 20 and maxPerHost 1. Two figures:
//   - plan_waves alone (the pure packer and its proofs, from a prepared WaveInput);
//   - the whole make_plan with discovery answered by an in-memory AdminApi (the tests' FakeAdmin):
//     inventory parsing, reconciliation, per-master topic configs, checks, waves, affected topics,
//     plus rendering.
// Usage: bench_plan_waves_bench [groups=1000] [topics=50000] [parallel=20]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/plan/plan_io.hpp"
#include "rmqup/plan/planner.hpp"
#include "rmqup/plan/render.hpp"
#include "rmqup/plan/waves.hpp"

using namespace rmqup;
using namespace rmqup::bench;

namespace {

std::string ip(int host) { return "127." + std::to_string(1 + host / 250 / 250) + "." + std::to_string(1 + host / 250 % 250) + "." + std::to_string(1 + host % 250); }

// Groups holding topic t: 2-4 spread-out groups; every 20th topic on one group only.
std::vector<std::uint32_t> groups_of_topic(int t, int groups) {
    const int spread = t % 20 == 0 ? 1 : 2 + t % 3;
    std::vector<std::uint32_t> out;
    for (int k = 0; k < spread; ++k) out.push_back(static_cast<std::uint32_t>((t * 7 + k * 13) % groups));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// The packer alone, from a WaveInput built here; returns its wall time.
double bench_packer(int groups, int topics, const Policy& policy, Waves& out) {
    WaveInput in;
    for (int n = 0; n < 3; ++n) in.nameservers.push_back({"ns:" + ip(n) + ":9876", "h" + std::to_string(n), 0, false});
    for (int g = 0; g < groups; ++g) {
        const std::string name = "broker-" + std::to_string(g);
        in.groups.push_back({name, {{"broker:" + name + ":1", "h" + std::to_string((g + 1) % groups), 1, false},
                                    {"broker:" + name + ":0", "h" + std::to_string(g), 0, false}}});
    }
    for (int t = 0; t < topics; ++t) in.topics.push_back({"topic-" + std::to_string(t), groups_of_topic(t, groups)});
    in.routes = TopicRoutes::live;
    auto t0 = std::chrono::steady_clock::now();
    out = plan_waves(in, policy);
    return ms_since(t0);
}

std::string inventory_yaml(int groups, int parallel, test::FakeAdmin& admin) {
    std::string yaml = "cluster: BigCluster\ncurrentVersion: 4.8.0\ntargetVersion: 4.9.7\n"
                       "defaults: {currentHome: /opt/rocketmq-4.8.0, targetHome: /opt/rocketmq-4.9.7}\nhosts:\n";
    for (int h = 0; h < groups; ++h) yaml += "  - {name: h" + std::to_string(h) + ", address: " + ip(h) + "}\n";
    yaml += "nameServers:\n";
    for (int n = 0; n < 3; ++n) yaml += "  - {address: '" + ip(n) + ":9876', host: h" + std::to_string(n) + "}\n";
    yaml += "brokerGroups:\n";
    for (int g = 0; g < groups; ++g) {
        const std::string name = "broker-" + std::to_string(g);
        const int sh = (g + 1) % groups;
        const std::string maddr = ip(g) + ":10911", saddr = ip(sh) + ":10921";
        yaml += "  - brokerName: " + name + "\n    members:\n";
        yaml += "      - {brokerId: 0, role: ASYNC_MASTER, address: '" + maddr + "', host: h" + std::to_string(g) +
                ", config: /conf/" + name + ".properties, storePathRootDir: /store/" + name + "}\n";
        yaml += "      - {brokerId: 1, role: SLAVE, address: '" + saddr + "', host: h" + std::to_string(sh) +
                ", config: /conf/" + name + "-s.properties, storePathRootDir: /store/" + name + "-s}\n";
        add_group(admin, "BigCluster", name, maddr, saddr);
    }
    yaml += "policy: {parallel: " + std::to_string(parallel) + ", maxPerHost: 1}\n";
    return yaml;
}

void add_topics(test::FakeAdmin& admin, int groups, int topics) {
    std::vector<rmq::TopicConfigTable*> table_of(groups);
    for (int g = 0; g < groups; ++g) table_of[g] = &admin.find(ip(g) + ":10911")->topics;
    for (int t = 0; t < topics; ++t) {
        rmq::TopicConfig tc;
        tc.topic_name = "topic-" + std::to_string(t);
        tc.read_queue_nums = tc.write_queue_nums = 8;
        for (auto g : groups_of_topic(t, groups)) table_of[g]->topic_config_table[tc.topic_name] = tc;
    }
}

void print_waves(const char* what, const Waves& w) {
    std::size_t most = 0, masters_waves = 0;
    for (const auto& wave : w.waves) most = std::max(most, wave.size());
    for (const auto& p : w.proofs) masters_waves += p.rfind("every topic", 0) == 0 ? 1 : 0;
    std::printf("%s: %zu waves (%zu of masters), at most %zu nodes in one wave\n", what, w.waves.size(), masters_waves, most);
}

}  // namespace

int main(int argc, char** argv) {
    const int groups = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int topics = argc > 2 ? std::atoi(argv[2]) : 50000;
    const int parallel = argc > 3 ? std::atoi(argv[3]) : 20;
    Policy policy;
    policy.parallel = parallel;

    Waves packed;
    const double pack_ms = bench_packer(groups, topics, policy, packed);
    print_waves("plan_waves", packed);
    std::printf("plan_waves alone: %.1f ms; a proof: %s\n", pack_ms, packed.proofs.size() > 4 ? packed.proofs[4].c_str() : "-");

    test::FakeAdmin admin;
    const std::string yaml = inventory_yaml(groups, parallel, admin);
    add_topics(admin, groups, topics);

    const double cpu0 = cpu_now_ms();
    auto t0 = std::chrono::steady_clock::now();
    auto inv = parse_inventory(yaml, "bench.yaml");
    if (!inv) {
        std::fprintf(stderr, "%s\n", inv.error().message.c_str());
        return 1;
    }
    const double parse_ms = ms_since(t0);
    const double cpu1 = cpu_now_ms();
    auto t1 = std::chrono::steady_clock::now();
    PlanRequest req;
    req.created_at = "2026-01-01T00:00:00Z";
    auto plan = make_plan(*inv, &admin, req);
    if (!plan) {
        std::fprintf(stderr, "%s\n", plan.error().describe().c_str());
        return 1;
    }
    const double plan_ms = ms_since(t1);
    const double plan_cpu_ms = cpu_now_ms() - cpu1;
    auto t2 = std::chrono::steady_clock::now();
    const std::string text = render_plan(*plan, PlanFormat::text);
    const std::string json = plan_to_json(*plan);
    const double render_ms = ms_since(t2);
    const double cpu_ms = cpu_now_ms() - cpu0;
    Waves planned{{}, plan->batches, plan->batch_proofs, 0};
    print_waves("make_plan", planned);
    std::printf("brokers %d, topics %d, parallel %d: parse inventory %.1f ms, make_plan %.1f ms (CPU %.1f ms), "
                "render text+json %.1f ms (%zu + %zu bytes); CPU of the three %.1f ms\n",
                groups * 2, topics, parallel, parse_ms, plan_ms, plan_cpu_ms, render_ms, text.size(), json.size(), cpu_ms);
    const double rss = peak_rss_mb();
    std::printf("peak RSS %.1f MB (the whole process, the fake cluster's own data included)\n", rss);
    const bool ok = pack_ms < 1000.0 && rss < 300.0;
    std::printf("%s (issue #13 limits: waves and their proofs < 1000 ms, RSS < 300 MB; make_plan as a whole %s 1000 ms CPU)\n",
                ok ? "PASS" : "FAIL", plan_cpu_ms < 1000.0 ? "also under" : "over");
    return ok ? 0 : 1;
}
