// Planning at scale: 1,000 brokers (500 groups of master + slave, 250 hosts) and 50,000 topics,
// each on 2-4 groups (5% on one group only), 2,000 consumer groups. An in-memory AdminApi (the
// tests' FakeAdmin) answers discovery, so the figure is the planner's own cost: inventory parsing,
// reconciliation, per-master topic configs, checks, ordering, affected topics, rendering, hashing.
// Usage: bench_plan_bench [brokers_groups=500] [topics=50000]
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

using namespace rmqup;
using namespace rmqup::bench;

namespace {

std::string ip(int host) { return "127.0." + std::to_string(1 + host / 250) + "." + std::to_string(1 + host % 250); }

// Every consumer group is caught up on every broker (the lag check reads them all).
rmq::ConsumeStats caught_up() {
    rmq::ConsumeStats s;
    rmq::OffsetWrapper w;
    w.broker_offset = 10;
    w.consumer_offset = 10;
    s.offset_table.push_back({rmq::MessageQueue{"t", "b", 0}, w});
    return s;
}

// The inventory text of a cluster of `groups` master/slave groups on groups/2 hosts (parsing is part
// of what an operator waits for), and the same cluster in admin: `topics` topics on 1-4 groups each,
// consumer groups with retry topics, 10% of the groups already at the target version.
std::string build_cluster(int groups, int topics, int consumer_groups, test::FakeAdmin& admin) {
    const int hosts = groups / 2 > 0 ? groups / 2 : 1;
    std::string yaml = "cluster: BigCluster\ncurrentVersion: 4.8.0\ntargetVersion: 4.9.7\n"
                       "defaults: {currentHome: /opt/rocketmq-4.8.0, targetHome: /opt/rocketmq-4.9.7}\nhosts:\n";
    for (int h = 0; h < hosts; ++h) yaml += "  - {name: h" + std::to_string(h) + ", address: " + ip(h) + "}\n";
    yaml += "nameServers:\n";
    for (int n = 0; n < 3; ++n) yaml += "  - {address: '" + ip(n) + ":9876', host: h" + std::to_string(n) + "}\n";
    yaml += "brokerGroups:\n";
    admin.any_group_stats = caught_up();
    std::vector<std::string> master_of(groups);
    for (int g = 0; g < groups; ++g) {
        const std::string name = "broker-" + std::to_string(g);
        const int mh = g % hosts, sh = (g + 1) % hosts;
        const std::string maddr = ip(mh) + ":" + std::to_string(10911 + 10 * (g / hosts) * 2);
        const std::string saddr = ip(sh) + ":" + std::to_string(10921 + 10 * (g / hosts) * 2);
        yaml += "  - brokerName: " + name + "\n    members:\n";
        yaml += "      - {brokerId: 0, role: ASYNC_MASTER, address: '" + maddr + "', host: h" + std::to_string(mh) +
                ", config: /conf/" + name + ".properties, storePathRootDir: /store/" + name + "}\n";
        yaml += "      - {brokerId: 1, role: SLAVE, address: '" + saddr + "', host: h" + std::to_string(sh) +
                ", config: /conf/" + name + "-s.properties, storePathRootDir: /store/" + name + "-s}\n";
        // A half-done roll: 10% already there.
        add_group(admin, "BigCluster", name, maddr, saddr, g < groups / 10 ? "V4_9_7" : "V4_8_0");
        master_of[g] = maddr;
    }
    // Topic placement: topic t on 2-4 consecutive groups; every 20th topic on one group only.
    auto table_of = [&admin](const std::string& addr) -> rmq::TopicConfigTable& { return admin.find(addr)->topics; };
    for (int t = 0; t < topics; ++t) {
        const int spread = t % 20 == 0 ? 1 : 2 + t % 3;
        rmq::TopicConfig tc;
        tc.topic_name = "topic-" + std::to_string(t);
        tc.read_queue_nums = tc.write_queue_nums = 8;
        tc.order = t % 500 == 0;
        for (int k = 0; k < spread; ++k) table_of(master_of[(t * 7 + k) % groups]).topic_config_table[tc.topic_name] = tc;
    }
    for (int c = 0; c < consumer_groups; ++c) {
        rmq::TopicConfig tc;
        tc.topic_name = "%RETRY%group-" + std::to_string(c);
        tc.read_queue_nums = tc.write_queue_nums = 1;
        table_of(master_of[c % groups]).topic_config_table[tc.topic_name] = tc;
    }

    return yaml;
}

}  // namespace

int main(int argc, char** argv) {
    const int groups = argc > 1 ? std::atoi(argv[1]) : 500;
    const int topics = argc > 2 ? std::atoi(argv[2]) : 50000;
    const int consumer_groups = 2000;
    test::FakeAdmin admin;
    const std::string yaml = build_cluster(groups, topics, consumer_groups, admin);

    const double cpu0 = cpu_now_ms();
    auto t0 = std::chrono::steady_clock::now();
    auto inv = parse_inventory(yaml, "bench.yaml");
    if (!inv) {
        std::fprintf(stderr, "%s\n", inv.error().message.c_str());
        return 1;
    }
    const double parse_ms = ms_since(t0);

    auto t1 = std::chrono::steady_clock::now();
    PlanRequest req;
    req.created_at = "2026-01-01T00:00:00Z";
    auto plan = make_plan(*inv, &admin, req);
    if (!plan) {
        std::fprintf(stderr, "%s\n", plan.error().describe().c_str());
        return 1;
    }
    const double plan_ms = ms_since(t1);

    auto t2 = std::chrono::steady_clock::now();
    const std::string text = render_plan(*plan, PlanFormat::text);
    const std::string json = plan_to_json(*plan);
    const double render_ms = ms_since(t2);

    const double total_ms = ms_since(t0);
    const double planning_cpu_ms = cpu_now_ms() - cpu0;
    // CPU time of the whole process since start, fake cluster construction included: on a shared
    // machine it is the figure that does not depend on other processes' load.
    const double cpu_ms = cpu_now_ms();
    const double rss_mb = peak_rss_mb();
    std::size_t affected = 0;
    for (const auto& n : plan->nodes) affected += n.topics_losing_writable.size();
    std::printf("brokers %d, topics %d, consumer groups %d, nodes %zu, batches %zu, findings %zu, affected topic entries %zu\n",
                groups * 2, topics, consumer_groups, plan->nodes.size(), plan->batches.size(), plan->findings.size(), affected);
    std::printf("parse inventory %.1f ms, make_plan %.1f ms, render text+json %.1f ms (%zu + %zu bytes), total %.1f ms\n",
                parse_ms, plan_ms, render_ms, text.size(), json.size(), total_ms);
    std::printf("CPU time: planning (parse + make_plan + render) %.1f ms; whole process %.1f ms\n", planning_cpu_ms, cpu_ms);
    std::printf("peak RSS %.1f MB (includes the fake cluster's own data)\n", rss_mb);
    const bool ok = (total_ms < 1000.0 || planning_cpu_ms < 1000.0) && rss_mb < 200.0;
    std::printf("%s (limits: planning < 1000 ms wall, or < 1000 ms CPU on a loaded machine; RSS < 200 MB)\n",
                ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
