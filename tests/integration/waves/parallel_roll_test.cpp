// Issue 13 end to end on real processes: ten broker groups (masters; slaves are covered by the engine's
// unit tests and the rehearsal, and would double the processes on a 2-core machine) of 4.8.0 from
// release-shaped homes under live traffic; `discover` writes the inventory, `plan` proves parallel
// waves from the live routes, `apply` rolls the groups five at a time, stops at an approval gate
// (exit 4) and `resume --approve` finishes: every broker at 4.9.7 and writable, nothing lost, no send
// failed. Local transport, 127.0.x.y only.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "release_cluster.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/requests.hpp"

using namespace std::chrono_literals;
using rmqup::test::ReleaseWorkdir;

namespace {

constexpr int k_groups = 10;
constexpr int k_ns_last = 50;  // 127.0.x.50; masters .10-.19

std::string group(int g) { return "broker-" + std::string(1, static_cast<char>('a' + g)); }

class ParallelRoll : public ::testing::Test {
protected:
    ParallelRoll() : w("rmqup-waves", 130, {"4.8.0", "4.9.7"}) {}
    void TearDown() override {
        if (m_load.pid() > 0) m_load.kill_group();
        if (HasFailure()) w.keep();
    }

    std::string ns() const { return w.ip(k_ns_last) + ":9876"; }

    std::string broker_config(int g, int id) const {
        const std::string path = w.dir() + "/conf/" + group(g) + "-" + std::to_string(id) + ".properties";
        ReleaseWorkdir::write_file(
            path, "brokerClusterName=DefaultCluster\nbrokerName=" + group(g) + "\nbrokerId=" + std::to_string(id) +
                      "\nbrokerRole=" + (id == 0 ? "ASYNC_MASTER" : "SLAVE") + "\nbrokerIP1=" +
                      w.ip((id == 0 ? 10 : 30) + g) + "\nlistenPort=10911\nhaListenPort=10912\nnamesrvAddr=" + ns() +
                      "\nstorePathRootDir=" + w.dir() + "/store/" + group(g) + "-" + std::to_string(id) +
                      "\nbrokerPermission=6\nautoCreateTopicEnable=true\nregisterNameServerPeriod=10000\n");
        return path;
    }

    void start_cluster() {
        ReleaseWorkdir::write_file(w.dir() + "/etc/namesrv.properties",
                                   "listenPort=9876\nrmqsimListenAddress=" + w.ip(k_ns_last) + "\n");
        ASSERT_TRUE(w.start_from(w.home("4.8.0"), "mqnamesrv", {"-c", w.dir() + "/etc/namesrv.properties"}, w.dir(), "ns")
                        .ok());
        for (int g = 0; g < k_groups; ++g)
            ASSERT_TRUE(w.start_from(w.home("4.8.0"), "mqbroker", {"-c", broker_config(g, 0)}, w.dir(), group(g) + "-0")
                            .ok());
        ASSERT_TRUE(w.wait_registered(ns(), k_groups, 60s)) << w.out("cluster");
    }

    // WaveTopic on every master (the traffic); TightTopic on broker-a and broker-b only: the planner
    // must never restart both in one wave.
    void create_topics() {
        rmqup::net::RemotingClient client;
        for (int g = 0; g < k_groups; ++g) {
            for (const char* topic : {"WaveTopic", "TightTopic"}) {
                if (std::string(topic) == "TightTopic" && g > 1) continue;
                rmqup::rmq::TopicConfig t;
                t.topic_name = topic;
                t.read_queue_nums = 4;
                t.write_queue_nums = 4;
                t.perm = 6;
                auto r = client.call(w.ip(10 + g) + ":10911", rmqup::rmq::requests::update_and_create_topic(t));
                ASSERT_TRUE(r.ok()) << r.error().describe();
                ASSERT_EQ(r->code, 0) << topic << " on " << group(g);
            }
        }
    }

    void start_load() {
        auto o = rmqup::proc::logged_to({RMQUP_SIM_BIN, "load", "-n", ns(), "--topic", "WaveTopic", "--rate", "200",
                                         "--duration", "600s", "--route-refresh-ms", "1000", "--heartbeat-ms", "1000",
                                         "--drain-ms", "10000", "--json"},
                                        w.dir() + "/load.log");
        o.out = rmqup::proc::Redirect::truncate(w.dir() + "/load.json");
        auto child = rmqup::proc::Child::spawn(o);
        ASSERT_TRUE(child.ok());
        m_load = std::move(child).value();
    }

    // The discovered inventory with the roll's policy: five groups per wave, fast drains (the
    // traffic refreshes its routes every second), a gate after the first wave of masters.
    std::string with_policy(const std::string& discovered, int gate_wave) {
        std::string text = discovered.substr(0, discovered.find("\npolicy:"));
        std::ostringstream p;
        p << "\npolicy:\n  parallel: 5\n  onFailure: rollback\n  killPolicy: kill-after-term\n";
        if (gate_wave > 0) p << "  pauseAfter: [" << gate_wave << "]\n";
        // the 10 s TPS window outlasts a 3 s drain: the quiet period (no put for 1 s) is the proof here
        p << "  drain: {minWait: 3s, quietPeriod: 1s, pollInterval: 500ms, tpsThreshold: 1000000, timeout: 60s, "
             "allowShortDrainForTests: true}\n"
          << "  timeouts: {stop: 30s, start: 60s, registration: 60s, verify: 30s}\n";
        return text + p.str();
    }

    ReleaseWorkdir w;
    rmqup::proc::Child m_load;
};

// Waves of the plan file: node ids per wave.
std::vector<std::vector<std::string>> waves_of(const nlohmann::json& plan) {
    std::vector<std::vector<std::string>> out;
    for (const auto& b : plan.value("batches", nlohmann::json::array())) out.push_back(b.get<std::vector<std::string>>());
    return out;
}

int masters_in(const std::vector<std::string>& wave) {
    int n = 0;
    for (const auto& id : wave) n += id.size() > 2 && id.compare(id.size() - 2, 2, ":0") == 0 ? 1 : 0;
    return n;
}

TEST_F(ParallelRoll, TenGroupsDiscoveredPlannedAndRolledFiveAtATimeUnderLoadWithAnApprovalGate) {
    ASSERT_TRUE(w.status().ok()) << w.status().error().describe();
    start_cluster();
    create_topics();
    start_load();
    std::this_thread::sleep_for(3s);  // traffic flows before the first change
    const auto since = [t = std::chrono::steady_clock::now()] {
        return std::to_string(
                   std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t).count()) +
               " s";
    };

    // discover -> the inventory; a first plan tells the wave numbers, the second carries the gate
    const std::string discovered = w.dir() + "/discovered.yaml";
    ASSERT_EQ(w.run("discover", {"discover", "-n", ns(), "--transport", "local", "--to", "4.9.7", "-o", discovered},
                    90s),
              0)
        << w.err("discover");
    std::cerr << "discover done after " << since() << "\n";
    const std::string inv = w.dir() + "/inventory.yaml";
    ReleaseWorkdir::write_file(inv, with_policy(ReleaseWorkdir::read_file(discovered), 0));
    // (the host checks identify 20 processes one by one on this one machine: apply does that anyway)
    ASSERT_EQ(w.run("plan0", {"plan", "-i", inv, "--no-host-checks", "-o", w.dir() + "/plan0.json"}, 90s), 0)
        << w.out("plan0") << w.err("plan0");
    auto waves = waves_of(nlohmann::json::parse(ReleaseWorkdir::read_file(w.dir() + "/plan0.json")));
    int first_master_wave = 0;
    for (std::size_t i = 0; i < waves.size() && first_master_wave == 0; ++i)
        if (masters_in(waves[i]) > 0) first_master_wave = static_cast<int>(i) + 1;
    ASSERT_GT(first_master_wave, 0);

    ReleaseWorkdir::write_file(inv, with_policy(ReleaseWorkdir::read_file(discovered), first_master_wave));
    const std::string plan = w.dir() + "/plan.json";
    ASSERT_EQ(w.run("plan", {"plan", "-i", inv, "--no-host-checks", "-o", plan}, 90s), 0)
        << w.out("plan") << w.err("plan");
    // the plan proves every wave: up to five masters restart together, never broker-a with broker-b
    waves = waves_of(nlohmann::json::parse(ReleaseWorkdir::read_file(plan)));
    int widest = 0;
    for (const auto& wave : waves) {
        widest = std::max(widest, masters_in(wave));
        std::set<std::string> ids(wave.begin(), wave.end());
        EXPECT_FALSE(ids.count("broker:broker-a:0") && ids.count("broker:broker-b:0")) << "TightTopic lost every group";
    }
    EXPECT_EQ(widest, 5);
    EXPECT_NE(w.out("plan").find("TightTopic"), std::string::npos) << w.out("plan");

    std::cerr << "plans done after " << since() << "\n";
    // apply stops at the gate after the first wave of masters: exit 4, no master read-only
    const auto t0 = std::chrono::steady_clock::now();
    const std::string journal = w.dir() + "/journal";
    ASSERT_EQ(w.run("apply", {"apply", "--plan", plan, "--yes", "--journal", journal}, 150s), 4) << w.err("apply");
    auto at_gate = w.cluster_view(ns());
    int upgraded = 0;
    for (const auto& b : at_gate.value("brokers", nlohmann::json::array())) {
        if (b.value("brokerId", -1) == 0) {
            EXPECT_EQ(b.value("permission", 0), 6) << b.dump();
            upgraded += b.value("version", "") == "V4_9_7" ? 1 : 0;
        }
    }
    EXPECT_EQ(upgraded, masters_in(waves[static_cast<std::size_t>(first_master_wave - 1)]));

    // resume --approve finishes the roll
    ASSERT_EQ(w.run("resume", {"resume", "--approve", "--journal", journal}, 120s), 0) << w.err("resume");
    const auto roll_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "apply + resume took " << roll_s << " s for " << k_groups + 1 << " nodes\n";
    auto view = w.cluster_view(ns());
    int at_target = 0;
    for (const auto& b : view.value("brokers", nlohmann::json::array())) {
        at_target += b.value("version", "") == "V4_9_7" ? 1 : 0;
        if (b.value("brokerId", -1) == 0) {
            EXPECT_EQ(b.value("permission", 0), 6) << b.dump();
        }
    }
    EXPECT_EQ(at_target, k_groups) << view.dump(2);
    // masters of one wave drained at the same time (the journal's drain phases overlap)
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> drain;  // node -> [entered drain, left it]
    std::istringstream lines(ReleaseWorkdir::read_file(journal + "/journal.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        auto r = nlohmann::json::parse(line, nullptr, false);
        if (r.is_discarded() || r.value("kind", "") != "phase") continue;
        const std::string node = r.value("node", "");
        if (r.value("phase", "") == "drain") drain[node].first = r.value("ts", std::int64_t{0});
        if (r.value("from", "") == "drain") drain[node].second = r.value("ts", std::int64_t{0});
    }
    int overlapping = 0;
    for (const auto& [a, sa] : drain)
        for (const auto& [b, sb] : drain)
            overlapping += a < b && sa.first < sb.second && sb.first < sa.second ? 1 : 0;
    EXPECT_GE(overlapping, 4) << "no two masters drained at once";

    // the traffic: stopped now, it drains; nothing lost, no send failed
    m_load.signal(SIGTERM);
    auto rc = m_load.wait_for(60s);
    ASSERT_TRUE(rc.ok());
    const std::string load = ReleaseWorkdir::read_file(w.dir() + "/load.json");
    auto j = nlohmann::json::parse(load.substr(load.rfind("\n{") == std::string::npos ? 0 : load.rfind("\n{") + 1),
                                   nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << load;
    EXPECT_GT(j.value("acked", 0), 1000);
    EXPECT_EQ(j.value("lost", -1), 0) << load;
    EXPECT_EQ(j.value("failed", -1), 0) << load;
}

}  // namespace
