// End-to-end rehearsals against real processes (rmq-sim NameServers, brokers and load generator,
// real sshd when installed): the full roll under traffic; the orchestrator killed mid-drain and
// resumed; a new version that cannot start, rolled back. Every run is bounded and everything it
// started is killed at the end, also when an assertion fails.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

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

// A work directory and a loopback block of its own; whatever runs from it dies with the fixture.
class Rehearsal : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = (fs::temp_directory_path() / ("rmqup-rehearsal-" + std::string(info->name()) + "-" +
                                              std::to_string(::getpid())))
                    .string();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        // Other suites use 127.0.0.x: take a block of our own per test and process.
        int block = 20 + static_cast<int>((static_cast<unsigned>(::getpid()) * 7u + std::hash<std::string>{}(info->name())) % 200u);
        m_first_address = "127.0." + std::to_string(block) + ".2";
    }
    void TearDown() override {
        m_children.clear();  // kills their process groups
        kill_processes_matching(workdir() + "/conf/", 3s);
        if (!HasFailure()) fs::remove_all(m_dir);
        else std::cerr << "kept " << m_dir << " for inspection\n";
    }

    std::string workdir() const { return m_dir + "/work"; }

    // Starts rmq-upgrade with args; stdout and stderr go to files named after tag.
    Child& start(const std::string& tag, std::vector<std::string> args) {
        std::vector<std::string> argv{RMQUP_CLI_BIN};
        for (auto& a : args) argv.push_back(std::move(a));
        auto o = logged_to(std::move(argv), m_dir + "/" + tag + ".err");
        o.out = Redirect::truncate(m_dir + "/" + tag + ".out");
        auto child = Child::spawn(o);
        EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().describe());
        m_children.push_back(std::move(child).value());
        return m_children.back();
    }
    // Runs rmq-upgrade to completion within timeout; returns its exit status (-1 on timeout).
    int run(const std::string& tag, std::vector<std::string> args, std::chrono::seconds timeout) {
        auto& child = start(tag, std::move(args));
        auto status = child.wait_for(timeout);
        if (!status.ok()) {
            child.kill_group();
            return -1;
        }
        return *status;
    }
    std::string out(const std::string& tag) const { return read_file(m_dir + "/" + tag + ".out"); }
    std::string err(const std::string& tag) const { return read_file(m_dir + "/" + tag + ".err"); }

    std::vector<std::string> rehearse_args(std::vector<std::string> extra) const {
        std::vector<std::string> a = {"rehearse", "--json", "--fast", "--workdir", workdir(), "--first-address", m_first_address};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    std::string m_dir;
    std::string m_first_address;
    std::deque<Child> m_children;  // deque: references returned by start() stay valid
};

nlohmann::json parse_report(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

// Every node at version, every broker read-write, registered and routed everywhere.
void expect_cluster_at(const nlohmann::json& report, const std::string& version) {
    ASSERT_TRUE(report.contains("nodes")) << report.dump(2);
    ASSERT_EQ(report["nodes"].size(), 6u);
    for (const auto& n : report["nodes"]) {
        SCOPED_TRACE(n.dump());
        EXPECT_EQ(n["version"], version);
        EXPECT_EQ(n["processes"], 1);
        if (n["kind"] == "broker") {
            EXPECT_EQ(n["perm"], 6);
            EXPECT_EQ(n["registeredEverywhere"], true);
            EXPECT_EQ(n["routesWritable"], true);
        }
    }
}

// Lines of starts.log for version, counted per config file ("-c <path>").
std::map<std::string, int> starts_of(const std::string& starts_log, const std::string& version) {
    std::map<std::string, int> count;
    std::istringstream in(read_file(starts_log));
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string when, script, v, dash_c, conf;
        words >> when >> script >> v >> dash_c >> conf;
        if (v == version && dash_c == "-c") ++count[conf];
    }
    return count;
}

bool wait_for_file(const std::string& path, std::chrono::seconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (fs::exists(path)) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

}  // namespace

TEST_F(Rehearsal, RollingUpgradeUnderTrafficLosesNothing) {
    // When the whole rehearsal runs (4.8.0 -> 4.9.7, traffic throughout)
    int rc = run("rehearse", rehearse_args({"--keep"}), 290s);
    auto report = parse_report(out("rehearse"));

    // Then it passes: nothing lost, every node at the target, every broker read-write
    ASSERT_EQ(rc, 0) << out("rehearse") << err("rehearse");
    EXPECT_EQ(report["passed"], true);
    EXPECT_EQ(report["engineStatus"], "completed");
    EXPECT_EQ(report["lost"], 0);
    EXPECT_GT(report.value("acked", 0L), 1000);  // the traffic really ran through the roll
    EXPECT_EQ(report["received"], report["acked"]);
    expect_cluster_at(report, "4.9.7");
    // and every node was started at the target exactly once, with the Markdown and HTML reports written
    auto starts = starts_of(workdir() + "/starts.log", "4.9.7");
    EXPECT_EQ(starts.size(), 6u);
    for (const auto& [conf, n] : starts) EXPECT_EQ(n, 1) << conf;
    EXPECT_TRUE(fs::exists(workdir() + "/report.md"));
    EXPECT_TRUE(fs::exists(workdir() + "/report.html"));
}

TEST_F(Rehearsal, OrchestratorKilledMidDrainResumesWithoutRestartingANodeTwice) {
    // Given a running cluster with traffic, and a separate `rmq-upgrade apply` driving the roll
    auto& cluster = start("setup", rehearse_args({"--setup-only", "--load-seconds", "200"}));
    ASSERT_TRUE(wait_for_file(workdir() + "/ready", 150s)) << err("setup");
    const std::string inventory = workdir() + "/inventory.yaml";
    const std::string journal = workdir() + "/apply-journal";
    ASSERT_EQ(run("plan", {"plan", "-i", inventory, "-o", workdir() + "/plan.json"}, 60s), 0) << out("plan") << err("plan");
    auto& apply = start("apply", {"apply", "--plan", workdir() + "/plan.json", "--yes", "--journal", journal});

    // When the orchestrator is SIGKILLed while a broker drains (read-only)
    bool in_drain = false;
    auto until = std::chrono::steady_clock::now() + 120s;
    while (!in_drain && std::chrono::steady_clock::now() < until && !apply.try_wait()) {
        std::istringstream lines(read_file(journal + "/journal.jsonl"));
        for (std::string line; std::getline(lines, line);)
            if (line.find("\"broker:") != std::string::npos && line.find("\"drain\"") != std::string::npos) in_drain = true;
        if (!in_drain) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(in_drain) << "no broker reached drain: " << err("apply") << read_file(journal + "/journal.jsonl");
    apply.signal(SIGKILL);
    ASSERT_TRUE(apply.wait_for(10s).ok());

    // and `rmq-upgrade resume` continues from the journal
    int resumed = run("resume", {"resume", "--journal", journal}, 200s);
    EXPECT_EQ(resumed, 0) << out("resume") << err("resume");

    // Then, once the traffic is over: nothing lost, every node at the target and read-write
    cluster.signal(SIGTERM);
    auto rc = cluster.wait_for(200s);
    ASSERT_TRUE(rc.ok()) << err("setup");
    auto report = parse_report(out("setup"));
    // (the fixed traffic window may end before the killed roll plus the resume did: the traffic's
    // own counts are what this test judges)
    EXPECT_EQ(report["lost"], 0) << out("setup") << err("setup");
    EXPECT_EQ(report["sendFailures"], 0) << out("setup");
    EXPECT_GT(report.value("acked", 0L), 1000);
    expect_cluster_at(report, "4.9.7");
    // and no node was started at the target twice (the crash fell before any second start)
    auto starts = starts_of(workdir() + "/starts.log", "4.9.7");
    EXPECT_EQ(starts.size(), 6u) << read_file(workdir() + "/starts.log");
    for (const auto& [conf, n] : starts) EXPECT_EQ(n, 1) << conf << "\n" << read_file(workdir() + "/starts.log");
}

TEST_F(Rehearsal, NewVersionThatCannotStartIsRolledBack) {
    // When the new version's brokers exit at start
    int rc = run("rehearse", rehearse_args({"--target-fails-to-start", "--load-seconds", "45", "--keep"}), 290s);
    auto report = parse_report(out("rehearse"));

    // Then the rehearsal fails (not at the target) but the engine rolled back automatically
    EXPECT_NE(rc, 0) << out("rehearse");
    ASSERT_EQ(report["engineStatus"], "rolled_back") << out("rehearse") << err("rehearse");
    // and the cluster serves again: every broker back on 4.8.0, read-write, registered, routed;
    // the traffic lost nothing
    EXPECT_EQ(report["lost"], 0);
    EXPECT_GT(report.value("acked", 0L), 500);
    ASSERT_EQ(report["nodes"].size(), 6u);
    for (const auto& n : report["nodes"]) {
        SCOPED_TRACE(n.dump());
        EXPECT_EQ(n["processes"], 1);
        if (n["kind"] != "broker") continue;
        EXPECT_EQ(n["version"], "4.8.0");
        EXPECT_EQ(n["perm"], 6);
        EXPECT_EQ(n["registeredEverywhere"], true);
        EXPECT_EQ(n["routesWritable"], true);
    }
    // The failed node was tried once at the target and started again at the old version.
    auto target = starts_of(workdir() + "/starts.log", "4.9.7");
    int broker_target_starts = 0;
    for (const auto& [conf, n] : target)
        if (conf.find("broker-") != std::string::npos) broker_target_starts += n;
    EXPECT_EQ(broker_target_starts, 1) << read_file(workdir() + "/starts.log");
}

// --- safety on real processes (issue 10) ---

namespace {

// "127.0.B.<last + offset>" for the fixture's loopback block.
std::string address_at(const std::string& first, int offset, int port) {
    const auto dot = first.rfind('.');
    return first.substr(0, dot + 1) + std::to_string(std::stoi(first.substr(dot + 1)) + offset) + ":" + std::to_string(port);
}

// Waits until the journal shows a broker in drain (true) or apply ends / timeout (false).
bool wait_for_drain(const std::string& journal, Child& apply, std::chrono::seconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until && !apply.try_wait()) {
        std::istringstream lines(read_file(journal + "/journal.jsonl"));
        for (std::string line; std::getline(lines, line);)
            if (line.find("\"broker:") != std::string::npos && line.find("\"phase\":\"drain\"") != std::string::npos)
                return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

// brokerPermission of the broker at addr as every NameServer's clusterList shows it (-1: unknown).
int perm_of(const nlohmann::json& cluster, const std::string& addr) {
    for (const auto& b : cluster.value("brokers", nlohmann::json::array()))
        if (b.value("addr", "") == addr && b["permission"].is_number()) return b["permission"].get<int>();
    return -1;
}

}  // namespace

TEST_F(Rehearsal, SighupDuringTheDrainRestoresWritePermissionAndResumeFinishes) {
    auto& cluster = start("setup", rehearse_args({"--setup-only", "--load-seconds", "200"}));
    ASSERT_TRUE(wait_for_file(workdir() + "/ready", 150s)) << err("setup");
    const std::string journal = workdir() + "/apply-journal";
    auto& apply = start("apply", {"apply", "-i", workdir() + "/inventory.yaml", "--yes", "--journal", journal});
    ASSERT_TRUE(wait_for_drain(journal, apply, 120s)) << err("apply");

    // When the operator's terminal drops (SIGHUP) while a master is read-only
    apply.signal(SIGHUP);
    auto rc = apply.wait_for(60s);
    ASSERT_TRUE(rc.ok());
    EXPECT_EQ(*rc, 130) << err("apply");

    // Then every master is read-write again, right away
    const std::string ns = address_at(m_first_address, 0, 9876);
    ASSERT_EQ(run("cluster", {"cluster", "-n", ns, "--json"}, 30s), 0) << err("cluster");
    auto view = parse_report(out("cluster"));
    EXPECT_EQ(perm_of(view, address_at(m_first_address, 2, 10911)), 6) << out("cluster");
    EXPECT_EQ(perm_of(view, address_at(m_first_address, 4, 10911)), 6) << out("cluster");

    // and resume finishes the roll with nothing lost and no send failing
    EXPECT_EQ(run("resume", {"resume", "--journal", journal}, 200s), 0) << err("resume");
    cluster.signal(SIGTERM);
    auto done = cluster.wait_for(200s);
    ASSERT_TRUE(done.ok()) << err("setup");
    auto report = parse_report(out("setup"));
    // (the rehearsal's own verdict may add that its fixed traffic window ended before the
    // interrupted roll plus the resume did: what counts here is the traffic it carried)
    EXPECT_EQ(report["lost"], 0) << out("setup");
    EXPECT_EQ(report["sendFailures"], 0);
    expect_cluster_at(report, "4.9.7");
}

TEST_F(Rehearsal, OperatorRollbackOfAServingMasterDrainsItUnderLoad) {
    auto& cluster = start("setup", rehearse_args({"--setup-only", "--load-seconds", "210"}));
    ASSERT_TRUE(wait_for_file(workdir() + "/ready", 150s)) << err("setup");
    const std::string journal = workdir() + "/apply-journal";
    ASSERT_EQ(run("apply", {"apply", "-i", workdir() + "/inventory.yaml", "--yes", "--journal", journal}, 200s), 0)
        << err("apply");

    // A rollback without a terminal and without --yes changes nothing
    EXPECT_EQ(run("rollback-no", {"rollback", "--broker", "broker-a", "--journal", journal}, 30s), 2)
        << err("rollback-no");
    EXPECT_NE(err("rollback-no").find("--yes"), std::string::npos) << err("rollback-no");

    // When the operator rolls back broker-a, whose master serves traffic on the new version
    ASSERT_EQ(run("rollback", {"rollback", "--broker", "broker-a", "--yes", "--journal", journal}, 200s), 0)
        << err("rollback");
    // Then its master was made read-only and drained before the stop
    EXPECT_NE(err("rollback").find("drain of broker-a@0"), std::string::npos) << err("rollback");

    cluster.signal(SIGTERM);
    auto done = cluster.wait_for(200s);
    ASSERT_TRUE(done.ok()) << err("setup");
    auto report = parse_report(out("setup"));
    EXPECT_EQ(report["lost"], 0) << out("setup");
    EXPECT_EQ(report["sendFailures"], 0) << out("setup");
    for (const auto& n : report["nodes"]) {
        SCOPED_TRACE(n.dump());
        if (n["kind"] != "broker") continue;
        EXPECT_EQ(n["version"], n["name"].get<std::string>().rfind("broker-a", 0) == 0 ? "4.8.0" : "4.9.7");
        EXPECT_EQ(n["perm"], 6);
    }
}
