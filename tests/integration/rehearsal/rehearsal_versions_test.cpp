// The version paths the operators named (issue 14), rehearsed end to end with fast timings, the
// local transport and the smallest cluster that still proves each path: 2 NameServers (so
// "NameServers first" is an order that can be checked) and 2 masters (one group stays writable
// while the other drains). 3.2.6 -> 4.6.0 (a 3.2.6 NameServer refuses 4.x brokers), 4.1.0 -> 4.8.0
// switching ACL on (clients sign; one old client without credentials must be reported by the plan),
// 4.9.7 -> 5.3.3. Each passes with 0 lost and 0 send failures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

namespace fs = std::filesystem;
using namespace rmqup::proc;
using namespace std::chrono_literals;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class VersionRehearsal : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = (fs::temp_directory_path() / ("rmqup-versions-" + std::string(info->name()) + "-" +
                                              std::to_string(::getpid())))
                    .string();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        // A loopback block of our own (other suites use 127.0.0.x, the other rehearsal tests 127.0.20-219.x;
        // a taken port is replaced by a free one anyway).
        const auto h = std::hash<std::string>{}(info->name()) + static_cast<unsigned>(::getpid()) * 13u;
        m_first_address = "127.0." + std::to_string(220 + static_cast<int>(h % 30u)) + ".2";
    }
    void TearDown() override {
        m_children.clear();
        kill_processes_matching(workdir() + "/conf/", 3s);
        if (!HasFailure()) fs::remove_all(m_dir);
        else std::cerr << "kept " << m_dir << " for inspection\n";
    }

    std::string workdir() const { return m_dir + "/work"; }

    // `rmq-upgrade rehearse --fast --transport local --masters-only` with extra; its exit status
    // (-1 on timeout), stdout (the JSON report) and stderr kept in files.
    int rehearse(std::vector<std::string> extra, std::chrono::seconds timeout) {
        std::vector<std::string> argv{RMQUP_CLI_BIN, "rehearse", "--json", "--fast", "--transport", "local",
                                      "--masters-only", "--keep", "--workdir", workdir(), "--first-address",
                                      m_first_address};
        for (auto& a : extra) argv.push_back(std::move(a));
        auto o = logged_to(std::move(argv), m_dir + "/rehearse.err");
        o.out = Redirect::truncate(m_dir + "/rehearse.out");
        o.env = {{"RMQ_SIM", RMQUP_SIM_BIN}};
        auto child = Child::spawn(o);
        EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().describe());
        if (!child.ok()) return -2;
        m_children.push_back(std::move(child).value());
        auto status = m_children.back().wait_for(timeout);
        if (!status.ok()) {
            m_children.back().kill_group();
            return -1;
        }
        return *status;
    }
    std::string out() const { return read_file(m_dir + "/rehearse.out"); }
    std::string err() const { return read_file(m_dir + "/rehearse.err"); }

    // Passed, nothing lost, no send failed, every one of the 4 nodes at version, NameServers first.
    void expect_passed_at(const std::string& version) {
        auto report = nlohmann::json::parse(out(), nullptr, false);
        ASSERT_FALSE(report.is_discarded()) << out() << err();
        EXPECT_EQ(report["passed"], true) << report.dump(2) << err();
        EXPECT_EQ(report["lost"], 0);
        EXPECT_EQ(report["sendFailures"], 0);
        EXPECT_GT(report.value("acked", 0L), 300);  // the traffic ran through the roll
        EXPECT_EQ(report["received"], report["acked"]);
        ASSERT_EQ(report["nodes"].size(), 4u);
        for (const auto& n : report["nodes"]) {
            EXPECT_EQ(n["version"], version) << n.dump();
            if (n["kind"] == "broker") {
                EXPECT_EQ(n["perm"], 6) << n.dump();
            }
        }
        // starts.log: "<time> <script> <version> -c <config>", one line per start of a node.
        std::istringstream starts(read_file(workdir() + "/starts.log"));
        std::vector<std::string> order;
        for (std::string line; std::getline(starts, line);) {
            std::istringstream words(line);
            std::string when, script, v;
            words >> when >> script >> v;
            if (v == version) order.push_back(script);
        }
        ASSERT_EQ(order.size(), 4u) << read_file(workdir() + "/starts.log");
        EXPECT_EQ(order[0], "runserver.sh");
        EXPECT_EQ(order[1], "runserver.sh");
        EXPECT_EQ(order[2], "runbroker.sh");
        EXPECT_EQ(order[3], "runbroker.sh");
    }

    std::string m_dir;
    std::string m_first_address;
    std::deque<Child> m_children;
};

TEST_F(VersionRehearsal, Alibaba326ToApache460NameServersFirst) {
    int rc = rehearse({"--from", "3.2.6", "--to", "4.6.0"}, 240s);
    ASSERT_EQ(rc, 0) << out() << err();
    expect_passed_at("4.6.0");
}

TEST_F(VersionRehearsal, Apache410To480SwitchingAclOnReportsTheClientWithoutCredentials) {
    int rc = rehearse({"--from", "4.1.0", "--to", "4.8.0", "--enable-acl"}, 240s);
    ASSERT_EQ(rc, 0) << out() << err();
    expect_passed_at("4.8.0");
    auto report = nlohmann::json::parse(out(), nullptr, false);
    std::string notes;
    for (const auto& n : report["planNotes"]) notes += n.get<std::string>() + "\n";
    for (const char* part : {"acl-clients reported before the roll", "LegacyConsumerGroup", "JAVA 4.1.0"})
        EXPECT_NE(notes.find(part), std::string::npos) << part << " in\n" << notes;
    // The brokers run with ACL after the roll: their config says so and the traffic signed throughout.
    for (const char* host : {"broker-a-m", "broker-b-m"}) {
        const std::string conf = read_file(workdir() + "/conf/" + std::string(host) + ".properties");
        EXPECT_NE(conf.find("aclEnable=true"), std::string::npos) << host << ":\n" << conf;
    }
}

TEST_F(VersionRehearsal, Apache497To533NameServersFirst) {
    int rc = rehearse({"--from", "4.9.7", "--to", "5.3.3"}, 240s);
    ASSERT_EQ(rc, 0) << out() << err();
    expect_passed_at("5.3.3");
}

}  // namespace
