// ShellHostOps over LocalShell with real processes: the scripts do what the fake-shell tests assume.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "process_cleanup.hpp"
#include "rmqup/hostops/host_scripts.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"
#include "rmqup/hostops/shell_host_ops.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/ssh/local_shell.hpp"
#include "dist_home.hpp"

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

// A port free on 127.0.0.1 right now (below the ephemeral range).
int free_port() {
    static unsigned seed = static_cast<unsigned>(::getpid()) * 7919u;
    for (int attempt = 0; attempt < 200; ++attempt) {
        seed = seed * 1664525u + 1013904223u;
        const int port = 20000 + static_cast<int>((seed >> 8) % 12000);
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) return port;
    }
    return 0;
}

class ShellHostOpsLocal : public ::testing::Test {
protected:
    ShellHostOpsLocal() : ops(shell, fast_options()) {}

    // A stand-in broker: perl listening on 127.0.0.1:<free port>, its command line ending with the
    // main class and "-c <config>" as a JVM's does. trap: perl code run on SIGTERM ("" = exit).
    ProcessSpec fake_broker(const std::string& name, const std::string& on_term = "") {
        ProcessSpec spec;
        spec.kind = ProcessKind::broker;
        spec.name = name;
        spec.host = "local";
        spec.address = "127.0.0.1:" + std::to_string(free_port());
        spec.config_path = dir / (name + ".properties");
        std::ofstream(spec.config_path) << "brokerName=" << name << "\n";
        spec.match = default_broker_match(spec.config_path);
        spec.store_path = dir / ("store-" + name);
        spec.log_path = dir / ("logs/" + name + ".log");
        const std::string code = "use IO::Socket::INET; " + on_term +
                                 " my $s = IO::Socket::INET->new(LocalAddr => '" + spec.address +
                                 "', Listen => 5, ReuseAddr => 1) or die \"bind: $!\"; sleep 1 while 1;";
        spec.start_command = "exec perl -e " + shell_quote(code) + " org.apache.rocketmq.broker.BrokerStartup -c " +
                             shell_quote(spec.config_path) + " " + shell_quote(dir.path());
        return spec;
    }

    // Polls identify until something listens (the start returns before the socket is bound).
    std::optional<ProcessIdentity> wait_listening(const ProcessSpec& spec) {
        for (int i = 0; i < 100; ++i) {
            auto id = ops.identify(spec);
            if (!id.ok()) {
                ADD_FAILURE() << id.error().describe() << " | " << id.error().remark;
                return std::nullopt;
            }
            if (id->has_value()) return *id;
            std::this_thread::sleep_for(50ms);
        }
        return std::nullopt;
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
    EXPECT_TRUE(std::filesystem::is_directory(dir / "logs")) << "start creates the log folder";

    auto id_a = wait_listening(a);
    ASSERT_TRUE(id_a.has_value());
    EXPECT_EQ(id_a->pid, *pid_a);
    EXPECT_EQ(id_a->config_path, a.config_path);
    EXPECT_TRUE(id_a->config_matches);
    EXPECT_TRUE(id_a->home_matches) << "the spec names no home";
    ASSERT_TRUE(wait_listening(b).has_value());

    ASSERT_TRUE(ops.stop(a, 3s, KillPolicy::term_only).ok());
    EXPECT_TRUE(proc::wait_gone(*pid_a, 1s));
    EXPECT_TRUE(proc::alive(*pid_b)) << "stopping broker-a touched broker-b";
    auto still = ops.identify(b);
    ASSERT_TRUE(still.ok());
    ASSERT_TRUE(still->has_value());
    EXPECT_EQ((*still)->pid, *pid_b);
    auto none = ops.identify(a);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    EXPECT_TRUE(ops.stop(a, 1s, KillPolicy::term_only).ok()) << "nothing listening: stopped already";
}

// Many brokers of one machine listen on one port at different addresses (10911 on each 127.0.0.x):
// the probe for one dumps only its own listener's owner (and a wildcard's), not every owner of the port.
TEST_F(ShellHostOpsLocal, TheProbeLooksOnlyAtListenersOfTheNodesAddress) {
    ProcessSpec a = fake_broker("broker-a");
    ProcessSpec b = fake_broker("broker-b");
    const std::string port = a.address.substr(a.address.find(':') + 1);
    const std::string own = b.address;
    b.address = "127.0.0.2:" + port;  // the same port on another loopback address
    b.start_command.replace(b.start_command.find(own), own.size(), b.address);
    auto pid_a = ops.start(a);
    ASSERT_TRUE(pid_a.ok()) << pid_a.error().describe();
    auto pid_b = ops.start(b);
    ASSERT_TRUE(pid_b.ok()) << pid_b.error().describe();
    ASSERT_TRUE(wait_listening(a).has_value());
    auto id_b = wait_listening(b);
    ASSERT_TRUE(id_b.has_value());
    EXPECT_EQ(id_b->pid, *pid_b);
    auto raw = shell.exec(host_scripts::identify_listeners(std::stoi(port), "", "", "127.0.0.2"), ExecOptions{});
    ASSERT_TRUE(raw.ok());
    EXPECT_NE(raw->out.find("@pid " + std::to_string(*pid_b) + "\n"), std::string::npos) << raw->out;
    EXPECT_EQ(raw->out.find("@pid " + std::to_string(*pid_a) + "\n"), std::string::npos) << raw->out;
    // without an address every owner of the port is dumped (a host name in the inventory)
    auto all = shell.exec(host_scripts::identify_listeners(std::stoi(port), "", ""), ExecOptions{});
    ASSERT_TRUE(all.ok());
    EXPECT_NE(all->out.find("@pid " + std::to_string(*pid_a) + "\n"), std::string::npos) << all->out;
    ASSERT_TRUE(ops.stop(a, 3s, KillPolicy::term_only).ok());
    ASSERT_TRUE(ops.stop(b, 3s, KillPolicy::term_only).ok());
}

TEST_F(ShellHostOpsLocal, ASocketSharedByTwoProcessesIsAConflictAndNothingIsStopped) {
    ProcessSpec a = fake_broker("broker-a");
    // The listener forks: parent and child both own the socket.
    const std::string forked = "use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => '" + a.address +
                               "', Listen => 5, ReuseAddr => 1) or die; fork; sleep 1 while 1;";
    a.start_command = "exec perl -e " + shell_quote(forked) + " org.apache.rocketmq.broker.BrokerStartup -c " +
                      shell_quote(a.config_path) + " " + shell_quote(dir.path());
    ASSERT_TRUE(ops.start(a).ok());
    std::vector<int> both;
    for (int i = 0; i < 50 && both.size() < 2; ++i) {
        std::this_thread::sleep_for(20ms);
        both = proc::find_processes("BrokerStartup -c " + a.config_path);
    }
    ASSERT_EQ(both.size(), 2u);
    std::this_thread::sleep_for(100ms);
    auto id = ops.identify(a);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::conflict) << id.error().describe();
    auto st = ops.stop(a, 2s, KillPolicy::kill_after_term);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict) << st.error().describe();
    for (int pid : both) EXPECT_TRUE(proc::alive(pid));
}

TEST_F(ShellHostOpsLocal, AProcessWithAnotherConfigIsNeverStopped) {
    const ProcessSpec a = fake_broker("broker-a");
    auto pid = ops.start(a);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    ASSERT_TRUE(wait_listening(a).has_value());
    ProcessSpec other = a;
    other.config_path = dir / "broker-b.properties";
    auto st = ops.stop(other, 2s, KillPolicy::kill_after_term);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict);
    EXPECT_NE(st.error().message.find("nothing was stopped"), std::string::npos) << st.error().describe();
    EXPECT_TRUE(proc::alive(*pid));
}

TEST_F(ShellHostOpsLocal, WithoutSsTheListenerIsFoundThroughProcNetTcp) {
    const ProcessSpec a = fake_broker("broker-a");
    auto pid = ops.start(a);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    ASSERT_TRUE(wait_listening(a).has_value());
    // A PATH with every tool the probe uses except ss (iproute2 is not installed everywhere).
    const std::string bin = dir / "no-ss-bin";
    std::filesystem::create_directories(bin);
    for (const char* tool : {"id", "realpath", "readlink", "od", "tr", "cat", "awk", "find", "sed", "sort", "cut",
                             "grep", "head", "ps", "sleep", "dirname", "tail", "wc"}) {
        for (const std::string prefix : {"/usr/bin/", "/bin/"}) {
            if (std::filesystem::exists(prefix + tool)) {
                std::filesystem::create_symlink(prefix + tool, bin + "/" + tool);
                break;
            }
        }
    }
    const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", bin.c_str(), 1);
    auto raw = shell.exec(host_scripts::identify_listeners(std::stoi(a.address.substr(10)), "", ""), ExecOptions{});
    auto id = ops.identify(a);
    ::setenv("PATH", saved.c_str(), 1);
    ASSERT_TRUE(raw.ok());
    EXPECT_NE(raw->out.find("\n@proc\n"), std::string::npos) << raw->out;
    EXPECT_NE(raw->out.find("@inode "), std::string::npos) << raw->out;
    ASSERT_TRUE(id.ok()) << id.error().describe() << " | " << id.error().remark;
    ASSERT_TRUE(id->has_value());
    EXPECT_EQ((*id)->pid, *pid);
    EXPECT_TRUE((*id)->config_matches);
}

TEST_F(ShellHostOpsLocal, StartDetectsImmediateExitWithTheLogTail) {
    ProcessSpec spec = fake_broker("broker-x");
    std::filesystem::create_directories(dir / "logs");
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
    const ProcessSpec s = fake_broker("stubborn", "$SIG{TERM} = 'IGNORE';");
    auto pid = ops.start(s);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    ASSERT_TRUE(wait_listening(s).has_value());
    auto st = ops.stop(s, 400ms, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::timeout);
    EXPECT_TRUE(proc::alive(*pid));
    ASSERT_TRUE(ops.stop(s, 400ms, KillPolicy::kill_after_term).ok());
    EXPECT_TRUE(proc::wait_gone(*pid, 1s));
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

TEST_F(ShellHostOpsLocal, HostileConfigAndHomePathsStayLiteralInTheIdentityProbe) {
    const std::string tag = "rmqup-pwned-id-" + std::to_string(::getpid());
    const std::string sentinel = (std::filesystem::current_path() / tag).string();
    ProcessSpec a = fake_broker("broker-a");
    ASSERT_TRUE(ops.start(a).ok());
    ASSERT_TRUE(wait_listening(a).has_value());
    a.config_path = dir / ("conf $(touch " + tag + ") `touch " + tag + "`; it's.properties");
    a.home = dir / ("home'; touch " + tag + "; '");
    auto id = ops.identify(a);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    ASSERT_TRUE(id->has_value());
    EXPECT_FALSE((*id)->config_matches);
    EXPECT_EQ((*id)->expected_config, a.config_path);
    EXPECT_EQ((*id)->expected_home, a.home);
    EXPECT_FALSE(std::filesystem::exists(sentinel)) << "a path executed a command";
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
    test::DistHomeOptions dist;
    dist.version = "5.3.1";
    dist.sim_bin = "/nonexistent/rmq-sim";
    ASSERT_TRUE(test::write_dist_home(home, dist).ok());
    std::filesystem::remove(home + "/bin/runserver.sh");
    ASSERT_TRUE(test::write_fake_java_home(dir / "jdk-17", "17.0.15").ok());
    std::ofstream(spec.config_path + ".rmqup-pristine") << "old\n";
    std::ofstream(spec.config_path + ".rmqup-1a2b.pristine") << "old\n";

    FactsRequest req;
    req.java_home = dir / "jdk-17";
    req.homes = {home, dir / "absent-home"};
    req.log_paths = {home + "/logs/broker-a.out", "/dev/null/logs/x.out"};
    req.store_paths = {spec.store_path + "/not/yet/created", ""};
    req.config_paths = {spec.config_path};
    auto facts = ops.facts(req);
    ASSERT_TRUE(facts.ok()) << facts.error().describe() << " | " << facts.error().remark;
    EXPECT_EQ(facts->java.java_home, dir / "jdk-17");
    EXPECT_EQ(facts->java.java, dir / "jdk-17/bin/java");
    EXPECT_EQ(facts->java.source, "javaHome");
    EXPECT_EQ(facts->java.version, "17.0.15");
    ASSERT_EQ(facts->homes.size(), 2u);
    EXPECT_TRUE(facts->homes[0].present);
    EXPECT_EQ(facts->homes[0].missing, std::vector<std::string>{"bin/runserver.sh"});
    EXPECT_EQ(facts->homes[0].broker_jar_version, "5.3.1");
    EXPECT_EQ(facts->homes[0].namesrv_jar_version, "5.3.1");
    EXPECT_FALSE(facts->homes[1].present);
    EXPECT_EQ(facts->uncreatable_log_folders, std::vector<std::string>{"/dev/null/logs"});
    EXPECT_FALSE(std::filesystem::exists(home + "/logs")) << "facts never change the host";
    ASSERT_EQ(facts->store_free_bytes.size(), 2u);
    ASSERT_TRUE(facts->store_free_bytes[0].has_value());
    EXPECT_GT(*facts->store_free_bytes[0], 0);
    EXPECT_FALSE(facts->store_free_bytes[1].has_value());
    EXPECT_EQ(facts->snapshots, (std::vector<std::string>{spec.config_path + ".rmqup-pristine",
                                                          spec.config_path + ".rmqup-1a2b.pristine"}));
}

TEST_F(ShellHostOpsLocal, JavaIsResolvedLikeRunbrokerShAndNeverFromPath) {
    // A javaHome without bin/java: the scripts fall back to $HOME/jdk/java, then /usr/java.
    FactsRequest req;
    req.java_home = dir / "no-java";
    auto facts = ops.facts(req);
    ASSERT_TRUE(facts.ok()) << facts.error().describe();
    if (std::filesystem::exists("/usr/java/bin/java") ||
        std::filesystem::exists(std::string(std::getenv("HOME") ? std::getenv("HOME") : "/") + "/jdk/java/bin/java")) {
        GTEST_SKIP() << "this host has a fallback Java";
    }
    EXPECT_TRUE(facts->java.java.empty()) << facts->java.java << " (" << facts->java.source << ")";
    EXPECT_FALSE(facts->java.version.has_value());

    // No JAVA_HOME at all: the scripts test "/bin/java" (an empty $JAVA_HOME) and run it if present.
    const char* env = std::getenv("JAVA_HOME");
    const std::string saved = env ? env : "";
    ::unsetenv("JAVA_HOME");
    auto unset = ops.facts(FactsRequest{});
    if (env) ::setenv("JAVA_HOME", saved.c_str(), 1);
    ASSERT_TRUE(unset.ok());
    if (std::filesystem::exists("/bin/java")) {
        EXPECT_EQ(unset->java.java, "/bin/java");
        EXPECT_EQ(unset->java.java_home, "");
        EXPECT_EQ(unset->java.source, "JAVA_HOME unset");
    }
}

}  // namespace
}  // namespace rmqup
