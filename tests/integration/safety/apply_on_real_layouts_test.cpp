// `rmq-upgrade apply` against installations as operators have them (issue 10), on real processes:
// rmq-sim NameServer and brokers started from homes shaped like the binary release (no logs/,
// bin/mqbroker honouring an inherited ROCKETMQ_HOME, runbroker.sh finding Java like the real one),
// with a broker started by a relative `-c` from inside its home, a config reached through a
// symlinked folder, snapshots left by an earlier roll, a listener that is not a broker, and a
// service manager whose unit restarts the old binary. Local transport, 127.0.x.y only; every
// process is killed at the end.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dist_home.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

namespace fs = std::filesystem;
using namespace rmqup::proc;
using namespace std::chrono_literals;

namespace {

// Processes whose command line holds needle and a path under dir (rmq-sim's -cp names its home).
std::vector<int> processes_under(const std::string& dir, const std::string& needle) {
    std::vector<int> out;
    for (int pid : find_processes(needle)) {
        if (cmdline_text(pid).find(dir) != std::string::npos)
            out.push_back(pid);
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& text, fs::perms mode = fs::perms::owner_read |
                                                                                    fs::perms::owner_write |
                                                                                    fs::perms::group_read |
                                                                                    fs::perms::others_read) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
    fs::permissions(path, mode);
}

// One NameServer and two masters (broker-a, broker-b) of 4.8.0 from release-shaped homes, and the
// 4.9.7 home beside them. Addresses 127.0.<block>.2 (NameServer), .3 (broker-a), .4 (broker-b).
class RealLayout : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = (fs::temp_directory_path() / ("rmqup-layout-" + std::string(info->name()) + "-" +
                                              std::to_string(::getpid())))
                    .string();
        // A run of this test killed before its TearDown (a ctest timeout) may still hold the addresses.
        kill_processes_matching("rmqup-layout-" + std::string(info->name()) + "-", 3s);
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        const int block = 220 + static_cast<int>((static_cast<unsigned>(::getpid()) * 7u +
                                                  std::hash<std::string>{}(info->name())) % 30u);
        m_prefix = "127.0." + std::to_string(block) + ".";
        for (const char* v : {"4.8.0", "4.9.7"}) {
            rmqup::test::DistHomeOptions o;
            o.version = v;
            o.sim_bin = RMQUP_SIM_BIN;
            ASSERT_TRUE(rmqup::test::write_dist_home(home(v), o).ok());
            ASSERT_FALSE(fs::exists(home(v) + "/logs")) << "the release zip has no logs/";
        }
        ASSERT_TRUE(rmqup::test::write_fake_java_home(java_home(), "1.8.0_392").ok());
        write_file(ns_config(), "listenPort=9876\nrmqsimListenAddress=" + ip(2) + "\n");
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
    std::string ns_config() const { return m_dir + "/etc/namesrv.properties"; }
    std::string ns_addr() const { return ip(2) + ":9876"; }

    std::string broker_properties(const std::string& name, int last) const {
        return "brokerClusterName=DefaultCluster\nbrokerName=" + name + "\nbrokerId=0\nbrokerRole=ASYNC_MASTER\n"
               "brokerIP1=" + ip(last) + "\nlistenPort=10911\nnamesrvAddr=" + ns_addr() + "\nstorePathRootDir=" +
               m_dir + "/store/" + name + "\nbrokerPermission=6\nautoCreateTopicEnable=true\n"
               "registerNameServerPeriod=10000\n";
    }

    // Starts `sh bin/<script> args...` of home from cwd, as an operator would (JAVA_HOME set).
    void start_from(const std::string& h, const std::string& script, std::vector<std::string> args,
                    const std::string& cwd, const std::string& log) {
        std::vector<std::string> argv{"/bin/sh", h + "/bin/" + script};
        for (auto& a : args) argv.push_back(std::move(a));
        auto o = logged_to(std::move(argv), m_dir + "/" + log + ".log");
        o.env = {{"JAVA_HOME", java_home()}};
        o.cwd = cwd;
        auto pid = spawn_detached(o);
        ASSERT_TRUE(pid.ok()) << pid.error().describe();
    }

    // rmq-upgrade with args; stdout/stderr into files named after tag; env added.
    int run(const std::string& tag, std::vector<std::string> args, std::chrono::seconds timeout,
            std::vector<std::pair<std::string, std::string>> env = {}) {
        std::vector<std::string> argv{RMQUP_CLI_BIN};
        for (auto& a : args) argv.push_back(std::move(a));
        auto o = logged_to(std::move(argv), m_dir + "/" + tag + ".err");
        o.out = Redirect::truncate(m_dir + "/" + tag + ".out");
        o.env = std::move(env);
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

    // Every broker's runtime version and permission, from `rmq-upgrade cluster --json`.
    // (polling: a NameServer that is still booting refuses the connection, exit 3)
    nlohmann::json cluster_view(bool must_answer = true) {
        const int rc = run("cluster", {"cluster", "-n", ns_addr(), "--json"}, 30s);
        if (must_answer) {
            EXPECT_EQ(rc, 0) << err("cluster");
        }
        auto j = nlohmann::json::parse(out("cluster"), nullptr, false);
        return j.is_discarded() ? nlohmann::json::object() : j;
    }
    nlohmann::json broker_in(const nlohmann::json& view, const std::string& name) {
        for (const auto& b : view.value("brokers", nlohmann::json::array()))
            if (b.value("brokerName", "") == name) return b;
        return nlohmann::json::object();
    }
    bool wait_registered(int brokers, std::chrono::seconds timeout) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            auto v = cluster_view(false);
            int up = 0;
            for (const auto& b : v.value("brokers", nlohmann::json::array()))
                up += b.contains("version") ? 1 : 0;
            if (up == brokers) return true;
            std::this_thread::sleep_for(500ms);
        }
        return false;
    }

    // The inventory of the cluster: local transport, the given configs, fast drain.
    std::string inventory(const std::string& config_a, const std::string& config_b, const std::string& commands = "") {
        std::ostringstream y;
        y << "cluster: DefaultCluster\ncurrentVersion: \"4.8.0\"\ntargetVersion: \"4.9.7\"\n"
          << "defaults:\n  currentHome: \"" << home("4.8.0") << "\"\n  targetHome: \"" << home("4.9.7") << "\"\n"
          << "  javaHome: \"" << java_home() << "\"\n"
          << "hosts:\n";
        for (int last : {2, 3, 4})
            y << "  - name: h" << last << "\n    address: " << ip(last) << "\n    transport: local\n";
        y << "nameServers:\n  - address: " << ns_addr() << "\n    host: h2\n    config: \"" << ns_config() << "\"\n"
          << "brokerGroups:\n";
        const std::pair<std::string, std::string> groups[] = {{"broker-a", config_a}, {"broker-b", config_b}};
        int last = 3;
        for (const auto& [name, config] : groups) {
            y << "  - brokerName: " << name << "\n    members:\n      - brokerId: 0\n        role: ASYNC_MASTER\n"
              << "        address: " << ip(last) << ":10911\n        host: h" << last << "\n        config: \"" << config
              << "\"\n        storePathRootDir: \"" << m_dir << "/store/" << name << "\"\n";
            ++last;
        }
        y << commands;
        y << "policy:\n  onFailure: rollback\n  killPolicy: kill-after-term\n  drain:\n"
          << "    allowShortDrainForTests: true\n    minWait: 2s\n    quietPeriod: 1s\n    pollInterval: 250ms\n"
          << "    timeout: 30s\n  timeouts:\n    stop: 15s\n    start: 40s\n    registration: 30s\n    request: 3s\n"
          << "    verify: 10s\n";
        const std::string path = m_dir + "/inventory.yaml";
        write_file(path, y.str());
        return path;
    }

    std::string m_dir;
    std::string m_prefix;
    std::deque<Child> m_children;
};

TEST_F(RealLayout, ReleaseHomesRelativeAndSymlinkedConfigsAndAnInheritedHomeRollToTheTarget) {
    // Given broker-a started the quick-start way: from inside its home with a relative -c
    write_file(home("4.8.0") + "/conf/broker-a.properties", broker_properties("broker-a", 3));
    // and broker-b's config reached through a symlinked folder
    write_file(m_dir + "/real-conf/broker-b.properties", broker_properties("broker-b", 4));
    fs::create_directory_symlink(m_dir + "/real-conf", m_dir + "/conf-link");
    // and snapshots an earlier roll left beside broker-a's config (never to be used again)
    const std::string config_a = home("4.8.0") + "/conf/broker-a.properties";
    write_file(config_a + ".rmqup-pristine", "brokerName=broker-a\nleftoverFromAnEarlierRoll=true\n");
    write_file(config_a + ".rmqup-20250101T000000Z.pristine", "brokerName=broker-a\nleftoverFromAnEarlierRoll=true\n");

    start_from(home("4.8.0"), "mqnamesrv", {"-c", ns_config()}, m_dir, "ns");
    start_from(home("4.8.0"), "mqbroker", {"-c", "conf/broker-a.properties"}, home("4.8.0"), "broker-a");
    start_from(home("4.8.0"), "mqbroker", {"-c", m_dir + "/real-conf/broker-b.properties"}, m_dir, "broker-b");
    ASSERT_TRUE(wait_registered(2, 40s)) << out("cluster");

    const std::string inv = inventory(config_a, m_dir + "/conf-link/broker-b.properties");
    // plan identifies every node and shows PID, home and config
    // (the earlier roll's snapshots are a warning to accept: they are reported, never used)
    ASSERT_EQ(run("plan", {"plan", "-i", inv, "--accept-risk", "leftover-snapshot"}, 60s), 0)
        << out("plan") << err("plan");
    EXPECT_NE(out("plan").find("leftover-snapshot"), std::string::npos) << out("plan");
    EXPECT_NE(out("plan").find("process-identified"), std::string::npos) << out("plan");

    // When apply runs from an environment that exports the OLD home
    const int rc = run("apply",
                       {"apply", "-i", inv, "--accept-risk", "leftover-snapshot", "--yes", "--journal", m_dir + "/journal"},
                       240s, {{"ROCKETMQ_HOME", home("4.8.0")}});

    // Then both masters and the NameServer run the target, read-write, one process each
    ASSERT_EQ(rc, 0) << err("apply");
    auto view = cluster_view();
    for (const char* name : {"broker-a", "broker-b"}) {
        SCOPED_TRACE(name);
        auto b = broker_in(view, name);
        EXPECT_EQ(b.value("version", ""), "V4_9_7") << view.dump(2);
        EXPECT_EQ(b.value("permission", 0), 6);
    }
    // one rmq-sim per node, all of the target, none of the old version left
    EXPECT_EQ(find_processes("--version 4.9.7 -c " + config_a).size(), 1u);
    EXPECT_EQ(find_processes("--version 4.9.7 -c " + m_dir + "/conf-link/broker-b.properties").size(), 1u);
    // (only this test's processes: the suite runs other clusters of 4.8.0 at the same time)
    EXPECT_EQ(processes_under(m_dir, "--version 4.8.0").size(), 0u);
    // and the earlier roll's snapshots were not restored into the config
    EXPECT_EQ(read_file(config_a).find("leftoverFromAnEarlierRoll"), std::string::npos) << read_file(config_a);
    EXPECT_NE(read_file(m_dir + "/real-conf/broker-b.properties").find("brokerName=broker-b"), std::string::npos);
}

TEST_F(RealLayout, AnAddressServedByAProcessThatIsNotTheBrokerIsRefusedBeforeAnyChange) {
    write_file(m_dir + "/conf/broker-a.properties", broker_properties("broker-a", 3));
    write_file(m_dir + "/conf/broker-b.properties", broker_properties("broker-b", 4));
    start_from(home("4.8.0"), "mqnamesrv", {"-c", ns_config()}, m_dir, "ns");
    start_from(home("4.8.0"), "mqbroker", {"-c", m_dir + "/conf/broker-a.properties"}, m_dir, "broker-a");
    start_from(home("4.8.0"), "mqbroker", {"-c", m_dir + "/conf/broker-b.properties"}, m_dir, "broker-b");
    ASSERT_TRUE(wait_registered(2, 40s)) << out("cluster");
    // Given an inventory that names broker-b's config for broker-a (a copy-paste slip): the process
    // listening on broker-a's address is not the one the inventory describes
    const std::string inv = inventory(m_dir + "/conf/broker-b.properties", m_dir + "/conf/broker-b.properties");
    const int rc = run("apply", {"apply", "-i", inv, "--yes", "--journal", m_dir + "/journal"}, 120s);
    EXPECT_NE(rc, 0) << err("apply");
    // Then nothing was changed: both brokers still run 4.8.0, read-write, never stopped
    auto view = cluster_view();
    for (const char* name : {"broker-a", "broker-b"}) {
        auto b = broker_in(view, name);
        EXPECT_EQ(b.value("version", ""), "V4_8_0") << view.dump(2);
        EXPECT_EQ(b.value("permission", 0), 6);
    }
    EXPECT_EQ(read_file(m_dir + "/broker-a.log").find("4.9.7"), std::string::npos);
    EXPECT_NE(err("apply").find("broker-a"), std::string::npos) << err("apply");
}

TEST_F(RealLayout, AServiceUnitThatRestartsTheOldBinaryIsCaughtAndRolledBack) {
    write_file(m_dir + "/conf/broker-a.properties", broker_properties("broker-a", 3));
    write_file(m_dir + "/conf/broker-b.properties", broker_properties("broker-b", 4));
    // A tiny `systemctl`: units run a broker from the home named in its unit file; broker-a's
    // unit still points at the OLD home (its ExecStart was never updated).
    const std::string units = m_dir + "/units";
    write_file(units + "/broker-a.home", home("4.8.0"));
    write_file(units + "/broker-b.home", home("4.8.0"));
    write_file(m_dir + "/bin/systemctl",
               "#!/bin/sh\n"
               "# fake systemctl: start|stop <unit>; pid in " + units + "/<unit>.pid\n"
               "u=$2; d=" + units + "\n"
               "case \"$1\" in\n"
               "start) h=$(cat \"$d/$u.home\"); JAVA_HOME=" + java_home() + " ROCKETMQ_HOME=\"$h\" setsid nohup sh \"$h/bin/mqbroker\" "
               "-c " + m_dir + "/conf/$u.properties >> " + m_dir + "/$u.unit.log 2>&1 < /dev/null & echo $! > \"$d/$u.pid\" ;;\n"
               "stop) pkill -TERM -f -- \"-c " + m_dir + "/conf/$u.properties\"; rm -f \"$d/$u.pid\" ;;\n"
               "esac\n",
               fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
    start_from(home("4.8.0"), "mqnamesrv", {"-c", ns_config()}, m_dir, "ns");
    ASSERT_EQ(std::system((m_dir + "/bin/systemctl start broker-a").c_str()), 0);
    ASSERT_EQ(std::system((m_dir + "/bin/systemctl start broker-b").c_str()), 0);
    // The operator prepared broker-b's unit for the target home, but forgot broker-a's.
    write_file(units + "/broker-b.home", home("4.9.7"));
    ASSERT_TRUE(wait_registered(2, 40s)) << out("cluster");

    const std::string commands = "commands:\n  brokerStart: \"" + m_dir + "/bin/systemctl start {brokerName}\"\n"
                                 "  brokerStop: \"" + m_dir + "/bin/systemctl stop {brokerName}\"\n";
    const std::string inv = inventory(m_dir + "/conf/broker-a.properties", m_dir + "/conf/broker-b.properties", commands);
    const int rc = run("apply", {"apply", "-i", inv, "--yes", "--journal", m_dir + "/journal"}, 240s);

    // Then the run stops with broker-a named, the unit blamed, and broker-a back on its old
    // version, read-write (the rollback)
    EXPECT_NE(rc, 0) << err("apply");
    EXPECT_NE(err("apply").find("service unit"), std::string::npos) << err("apply");
    auto view = cluster_view();
    auto a = broker_in(view, "broker-a");
    EXPECT_EQ(a.value("version", ""), "V4_8_0") << view.dump(2);
    EXPECT_EQ(a.value("permission", 0), 6);
    EXPECT_EQ(find_processes("--version 4.8.0 -c " + m_dir + "/conf/broker-a.properties").size(), 1u);
}

}  // namespace
