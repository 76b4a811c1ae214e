// `cluster`, `broker perm`, `route` and `broker status` as rmq-upgrade processes against a rmq-sim
// NameServer and broker of every version the tool meets (3.2.6, 4.1.0, 4.6.0, 4.8.0, 4.9.7, 5.3.3).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../sim/sim_process.hpp"
#include "run_capture.hpp"

using namespace std::chrono_literals;
using namespace rmqsim::test;

namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;
};

CliRun run_cli(const std::string& args) {
    CliRun r;
    auto run = rmqup::test::run_shell(std::string(RMQUP_CLI_BIN) + " " + args, std::chrono::seconds(60),
                                      rmqup::test::Stderr::merged);
    r.out = std::move(run.out);
    r.exit_code = run.exit_code;
    return r;
}

nlohmann::json parse_json(const std::string& text) {
    // stderr is merged: the JSON object starts at the first '{'.
    auto pos = text.find('{');
    auto j = nlohmann::json::parse(pos == std::string::npos ? std::string() : text.substr(pos), nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

struct VersionCase {
    const char* version;
    const char* desc;  // brokerVersionDesc the real release reports
    int read_only_perm;  // perm of the broker's own topic (registered 7) once read-only
};

class CliVersions : public ::testing::TestWithParam<VersionCase> {
protected:
    void SetUp() override {
        const auto& c = GetParam();
        m_dir = temp_dir(std::string("cliv-") + c.version);
        std::set<std::uint16_t> ports;
        while (ports.size() < 2)
            ports.insert(free_port(m_ip));
        m_ns = m_ip + ":" + std::to_string(*ports.begin());
        m_broker = m_ip + ":" + std::to_string(*ports.rbegin());
        m_procs.push_back(std::make_unique<SimProcess>(
            std::vector<std::string>{"namesrv", "--listen", m_ns, "--version", c.version}, (m_dir / "ns.log").string()));
        ASSERT_TRUE(eventually(5s, [&] { return run_cli("route TBW102 -n " + m_ns).exit_code == 1; }));
        auto conf = m_dir / "broker.properties";
        write_text(conf, "brokerClusterName=VerCluster\nbrokerName=" + m_name +
                             "\nbrokerId=0\nbrokerRole=ASYNC_MASTER\nbrokerIP1=" + m_ip + "\nlistenPort=" +
                             m_broker.substr(m_broker.rfind(':') + 1) + "\nnamesrvAddr=" + m_ns +
                             "\nstorePathRootDir=" + (m_dir / "store").string() + "\n");
        m_procs.push_back(std::make_unique<SimProcess>(
            std::vector<std::string>{"broker", "-c", conf.string(), "--version", c.version, "--register-interval-ms", "1000"},
            (m_dir / "broker.log").string()));
    }
    void TearDown() override {
        m_procs.clear();
        if (HasFailure())
            std::cerr << "kept " << m_dir << " (simulator logs) for inspection\n";
        else
            std::filesystem::remove_all(m_dir);
    }
    int own_perm() {
        auto r = run_cli("route " + m_name + " -n " + m_ns + " --json");
        for (const auto& q : parse_json(r.out).value("queueDatas", nlohmann::json::array()))
            if (q.value("brokerName", "") == m_name)
                return q.value("perm", -1);
        return -1;
    }

    std::string m_ip = "127.0.0.85";
    std::string m_name = "broker-v";
    std::filesystem::path m_dir;
    std::string m_ns, m_broker;
    std::vector<std::unique_ptr<SimProcess>> m_procs;
};

}  // namespace

TEST_P(CliVersions, ClusterRouteStatusAndPermWork) {
    const auto& c = GetParam();
    // Given the broker registered (its own topic, perm 7)
    ASSERT_TRUE(eventually(15s, [&] { return own_perm() == 7; }));

    // cluster: the CLUSTER column (3.x: from clusterAddrTable), the version the release reports, RW
    nlohmann::json view;
    ASSERT_TRUE(eventually(10s, [&] {
        view = parse_json(run_cli("cluster -n " + m_ns + " --json").out);
        auto brokers = view.value("brokers", nlohmann::json::array());
        return brokers.size() == 1 && brokers[0].value("state", "") == "ok";
    })) << view.dump(2);
    const auto& b = view["brokers"][0];
    EXPECT_EQ(b.value("cluster", ""), "VerCluster") << b.dump();
    EXPECT_EQ(b.value("brokerName", ""), m_name);
    EXPECT_EQ(b.value("version", ""), c.desc);
    EXPECT_EQ(b.value("permission", -1), 6);
    EXPECT_EQ(b.value("addr", ""), m_broker);

    // broker status: every runtime key, with the release's own version desc
    auto status = run_cli("broker status --broker " + m_broker + " --json");
    ASSERT_EQ(status.exit_code, 0) << status.out;
    EXPECT_EQ(parse_json(status.out).value("brokerVersionDesc", ""), c.desc);

    // route of TBW102 (fastjson or standard, topicSynFlag or topicSysFlag)
    auto route = run_cli("route TBW102 -n " + m_ns + " --json");
    ASSERT_EQ(route.exit_code, 0) << route.out;
    EXPECT_FALSE(parse_json(route.out).value("queueDatas", nlohmann::json::array()).empty());

    // broker perm 4: read-only on the routes, the way this release honours it
    auto ro = run_cli("broker perm --broker " + m_broker + " 4 -n " + m_ns);
    EXPECT_EQ(ro.exit_code, 0) << ro.out;
    EXPECT_EQ(own_perm(), c.read_only_perm) << ro.out;
    if (std::string(c.version).rfind("3.", 0) == 0)
        return;  // 3.x: write comes back with the restart onto the new release
    auto rw = run_cli("broker perm --broker " + m_broker + " 6 -n " + m_ns);
    EXPECT_EQ(rw.exit_code, 0) << rw.out;
    EXPECT_EQ(own_perm(), 7) << rw.out;
}

INSTANTIATE_TEST_SUITE_P(EveryVersion, CliVersions,
                         ::testing::Values(VersionCase{"3.2.6", "V3_2_6", 5}, VersionCase{"4.1.0", "V4_1_0_SNAPSHOT", 4},
                                           VersionCase{"4.6.0", "V4_6_0", 4}, VersionCase{"4.8.0", "V4_8_0", 4},
                                           VersionCase{"4.9.7", "V4_9_7", 4}, VersionCase{"5.3.3", "V5_3_3", 4}),
                         [](const ::testing::TestParamInfo<VersionCase>& param_info) {
                             std::string n = std::string("v") + param_info.param.version;
                             for (auto& ch : n)
                                 if (ch == '.')
                                     ch = '_';
                             return n;
                         });
