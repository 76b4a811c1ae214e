// The operator's helpers (`cluster`, `broker perm`, `route`) as separate rmq-upgrade processes
// against real rmq-sim processes on loopback: what `mqadmin clusterList/updateBrokerConfig/
// topicRoute` show, and that a permission change really reaches every NameServer's routes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <memory>
#include <set>
#include <vector>
#include <cstdio>
#include <iostream>
#include <string>

#include "../sim/sim_process.hpp"
#include "run_capture.hpp"

using namespace std::chrono_literals;
using namespace rmqsim::test;

namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;
};

// Runs rmq-upgrade with args (bounded by coreutils timeout), capturing stdout.
CliRun run_cli(const std::string& args) {
    CliRun r;
    auto run = rmqup::test::run_shell(std::string(RMQUP_CLI_BIN) + " " + args, std::chrono::seconds(30));
    r.out = std::move(run.out);
    r.exit_code = run.exit_code;
    return r;
}

// True when something accepts TCP connections on "ip:port".
bool accepts(const std::string& addr) {
    const auto colon = addr.rfind(':');
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(addr.substr(colon + 1))));
    ::inet_pton(AF_INET, addr.substr(0, colon).c_str(), &a.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

nlohmann::json parse(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

// A broker registers the topic named after itself with perm 7 (RW + inherit), as real brokers do.
constexpr int k_own_topic_perm = 7;

class CliAgainstSim : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = temp_dir("cli");
        // Four distinct free ports chosen before anything starts: a port not bound yet would
        // otherwise be handed out twice.
        std::set<std::uint16_t> chosen;
        while (chosen.size() < 4) chosen.insert(free_port(m_ip));
        std::vector<std::uint16_t> ports(chosen.begin(), chosen.end());
        for (int i = 0; i < 2; ++i) {
            m_ns.push_back(m_ip + ":" + std::to_string(ports[static_cast<std::size_t>(i)]));
            m_procs.push_back(std::make_unique<SimProcess>(std::vector<std::string>{"namesrv", "--listen", m_ns.back()},
                                                           (m_dir / ("ns" + std::to_string(i) + ".log")).string()));
        }
        // Brokers register at start and then every period: start them once the NameServers listen.
        for (const auto& ns : m_ns) ASSERT_TRUE(eventually(5s, [&] { return accepts(ns); })) << ns;
        for (const char* name : {"broker-a", "broker-b"}) {
            const auto port = ports[2 + m_brokers.size()];
            m_brokers.push_back(m_ip + ":" + std::to_string(port));
            const auto conf = m_dir / (std::string(name) + ".properties");
            write_text(conf, "brokerClusterName=CliCluster\nbrokerName=" + std::string(name) +
                                 "\nbrokerId=0\nbrokerRole=ASYNC_MASTER\nbrokerIP1=" + m_ip + "\nlistenPort=" +
                                 std::to_string(port) + "\nnamesrvAddr=" + m_ns[0] + ";" + m_ns[1] +
                                 "\nstorePathRootDir=" + (m_dir / name).string() + "\n");
            m_procs.push_back(std::make_unique<SimProcess>(
                std::vector<std::string>{"broker", "-c", conf.string(), "--version", "4.9.7", "--register-interval-ms", "2000"},
                (m_dir / (std::string(name) + ".log")).string()));
        }
    }
    void TearDown() override {
        m_procs.clear();  // SIGKILL and reap every simulator process
        if (HasFailure()) std::cerr << "kept " << m_dir << " (simulator logs) for inspection\n";
        else std::filesystem::remove_all(m_dir);
    }
    std::string ns_list() const { return "'" + m_ns[0] + ";" + m_ns[1] + "'"; }

    // The perm of broker's queues for topic on one NameServer (-1 when absent).
    int route_perm(const std::string& ns, const std::string& topic, const std::string& broker) {
        auto r = run_cli("route " + topic + " -n " + ns + " --json");
        for (const auto& q : parse(r.out).value("queueDatas", nlohmann::json::array()))
            if (q.value("brokerName", "") == broker) return q.value("perm", -1);
        return -1;
    }

    // True once both brokers are registered, read-write, on both NameServers (bounded wait).
    bool wait_registered() {
        return eventually(15s, [&] {
            for (const auto& ns : m_ns)
                for (const char* b : {"broker-a", "broker-b"})
                    if (route_perm(ns, b, b) != k_own_topic_perm) return false;
            return true;
        });
    }

    std::string m_ip = "127.0.0.83";
    std::filesystem::path m_dir;
    std::vector<std::string> m_ns;
    std::vector<std::string> m_brokers;
    std::vector<std::unique_ptr<SimProcess>> m_procs;
};

}  // namespace

TEST_F(CliAgainstSim, ClusterShowsEveryBrokerWithVersionAndPermissionOnBothNameServers) {
    // Given two NameServers and two 4.9.7 brokers registered with both (and past their first second,
    // when real brokers still answer runtime info with SYSTEM_ERROR)
    ASSERT_TRUE(wait_registered());
    nlohmann::json view;
    ASSERT_TRUE(eventually(10s, [&] {
        auto r = run_cli("cluster -n " + ns_list() + " --json");
        view = parse(r.out);
        int ready = 0;
        for (const auto& b : view.value("brokers", nlohmann::json::array()))
            if (b.value("state", "") == "ok") ++ready;
        return r.exit_code == 0 && ready == 2;
    })) << view.dump(2);

    // Then each broker shows its version
    ASSERT_EQ(view.value("brokers", nlohmann::json::array()).size(), 2u) << view.dump(2);
    for (const auto& b : view["brokers"]) EXPECT_EQ(b.value("version", ""), "V4_9_7") << b.dump();

    // and cluster, name, id 0, its address and read-write permission
    std::set<std::string> addrs;
    for (const auto& b : view["brokers"]) {
        EXPECT_EQ(b.value("cluster", ""), "CliCluster");
        EXPECT_EQ(b.value("brokerId", -1), 0);
        EXPECT_EQ(b.value("permission", -1), 6);
        addrs.insert(b.value("addr", ""));
    }
    EXPECT_EQ(addrs, (std::set<std::string>{m_brokers[0], m_brokers[1]}));
    // and both NameServers answered with the same view
    ASSERT_EQ(view["nameservers"].size(), 2u);
    for (const auto& n : view["nameservers"]) EXPECT_TRUE(n.value("ok", false)) << n.dump();
    EXPECT_TRUE(view.value("disagreements", nlohmann::json::array()).empty()) << view.dump(2);
}

TEST_F(CliAgainstSim, BrokerPermReallyChangesTheRouteOnEveryNameServer) {
    // Given both brokers registered, read-write, on both NameServers
    ASSERT_TRUE(wait_registered());

    // When broker-a is made read-only
    auto ro = run_cli("broker perm --broker " + m_brokers[0] + " 4 -n " + ns_list());
    ASSERT_EQ(ro.exit_code, 0) << ro.out;

    // Then every NameServer's route shows broker-a without W, and broker-b untouched
    for (const auto& ns : m_ns) {
        // (4.x: a non-RW brokerPermission replaces every topic's perm in the registration)
        EXPECT_EQ(route_perm(ns, "broker-a", "broker-a"), 4) << ns;
        EXPECT_EQ(route_perm(ns, "broker-b", "broker-b"), k_own_topic_perm) << ns;
    }
    auto cluster = parse(run_cli("cluster -n " + ns_list() + " --json").out);
    for (const auto& b : cluster.value("brokers", nlohmann::json::array()))
        EXPECT_EQ(b.value("permission", -1), b.value("brokerName", "") == "broker-a" ? 4 : 6) << b.dump();

    // When it is made read-write again, the routes show each topic's own perm again
    auto rw = run_cli("broker perm --broker " + m_brokers[0] + " 6 -n " + ns_list());
    ASSERT_EQ(rw.exit_code, 0) << rw.out;
    for (const auto& ns : m_ns) EXPECT_EQ(route_perm(ns, "broker-a", "broker-a"), k_own_topic_perm) << ns;
}

TEST_F(CliAgainstSim, UnreachableAndBadInputExitCodes) {
    // A NameServer nobody listens on: exit 3 (unreachable)
    auto down = run_cli("cluster -n 127.0.0.83:1 --timeout-ms 500");
    EXPECT_EQ(down.exit_code, 3) << down.out;
    // A malformed address: exit 2 (invalid input), nothing contacted
    auto bad = run_cli("cluster -n 'not-an-address'");
    EXPECT_EQ(bad.exit_code, 2) << bad.out;
    // An unknown topic: the NameServer's refusal (code 17) is a failure, exit 1
    ASSERT_TRUE(wait_registered());
    auto missing = run_cli("route NoSuchTopic_xyz -n " + m_ns[0]);
    EXPECT_EQ(missing.exit_code, 1) << missing.out;
}
