// `rmq-upgrade discover` against real processes (issue 13, part 1): an rmq-sim NameServer and three
// brokers of 4.8.0 started from release-shaped homes (bin/mqbroker -> runbroker.sh -> rmq-sim, Java
// from JAVA_HOME), one host running broker-a's slave and broker-b's master, the 4.9.7 home beside
// them. discover writes the inventory; `validate` and `plan` take it without a single edit, and the
// plan is READY. Local transport (and once over SSH to a private sshd), 127.0.x.y only; every process
// is killed at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "dist_home.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/rehearsal/sshd_instance.hpp"

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

void write_file(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

class DiscoverRealProcesses : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        const std::string tag = "rmqup-discover-" + std::string(info->name()) + "-";
        m_dir = (fs::temp_directory_path() / (tag + std::to_string(::getpid()))).string();
        kill_processes_matching(tag, 3s);  // a run killed before its TearDown may still hold the addresses
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        const int block = 190 + static_cast<int>((static_cast<unsigned>(::getpid()) * 7u +
                                                  std::hash<std::string>{}(info->name())) % 30u);
        m_prefix = "127.0." + std::to_string(block) + ".";
        // Ports no other test uses: every 127.0.x.y shares this kernel, so an identify probe for a
        // port lists (and reads /proc of) every process on the machine listening on it; on 10911
        // that is every broker of every test and benchmark running at the same time.
        m_port = 30000 + block * 20;
        for (const char* v : {"4.8.0", "4.9.7"}) {
            rmqup::test::DistHomeOptions o;
            o.version = v;
            o.sim_bin = RMQUP_SIM_BIN;
            ASSERT_TRUE(rmqup::test::write_dist_home(home(v), o).ok());
        }
        ASSERT_TRUE(rmqup::test::write_fake_java_home(java_home(), "1.8.0_392").ok());
    }
    void TearDown() override {
        m_children.clear();
        kill_processes_matching(m_dir + "/", 3s);
        if (!HasFailure()) fs::remove_all(m_dir);
        else std::cerr << "kept " << m_dir << " for inspection\n";
    }

    std::string ip(int last) const { return m_prefix + std::to_string(last); }
    std::string home(const std::string& v) const { return m_dir + "/rocketmq-" + v; }
    std::string java_home() const { return m_dir + "/jdk8"; }
    std::string ns_addr() const { return ip(2) + ":" + std::to_string(m_port); }
    int broker_port(int n) const { return m_port + 1 + 4 * n; }  // n = 1, 2 (listenPort and haListenPort)
    std::string ns_properties() const {
        return "listenPort=" + std::to_string(m_port) + "\nrmqsimListenAddress=" + ip(2) + "\n";
    }

    std::string broker_config(const std::string& name, int id, int last, int port) const {
        const std::string path = m_dir + "/conf/" + name + "-" + std::to_string(id) + ".properties";
        write_file(path, "brokerClusterName=DefaultCluster\nbrokerName=" + name + "\nbrokerId=" + std::to_string(id) +
                             "\nbrokerRole=" + (id == 0 ? "SYNC_MASTER" : "SLAVE") + "\nbrokerIP1=" + ip(last) +
                             "\nlistenPort=" + std::to_string(port) + "\nhaListenPort=" + std::to_string(port + 1) +
                             "\nnamesrvAddr=" + ns_addr() + "\nstorePathRootDir=" + m_dir + "/store/" + name + "-" +
                             std::to_string(id) + "\nbrokerPermission=6\nautoCreateTopicEnable=true\n");
        return path;
    }

    // Starts `sh bin/<script> args...` of the 4.8.0 home as an operator would (JAVA_HOME set).
    void start(const std::string& script, std::vector<std::string> args, const std::string& log) {
        std::vector<std::string> argv{"/bin/sh", home("4.8.0") + "/bin/" + script};
        for (auto& a : args) argv.push_back(std::move(a));
        auto o = logged_to(std::move(argv), m_dir + "/" + log + ".log");
        o.env = {{"JAVA_HOME", java_home()}};
        o.cwd = m_dir;
        auto pid = spawn_detached(o);
        ASSERT_TRUE(pid.ok()) << pid.error().describe();
    }

    int run(const std::string& tag, std::vector<std::string> args, std::chrono::seconds timeout) {
        std::vector<std::string> argv{RMQUP_CLI_BIN};
        for (auto& a : args) argv.push_back(std::move(a));
        auto o = logged_to(std::move(argv), m_dir + "/" + tag + ".err");
        o.out = Redirect::truncate(m_dir + "/" + tag + ".out");
        auto child = Child::spawn(o);
        EXPECT_TRUE(child.ok());
        if (!child.ok()) return -2;
        m_children.push_back(std::move(child).value());
        auto status = m_children.back().wait_for(timeout);
        if (!status.ok()) {
            m_children.back().kill_group();
            return -1;
        }
        return *status;
    }
    std::string out(const std::string& tag) const { return read_file(m_dir + "/" + tag + ".out"); }
    std::string err(const std::string& tag) const { return read_file(m_dir + "/" + tag + ".err"); }

    bool wait_registered(int brokers, std::chrono::seconds timeout) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            run("cluster", {"cluster", "-n", ns_addr(), "--json"}, 30s);
            auto j = nlohmann::json::parse(out("cluster"), nullptr, false);
            int up = 0;
            if (!j.is_discarded()) {
                for (const auto& b : j.value("brokers", nlohmann::json::array())) up += b.contains("version") ? 1 : 0;
            }
            if (up == brokers) return true;
            std::this_thread::sleep_for(300ms);
        }
        return false;
    }

    std::string m_dir;
    std::string m_prefix;
    int m_port = 0;
    std::chrono::steady_clock::time_point m_created = std::chrono::steady_clock::now();
    std::deque<Child> m_children;
};

TEST_F(DiscoverRealProcesses, TheDiscoveredInventoryValidatesAndPlansReadyWithoutEdits) {
    write_file(m_dir + "/etc/namesrv.properties", ns_properties());
    start("mqnamesrv", {"-c", m_dir + "/etc/namesrv.properties"}, "ns");
    // 127.0.x.4 runs broker-a's slave and broker-b's master (a shared host)
    const std::string a0 = broker_config("broker-a", 0, 3, broker_port(1));
    const std::string a1 = broker_config("broker-a", 1, 4, broker_port(1));
    const std::string b0 = broker_config("broker-b", 0, 4, broker_port(2));
    start("mqbroker", {"-c", a0}, "broker-a-0");
    start("mqbroker", {"-c", a1}, "broker-a-1");
    start("mqbroker", {"-c", b0}, "broker-b-0");
    ASSERT_TRUE(wait_registered(3, 40s)) << out("cluster");
    std::cerr << "cluster up after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - m_created).count() << " ms\n";

    const std::string inv = m_dir + "/inventory.yaml";
    const auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(run("discover", {"discover", "-n", ns_addr(), "--transport", "local", "--to", "4.9.7", "-o", inv}, 60s), 0)
        << err("discover");
    const auto took = std::chrono::steady_clock::now() - started;
    const std::string text = read_file(inv);
    std::cerr << "discover took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n"
              << text;
    // every process was found by its port: configs, homes, Java and stores come from the processes
    EXPECT_NE(text.find("config: \"" + a1 + "\"  # discovered: -c of pid"), std::string::npos);
    EXPECT_NE(text.find("storePathRootDir: \"" + m_dir + "/store/broker-b-0\"  # discovered"), std::string::npos);
    EXPECT_NE(text.find("currentHome: \"" + home("4.8.0") + "\"  # discovered"), std::string::npos);
    EXPECT_NE(text.find("targetHome: \"" + home("4.9.7") + "\"  # assumed: the current home's name with 4.8.0 -> 4.9.7; "
                                                          "present on the host with the 4.9.7 jars"),
              std::string::npos);
    EXPECT_NE(text.find("javaHome: \"" + java_home() + "\"  # discovered: JAVA_HOME of pid"), std::string::npos);
    EXPECT_NE(text.find("config: \"" + m_dir + "/etc/namesrv.properties\""), std::string::npos);
    EXPECT_EQ(text.find("# placeholder:"), std::string::npos) << "every value was read";
    // one inventory host per IP: three hosts, the shared one with two brokers
    EXPECT_NE(text.find("  - name: \"" + ip(4) + "\""), std::string::npos);
    EXPECT_EQ(text.find("  - name: \"" + ip(5) + "\""), std::string::npos);

    const auto t_validate = std::chrono::steady_clock::now();
    ASSERT_EQ(run("validate", {"validate", "-i", inv}, 30s), 0) << err("validate") << out("validate");
    EXPECT_NE(out("validate").find("3 broker(s), 3 host(s), target 4.9.7"), std::string::npos) << out("validate");
    ASSERT_EQ(run("plan", {"plan", "-i", inv}, 60s), 0) << out("plan") << err("plan");
    EXPECT_NE(out("plan").find("READY"), std::string::npos) << out("plan");
    std::cerr << "validate + plan took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t_validate).count()
              << " ms\n";

    // without --to the file is written with placeholders (exit 1) that validate refuses (exit 2)
    const std::string partial = m_dir + "/partial.yaml";
    ASSERT_EQ(run("partial", {"discover", "-n", ns_addr(), "--transport", "local", "-o", partial}, 60s), 1)
        << err("partial");
    EXPECT_NE(err("partial").find("placeholder(s) to fill in"), std::string::npos) << err("partial");
    EXPECT_EQ(run("refused", {"validate", "-i", partial}, 30s), 2);
    EXPECT_NE(err("refused").find("targetVersion '<FILL IN: targetVersion>' is not a RocketMQ version"),
              std::string::npos)
        << err("refused");

    // discover never overwrites an inventory a person may have edited
    EXPECT_EQ(run("again", {"discover", "-n", ns_addr(), "--transport", "local", "-o", inv}, 30s), 2);
    EXPECT_NE(err("again").find("never overwrites"), std::string::npos) << err("again");
}

TEST_F(DiscoverRealProcesses, OverSshTheLoginIsWrittenAndThePlanIsReady) {
    if (!rmqup::sshd_available()) GTEST_SKIP() << "openssh-server not installed";
    rmqup::SshdOptions so;
    so.address = ip(2);
    rmqup::SshdInstance sshd(so);
    ASSERT_TRUE(sshd.start().ok());
    // one host running the NameServer and two masters
    write_file(m_dir + "/etc/namesrv.properties", ns_properties());
    start("mqnamesrv", {"-c", m_dir + "/etc/namesrv.properties"}, "ns");
    start("mqbroker", {"-c", broker_config("broker-a", 0, 2, broker_port(1))}, "broker-a-0");
    start("mqbroker", {"-c", broker_config("broker-b", 0, 2, broker_port(2))}, "broker-b-0");
    ASSERT_TRUE(wait_registered(2, 40s)) << out("cluster");
    auto since = [t0 = std::chrono::steady_clock::now()] {
        return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()) + " ms";
    };

    const std::string inv = m_dir + "/inventory.yaml";
    ASSERT_EQ(run("discover", {"-v", "discover", "-n", ns_addr(), "--to", "4.9.7", "--ssh-user", sshd.user(), "--ssh-port",
                               std::to_string(sshd.port()), "--identity-file", sshd.identity_file(), "--known-hosts",
                               sshd.known_hosts_path(), "-o", inv},
                  60s),
              0)
        << err("discover") << read_file(inv);
    std::cerr << "discover done at " << since() << "\n";
    const std::string text = read_file(inv);
    EXPECT_NE(text.find("  transport: ssh  # given: --transport"), std::string::npos) << text;
    EXPECT_NE(text.find("  port: " + std::to_string(sshd.port()) + "  # given: --ssh-port"), std::string::npos);
    EXPECT_NE(text.find("  identityFile: \"" + sshd.identity_file() + "\""), std::string::npos);
    EXPECT_NE(text.find("javaHome: \"" + java_home() + "\"  # discovered: JAVA_HOME of pid"), std::string::npos)
        << "/proc/<pid>/environ read over SSH: " << text;
    ASSERT_EQ(run("plan", {"plan", "-i", inv}, 90s), 0) << out("plan") << err("plan");
    EXPECT_NE(out("plan").find("READY"), std::string::npos) << out("plan");
    std::cerr << "plan done at " << since() << "\n";
}

TEST_F(DiscoverRealProcesses, NoNameServerAnsweringExitsThreeAndBadFlagsTwo) {
    EXPECT_EQ(run("discover", {"discover", "-n", ns_addr(), "--transport", "local", "--timeout-ms", "500"}, 30s), 3)
        << err("discover");
    EXPECT_NE(err("discover").find(ns_addr()), std::string::npos) << err("discover");
    // invalid flags: nothing is contacted
    EXPECT_EQ(run("flags", {"discover", "-n", ns_addr(), "--to", "latest"}, 30s), 2);
    EXPECT_NE(err("flags").find("'latest' is not a RocketMQ version"), std::string::npos) << err("flags");
}

}  // namespace
