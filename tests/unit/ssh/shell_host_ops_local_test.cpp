// ShellHostOps over LocalShell with real processes: the scripts do what the fake-shell tests assume.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "process_cleanup.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"
#include "rmqup/hostops/shell_host_ops.hpp"
#include "rmqup/ssh/local_shell.hpp"

namespace rmqup {
namespace {

using namespace std::chrono_literals;

ShellHostOpsOptions fast_options() {
    ShellHostOpsOptions o;
    o.start_settle = 300ms;
    o.poll_interval = 50ms;
    o.kill_wait = 2000ms;
    o.command_timeout = 5000ms;
    return o;
}

class ShellHostOpsLocal : public ::testing::Test {
protected:
    ShellHostOpsLocal() : ops(shell, fast_options()) {}

    // A stand-in broker: a shell loop whose command line ends with "-c <config>".
    ProcessSpec fake_broker(const std::string& name, const std::string& loop = "while :; do sleep 0.1; done") {
        ProcessSpec spec;
        spec.kind = ProcessKind::broker;
        spec.name = name;
        spec.host = "local";
        spec.config_path = dir / (name + ".properties");
        spec.match = default_broker_match(spec.config_path);
        spec.store_path = dir / ("store-" + name);
        spec.log_path = dir / (name + ".log");
        spec.start_command = "exec sh -c " + shell_quote(loop) + " fake-broker -c " + shell_quote(spec.config_path);
        return spec;
    }

    test::ScratchDir dir;
    LocalShell shell;
    ShellHostOps ops;
};

TEST_F(ShellHostOpsLocal, TwoBrokersOnOneHostOnlyTheRightOneStops) {
    const ProcessSpec a = fake_broker("broker-a");
    const ProcessSpec b = fake_broker("broker-b");
    auto pid_a = ops.start(a);
    ASSERT_TRUE(pid_a.ok()) << pid_a.error().describe();
    auto pid_b = ops.start(b);
    ASSERT_TRUE(pid_b.ok()) << pid_b.error().describe();
    EXPECT_NE(*pid_a, *pid_b);
    EXPECT_NE(test::cmdline_of(*pid_a).find(a.match), std::string::npos);

    auto found = ops.find_pids(a);
    ASSERT_TRUE(found.ok()) << found.error().describe();
    EXPECT_EQ(*found, std::vector<int>{*pid_a});

    ASSERT_TRUE(ops.stop(a, 3s, KillPolicy::term_only).ok());
    EXPECT_TRUE(test::wait_gone(*pid_a, 1s));
    EXPECT_TRUE(test::process_alive(*pid_b)) << "stopping broker-a touched broker-b";
    auto still = ops.find_pids(b);
    ASSERT_TRUE(still.ok());
    EXPECT_EQ(*still, std::vector<int>{*pid_b});
    auto none = ops.find_pids(a);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

TEST_F(ShellHostOpsLocal, TwoProcessesWithTheSameConfigAreAConflict) {
    const ProcessSpec a = fake_broker("broker-a");
    ASSERT_TRUE(ops.start(a).ok());
    // A second copy started behind our back.
    auto r = shell.exec("setsid sh -c " + shell_quote(a.start_command) + " > /dev/null 2>&1 < /dev/null &", ExecOptions{});
    ASSERT_TRUE(r.ok());
    std::vector<int> both;
    for (int i = 0; i < 50 && both.size() < 2; ++i) {
        std::this_thread::sleep_for(20ms);
        both = test::pids_with(a.match);
    }
    ASSERT_EQ(both.size(), 2u);
    auto st = ops.stop(a, 2s, KillPolicy::kill_after_term);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict) << st.error().describe();
    for (int pid : test::pids_with(a.match)) EXPECT_TRUE(test::process_alive(pid));
}

TEST_F(ShellHostOpsLocal, MatchEndsAtAWordBoundary) {
    const ProcessSpec a = fake_broker("broker-a");
    ProcessSpec bak = fake_broker("broker-a.properties.bak");
    bak.config_path = a.config_path + ".bak";
    bak.match = default_broker_match(bak.config_path);
    bak.start_command = "exec sh -c 'while :; do sleep 0.1; done' fake -c " + shell_quote(bak.config_path);
    ASSERT_TRUE(ops.start(bak).ok());
    auto found = ops.find_pids(a);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->empty()) << "'" << a.match << "' matched the .bak process";
}

TEST_F(ShellHostOpsLocal, StartDetectsImmediateExitWithTheLogTail) {
    ProcessSpec spec = fake_broker("broker-x");
    {
        std::ofstream(spec.log_path) << "old run output\n";
    }
    spec.start_command = "echo 'Address already in use' >&2; exit 1";
    const auto started = std::chrono::steady_clock::now();
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::rejected);
    EXPECT_EQ(pid.error().remark, "Address already in use");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(ShellHostOpsLocal, StubbornProcessTimesOutUnderTermOnlyAndDiesUnderKillAfterTerm) {
    const ProcessSpec s = fake_broker("stubborn", "trap '' TERM; while :; do sleep 0.1; done");
    auto pid = ops.start(s);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    auto st = ops.stop(s, 400ms, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::timeout);
    EXPECT_TRUE(test::process_alive(*pid));
    ASSERT_TRUE(ops.stop(s, 400ms, KillPolicy::kill_after_term).ok());
    EXPECT_TRUE(test::wait_gone(*pid, 1s));
}

TEST_F(ShellHostOpsLocal, FilesWithHostileNamesStayLiteral) {
    // File names cannot hold '/', so the injected commands would create the file in the shell's cwd.
    const std::string tag = "rmqup-pwned-" + std::to_string(::getpid());
    const std::string sentinel = (std::filesystem::current_path() / tag).string();
    const std::string path = dir / ("conf $(touch " + tag + ") `touch " + tag + "`; it's.properties");
    ASSERT_TRUE(ops.write_file(path, "brokerName=a\n", 0644).ok());
    auto content = ops.read_file(path);
    ASSERT_TRUE(content.ok()) << content.error().describe();
    EXPECT_EQ(*content, "brokerName=a\n");
    ASSERT_TRUE(ops.backup_once(path, path + ".pristine").ok());
    ASSERT_TRUE(ops.write_file(path, "brokerName=b\n", 0644).ok());
    ASSERT_TRUE(ops.backup_once(path, path + ".pristine").ok());
    auto pristine = ops.read_file(path + ".pristine");
    ASSERT_TRUE(pristine.ok());
    EXPECT_EQ(*pristine, "brokerName=a\n") << "backup_once overwrote the pristine copy";
    auto exists = ops.path_exists(path);
    ASSERT_TRUE(exists.ok());
    EXPECT_TRUE(*exists);
    EXPECT_FALSE(std::filesystem::exists(sentinel)) << "a file name executed a command";
    EXPECT_FALSE(std::filesystem::exists(path + ".rmqup-tmp"));
}

TEST_F(ShellHostOpsLocal, ReadingAMissingFileIsRejectedWithTheRemark) {
    auto r = ops.read_file(dir / "missing");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
    EXPECT_NE(r.error().remark.find("No such file"), std::string::npos) << r.error().remark;
}

TEST_F(ShellHostOpsLocal, AbortMarkerAndFacts) {
    ProcessSpec spec = fake_broker("broker-a");
    std::filesystem::create_directories(spec.store_path);
    auto absent = ops.abort_marker_present(spec);
    ASSERT_TRUE(absent.ok());
    EXPECT_FALSE(*absent);
    std::ofstream(spec.store_path + "/abort").put('x');
    auto present = ops.abort_marker_present(spec);
    ASSERT_TRUE(present.ok());
    EXPECT_TRUE(*present);

    const std::string home = dir / "rocketmq-5.3.1";
    std::filesystem::create_directories(home + "/bin");
    std::ofstream(home + "/bin/mqbroker") << "#!/bin/sh\n";
    ProcessSpec broker = fake_broker("real-broker");
    broker.start_command = "exec sh -c 'while :; do sleep 0.1; done' org.apache.rocketmq.broker.BrokerStartup -c " +
                           shell_quote(broker.config_path);
    auto pid = ops.start(broker);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();

    auto facts = ops.facts(dir / "no-java", home, spec.store_path + "/not/yet/created");
    ASSERT_TRUE(facts.ok()) << facts.error().describe();
    EXPECT_FALSE(facts->java_version.has_value());
    EXPECT_TRUE(facts->target_home_present);
    ASSERT_TRUE(facts->store_free_bytes.has_value());
    EXPECT_GT(*facts->store_free_bytes, 0);
    EXPECT_NE(std::find(facts->broker_pids.begin(), facts->broker_pids.end(), *pid), facts->broker_pids.end());

    auto missing_home = ops.facts("", dir / "absent-home", "");
    ASSERT_TRUE(missing_home.ok());
    EXPECT_FALSE(missing_home->target_home_present);
}

}  // namespace
}  // namespace rmqup
