// Process identity, stop and start of ShellHostOps against rmq-sim run from distribution-shaped
// homes (tests/support/dist_home.hpp), over the local transport and over a real sshd: the ways
// real installations differ (zip layout without logs/, relative -c, symlinked config folders, an
// inherited ROCKETMQ_HOME, service-manager stops, shared sockets).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "../sim/sim_process.hpp"
#include "process_cleanup.hpp"
#include "dist_home.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"
#include "rmqup/hostops/shell_host_ops.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/rehearsal/sshd_instance.hpp"
#include "rmqup/ssh/local_shell.hpp"
#include "rmqup/ssh/ssh_shell.hpp"

namespace rmqup {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string canonical(const std::string& path) { return fs::weakly_canonical(path).string(); }

void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

enum class Transport { local, ssh };

// One sshd for the whole suite (started lazily by the first ssh case).
SshdInstance* shared_sshd(std::string& error) {
    static std::unique_ptr<SshdInstance> sshd;
    static std::string start_error;
    if (!sshd && start_error.empty()) {
        SshdOptions o;
        o.address = "127.0.0.2";
        auto candidate = std::make_unique<SshdInstance>(o);
        auto st = candidate->start();
        if (st.ok()) {
            sshd = std::move(candidate);
        } else {
            start_error = st.error().describe() + " " + st.error().remark;
        }
    }
    error = start_error;
    return sshd.get();
}

class HostIdentity : public ::testing::TestWithParam<Transport> {
protected:
    void SetUp() override {
        if (GetParam() == Transport::ssh) {
            if (!sshd_available()) GTEST_SKIP() << "openssh-server not installed";
            std::string error;
            SshdInstance* sshd = shared_sshd(error);
            ASSERT_NE(sshd, nullptr) << "sshd did not start: " << error;
            SshConfig c;
            c.host_name = "test-host";
            c.address = sshd->address();
            c.port = sshd->port();
            c.user = sshd->user();
            c.identity_file = sshd->identity_file();
            c.known_hosts = sshd->known_hosts_path();
            c.connect_timeout = 3s;
            c.auth_timeout = 3s;
            shell = std::make_unique<SshShell>(c);
        } else {
            shell = std::make_unique<LocalShell>();
        }
        ShellHostOpsOptions o;
        o.start_settle = 500ms;
        o.poll_interval = 50ms;
        o.command_timeout = 10s;
        o.restart_watch = 2s;
        ops = std::make_unique<ShellHostOps>(*shell, o);
        for (const char* v : {"4.8.0", "4.9.7"}) {
            test::DistHomeOptions d;
            d.version = v;
            d.sim_bin = RMQUP_SIM_BIN;
            ASSERT_TRUE(test::write_dist_home(home(v), d).ok());
        }
        ASSERT_TRUE(test::write_fake_java_home(jdk8(), "1.8.0_392").ok());
        port = rmqsim::test::free_port("127.0.0.1");
        ASSERT_NE(port, 0);
    }

    std::string home(const std::string& version) const { return dir / ("rocketmq-" + version); }
    std::string jdk8() const { return dir / "jdk8"; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port); }

    // broker.properties for broker-a on this test's port, with no NameServer to register with.
    std::string broker_properties() const {
        return "brokerClusterName=TestCluster\nbrokerName=broker-a\nbrokerId=0\nbrokerRole=ASYNC_MASTER\n"
               "brokerIP1=127.0.0.1\nlistenPort=" +
               std::to_string(port) + "\nnamesrvAddr=127.0.0.1:1\nstorePathRootDir=" + (dir / "store") + "\n";
    }

    // The node as the inventory describes it: broker-a at version's home with config.
    ProcessSpec broker(const std::string& version, const std::string& config) const {
        ProcessSpec s;
        s.kind = ProcessKind::broker;
        s.name = "broker-a@0";
        s.host = "test-host";
        s.address = address();
        s.home = home(version);
        s.java_home = jdk8();
        s.config_path = config;
        s.match = default_broker_match(config);
        s.store_path = dir / "store";
        s.log_path = home(version) + "/logs/rmqup-broker-a-0.out";
        s.start_command = render_broker_start_command(s.home, config, s.java_home);
        return s;
    }

    // Polls identify until something listens on spec.address (or the error it reports).
    Result<ProcessIdentity> wait_listening(const ProcessSpec& spec, std::chrono::milliseconds limit = 15s) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (true) {
            auto id = ops->identify(spec);
            if (!id.ok()) return std::move(id).error();
            if (id->has_value()) return **id;
            if (std::chrono::steady_clock::now() > end) return make_error(ErrorKind::timeout, "nothing listens");
            std::this_thread::sleep_for(100ms);
        }
    }

    // A process started behind the orchestrator's back (an operator's shell).
    void run_detached(const std::string& command, const std::string& log) {
        auto r = shell->exec("setsid nohup sh -c " + shell_quote(command) + " >> " + shell_quote(log) +
                                 " 2>&1 < /dev/null &",
                             ExecOptions{});
        ASSERT_TRUE(r.ok()) << r.error().describe();
    }

    test::ScratchDir dir;
    std::unique_ptr<RemoteShell> shell;
    std::unique_ptr<ShellHostOps> ops;
    int port = 0;
};

TEST_P(HostIdentity, ABrokerFromAZipShapedHomeStartsIsIdentifiedAndStops) {
    const std::string config = dir / "conf/broker-a.properties";
    write(config, broker_properties());
    const ProcessSpec spec = broker("4.9.7", config);
    ASSERT_FALSE(fs::exists(home("4.9.7") + "/logs")) << "the release has no logs/";
    auto pid = ops->start(spec);
    ASSERT_TRUE(pid.ok()) << pid.error().describe() << " | " << pid.error().remark;
    EXPECT_TRUE(fs::is_directory(home("4.9.7") + "/logs"));
    auto id = wait_listening(spec);
    ASSERT_TRUE(id.ok()) << id.error().describe() << " | " << id.error().remark;
    EXPECT_EQ(id->home, canonical(home("4.9.7")));
    EXPECT_EQ(id->home_source, "classpath");
    EXPECT_EQ(id->home_env, canonical(home("4.9.7"))) << "the start sets ROCKETMQ_HOME explicitly";
    EXPECT_EQ(id->config_path, canonical(config));
    EXPECT_TRUE(id->config_matches);
    EXPECT_TRUE(id->home_matches);
    EXPECT_NE(id->args.find("org.apache.rocketmq.broker.BrokerStartup --version 4.9.7"), std::string::npos) << id->args;

    ASSERT_TRUE(ops->stop(spec, 5s, KillPolicy::term_only).ok());
    EXPECT_TRUE(proc::wait_gone(id->pid, 2s));
    auto after = ops->identify(spec);
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(after->has_value());
}

TEST_P(HostIdentity, ARelativeConfigStartedFromInsideTheHomeIsIdentified) {
    const std::string config = home("4.9.7") + "/conf/broker-a.properties";
    write(config, broker_properties());
    const ProcessSpec spec = broker("4.9.7", config);
    // The quick-start form: cd into the home, relative -c, no ROCKETMQ_HOME.
    run_detached("cd " + shell_quote(home("4.9.7")) + " && unset ROCKETMQ_HOME; JAVA_HOME=" + shell_quote(jdk8()) +
                     " sh bin/mqbroker -c conf/broker-a.properties",
                 dir / "quickstart.out");
    auto id = wait_listening(spec);
    ASSERT_TRUE(id.ok()) << id.error().describe() << " | " << id.error().remark;
    EXPECT_NE(id->args.find(" -c conf/broker-a.properties"), std::string::npos) << id->args;
    EXPECT_EQ(id->cwd, canonical(home("4.9.7")));
    EXPECT_EQ(id->config_path, canonical(config));
    EXPECT_TRUE(id->config_matches) << "relative -c resolved against /proc/<pid>/cwd";
    EXPECT_TRUE(id->home_matches);
    ASSERT_TRUE(ops->stop(spec, 5s, KillPolicy::term_only).ok());
    EXPECT_TRUE(proc::wait_gone(id->pid, 2s));
}

TEST_P(HostIdentity, AConfigReachedThroughASymlinkedFolderIsIdentified) {
    const std::string real = dir / "real-conf/broker-a.properties";
    write(real, broker_properties());
    fs::create_directory_symlink(dir / "real-conf", dir / "conf-link");
    const std::string through_link = dir / "conf-link/broker-a.properties";
    run_detached(render_broker_start_command(home("4.9.7"), through_link, jdk8()), dir / "linked.out");
    for (const std::string& inventory_path : {real, through_link}) {
        auto id = wait_listening(broker("4.9.7", inventory_path));
        ASSERT_TRUE(id.ok()) << id.error().describe() << " | " << id.error().remark;
        EXPECT_EQ(id->config_path, canonical(real));
        EXPECT_TRUE(id->config_matches) << inventory_path;
    }
    ASSERT_TRUE(ops->stop(broker("4.9.7", real), 5s, KillPolicy::term_only).ok());
}

TEST_P(HostIdentity, AnInheritedOldRocketmqHomeIsSeenAndTheDefaultStartOverridesIt) {
    const std::string config = dir / "conf/broker-a.properties";
    write(config, broker_properties());
    const ProcessSpec target = broker("4.9.7", config);
    const ProcessSpec current = broker("4.8.0", config);
    const std::string profile = "ROCKETMQ_HOME=" + shell_quote(home("4.8.0")) + "; export ROCKETMQ_HOME; ";
    // What the old default command did under an operator's profile: the TARGET script, the OLD home.
    run_detached(profile + "JAVA_HOME=" + shell_quote(jdk8()) + " sh " + shell_quote(home("4.9.7") + "/bin/mqbroker") +
                     " -c " + shell_quote(config),
                 dir / "inherited.out");
    auto old = wait_listening(target);
    ASSERT_TRUE(old.ok()) << old.error().describe() << " | " << old.error().remark;
    EXPECT_EQ(old->home, canonical(home("4.8.0")));
    EXPECT_EQ(old->home_env, canonical(home("4.8.0")));
    EXPECT_FALSE(old->home_matches) << "the target spec expects " << old->expected_home;
    EXPECT_NE(old->args.find("--version 4.8.0"), std::string::npos) << old->args;

    auto refused = ops->stop(target, 5s, KillPolicy::kill_after_term);
    ASSERT_FALSE(refused.ok()) << "a process of another home is never stopped as the target";
    EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
    EXPECT_TRUE(proc::alive(old->pid));
    ASSERT_TRUE(ops->stop(current, 5s, KillPolicy::term_only).ok());
    EXPECT_TRUE(proc::wait_gone(old->pid, 2s));

    // The default start command sets ROCKETMQ_HOME itself: the profile no longer wins.
    ProcessSpec fixed = target;
    fixed.start_command = profile + target.start_command;
    ASSERT_TRUE(ops->start(fixed).ok());
    auto now = wait_listening(target);
    ASSERT_TRUE(now.ok()) << now.error().describe();
    EXPECT_EQ(now->home, canonical(home("4.9.7")));
    EXPECT_TRUE(now->home_matches);
    EXPECT_NE(now->args.find("--version 4.9.7"), std::string::npos) << now->args;
    ASSERT_TRUE(ops->stop(target, 5s, KillPolicy::term_only).ok());
}

// A stand-in for systemctl: "stop <unit>" ends the PID in units/<unit>.pid; when units/<unit>.restart
// exists it is run again at once, like a unit with Restart=always.
std::string write_fake_systemctl(const test::ScratchDir& dir) {
    const std::string path = dir / "bin/systemctl";
    write(path, "#!/bin/sh\n"
                "[ \"$1\" = stop ] || { echo \"unsupported: $*\" >&2; exit 1; }\n"
                "state=" + shell_quote(dir / "units") + "; unit=$2\n"
                "pid=$(cat \"$state/$unit.pid\") || exit 5\n"
                "kill \"$pid\"\n"
                "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) || return 1; case \"$s\" in *Z*|'') return 1;; esac; }\n"
                "n=0; while alive \"$pid\" && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done\n"
                "if [ -f \"$state/$unit.restart\" ]; then\n"
                "  setsid nohup sh \"$state/$unit.restart\" >> \"$state/$unit.log\" 2>&1 < /dev/null &\n"
                "fi\n");
    fs::permissions(path, fs::perms::owner_all);
    fs::create_directories(dir / "units");
    return path;
}

TEST_P(HostIdentity, AStopTemplateEndsTheIdentifiedPid) {
    const std::string config = dir / "conf/broker-a.properties";
    write(config, broker_properties());
    ProcessSpec spec = broker("4.9.7", config);
    spec.stop_command = shell_quote(write_fake_systemctl(dir)) + " stop rocketmq-broker@broker-a";
    ASSERT_TRUE(ops->start(spec).ok());
    auto id = wait_listening(spec);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    write(dir / "units/rocketmq-broker@broker-a.pid", std::to_string(id->pid) + "\n");
    auto st = ops->stop(spec, 5s, KillPolicy::term_only);
    ASSERT_TRUE(st.ok()) << st.error().describe() << " | " << st.error().remark;
    EXPECT_TRUE(proc::wait_gone(id->pid, 2s));
    auto after = ops->identify(spec);
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(after->has_value());
}

TEST_P(HostIdentity, AUnitThatRestartsTheOldBinaryIsReportedNotAccepted) {
    const std::string config = dir / "conf/broker-a.properties";
    write(config, broker_properties());
    ProcessSpec spec = broker("4.9.7", config);
    spec.stop_command = shell_quote(write_fake_systemctl(dir)) + " stop rocketmq-broker@broker-a";
    ASSERT_TRUE(ops->start(spec).ok());
    auto id = wait_listening(spec);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    write(dir / "units/rocketmq-broker@broker-a.pid", std::to_string(id->pid) + "\n");
    // The unit's ExecStart still names the old home.
    write(dir / "units/rocketmq-broker@broker-a.restart", broker("4.8.0", config).start_command + "\n");
    auto st = ops->stop(spec, 5s, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict);
    const std::string text = st.error().describe();
    EXPECT_NE(text.find("pid " + std::to_string(id->pid) + " exited, but pid "), std::string::npos) << text;
    EXPECT_NE(text.find("home " + canonical(home("4.8.0"))), std::string::npos) << text;
    EXPECT_NE(text.find("restarted it"), std::string::npos) << text;
}

TEST_P(HostIdentity, TwoProcessesOnTheSocketAreAConflict) {
    if (!fs::exists("/usr/bin/perl")) GTEST_SKIP() << "perl not installed";
    const std::string config = dir / "conf/broker-a.properties";
    write(config, broker_properties());
    const ProcessSpec spec = broker("4.9.7", config);
    const std::string code = "use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => '" + address() +
                             "', Listen => 5, ReuseAddr => 1) or die; fork; sleep 1 while 1;";
    run_detached("exec perl -e " + shell_quote(code) + " org.apache.rocketmq.broker.BrokerStartup -c " +
                     shell_quote(config) + " " + shell_quote(dir.path()),
                 dir / "perl.out");
    const auto end = std::chrono::steady_clock::now() + 10s;
    Result<std::optional<ProcessIdentity>> id = std::optional<ProcessIdentity>{};
    while (std::chrono::steady_clock::now() < end) {
        id = ops->identify(spec);
        if (!id.ok()) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::conflict);
    EXPECT_NE(id.error().message.find("2 processes listen on port " + std::to_string(port)), std::string::npos)
        << id.error().describe();
}

TEST_P(HostIdentity, ANameServerIsIdentifiedAndIsNotTakenForABroker) {
    const std::string config = dir / "conf/namesrv.properties";
    write(config, "listenPort=" + std::to_string(port) + "\nrmqsimListenAddress=127.0.0.1\n");
    ProcessSpec ns;
    ns.kind = ProcessKind::nameserver;
    ns.name = address();
    ns.host = "test-host";
    ns.address = address();
    ns.home = home("4.9.7");
    ns.java_home = jdk8();
    ns.config_path = config;
    ns.log_path = home("4.9.7") + "/logs/rmqup-namesrv.out";
    ns.start_command = render_nameserver_start_command(ns.home, config, ns.java_home);
    ASSERT_TRUE(ops->start(ns).ok());
    auto id = wait_listening(ns);
    ASSERT_TRUE(id.ok()) << id.error().describe() << " | " << id.error().remark;
    EXPECT_TRUE(id->home_matches);
    EXPECT_NE(id->args.find("NamesrvStartup"), std::string::npos);
    auto as_broker = ops->identify(broker("4.9.7", config));
    ASSERT_FALSE(as_broker.ok());
    EXPECT_NE(as_broker.error().message.find("is a NameServer (NamesrvStartup)"), std::string::npos);
    ASSERT_TRUE(ops->stop(ns, 5s, KillPolicy::term_only).ok());
}

TEST_P(HostIdentity, AStartWithoutJavaQuotesTheScriptsError) {
    const char* home_env = std::getenv("HOME");
    if (fs::exists("/usr/java/bin/java") || (home_env && fs::exists(std::string(home_env) + "/jdk/java/bin/java"))) {
        GTEST_SKIP() << "this host has a fallback Java";
    }
    const std::string config = dir / "conf/broker-a.properties";
    write(config, broker_properties());
    ProcessSpec spec = broker("4.9.7", config);
    // A JAVA_HOME without bin/java: the scripts try $HOME/jdk/java and /usr/java, never PATH.
    spec.start_command = render_broker_start_command(spec.home, config, dir / "no-jdk");
    auto pid = ops->start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::rejected);
    EXPECT_NE(pid.error().remark.find("Please set the JAVA_HOME variable"), std::string::npos) << pid.error().remark;

    // RocketMQ before 4.9.3 cannot run on Java 9+ (its scripts pass -Djava.ext.dirs).
    ASSERT_TRUE(test::write_fake_java_home(dir / "jdk17", "17.0.15").ok());
    ProcessSpec old = broker("4.8.0", config);
    old.start_command = render_broker_start_command(old.home, config, dir / "jdk17");
    auto refused = ops->start(old);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().remark.find("Could not create the Java Virtual Machine"), std::string::npos)
        << refused.error().remark;
}

INSTANTIATE_TEST_SUITE_P(Transports, HostIdentity, ::testing::Values(Transport::local, Transport::ssh),
                         [](const ::testing::TestParamInfo<Transport>& p) {
                             return std::string(p.param == Transport::local ? "Local" : "Ssh");
                         });

}  // namespace
}  // namespace rmqup
