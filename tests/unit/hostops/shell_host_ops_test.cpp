// ShellHostOps against a scripted shell: the exact commands it sends and how it reads the replies.
#include <gtest/gtest.h>

#include <memory>

#include "fake_shell.hpp"
#include "rmqup/hostops/host_scripts.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"
#include "rmqup/hostops/shell_host_ops.hpp"

namespace rmqup {
namespace {

using namespace std::chrono_literals;

const std::string k_alive =
    "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) || return 1; case \"$s\" in *Z*|'') return 1;; esac; "
    "return 0; }; ";

class ShellHostOpsTest : public ::testing::Test {
protected:
    ShellHostOpsTest() : ops(shell, options()) {
        spec.kind = ProcessKind::broker;
        spec.name = "broker-a@0";
        spec.host = "host-1";
        spec.match = "-c /opt/conf/broker-a.properties";
        spec.config_path = "/opt/conf/broker-a.properties";
        spec.store_path = "/data/store-a";
        spec.log_path = "/var/log/rmq/broker-a.out";
        spec.start_command = render_broker_start_command("/opt/rocketmq-4.9.7", spec.config_path);
    }
    static ShellHostOpsOptions options() {
        ShellHostOpsOptions o;
        o.start_settle = 1500ms;
        o.poll_interval = 200ms;
        o.kill_wait = 1000ms;
        o.command_timeout = 5000ms;
        return o;
    }
    test::FakeShell shell;
    ShellHostOps ops;
    ProcessSpec spec;
};

// od-style hex of bytes, as the identify probe prints values.
std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

struct Proc {
    int pid = 0;
    std::vector<std::string> argv;
    std::string cwd;
    std::string env_home;
};

const std::vector<std::string> k_broker_497 = {
    "/usr/lib/jvm/java-8/bin/java", "-server", "-cp",
    ".:/opt/rocketmq-4.9.7/bin/../conf:/opt/rocketmq-4.9.7/bin/../lib/*:", "org.apache.rocketmq.broker.BrokerStartup",
    "-c", "conf/broker-a.properties"};

// What identify_listeners prints on a host with ss: the ss lines, then one dump per pid.
std::string probe(const std::vector<std::string>& ss_lines, const std::vector<Proc>& procs) {
    std::string out = "@user rocketmq\n@spec-config " + hex("/opt/conf/broker-a.properties") + "\n@spec-home " +
                      hex("/opt/rocketmq-4.9.7") + "\n@ss\n";
    for (const auto& l : ss_lines) out += "= " + l + "\n";
    for (const auto& p : procs) {
        std::string raw;
        for (const auto& a : p.argv) raw += a + std::string(1, '\0');
        out += "@pid " + std::to_string(p.pid) + "\n@cmdline " + hex(raw) + "\n@cwd " + hex(p.cwd) + "\n@env-home " +
               hex(p.env_home) + "\n";
    }
    return out + "@end\n";
}

std::string listener(int pid, const std::string& local = "*:10911") {
    return "LISTEN 0 1024 " + local + " *:* users:((\"java\",pid=" + std::to_string(pid) + ",fd=120))";
}

std::string resolved(const std::string& config, const std::string& home, const std::string& env_home = "") {
    return hex(config) + "\n" + hex(home) + "\n" + hex(env_home) + "\n@end\n";
}

class IdentifyTest : public ShellHostOpsTest {
protected:
    IdentifyTest() {
        spec.address = "127.0.0.1:10911";
        spec.home = "/opt/rocketmq-4.9.7";
    }
    // The broker of k_broker_497 listening, its paths resolved as expected.
    void reply_found(int pid = 4242) {
        shell.reply(probe({listener(pid)}, {{pid, k_broker_497, "/opt/rocketmq-4.9.7", ""}}));
        shell.reply(resolved("/opt/conf/broker-a.properties", "/opt/rocketmq-4.9.7"));
    }
};

TEST_F(IdentifyTest, FindsTheListenerAndResolvesConfigAndHomeInItsCwd) {
    reply_found();
    auto id = ops.identify(spec);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    ASSERT_TRUE(id->has_value());
    EXPECT_EQ((*id)->pid, 4242);
    EXPECT_EQ((*id)->config_path, "/opt/conf/broker-a.properties");
    EXPECT_EQ((*id)->home, "/opt/rocketmq-4.9.7");
    EXPECT_EQ((*id)->home_source, "classpath");
    EXPECT_TRUE((*id)->config_matches);
    EXPECT_TRUE((*id)->home_matches);
    ASSERT_EQ(shell.commands.size(), 2u);
    EXPECT_NE(shell.commands[0].find("port=10911;"), std::string::npos);
    EXPECT_NE(shell.commands[0].find("ss -ltnpH \"sport = :$port\""), std::string::npos);
    EXPECT_NE(shell.commands[0].find("/proc/net/tcp /proc/net/tcp6"), std::string::npos);
    EXPECT_NE(shell.commands[0].find("rp '/opt/conf/broker-a.properties'"), std::string::npos);
    EXPECT_NE(shell.commands[1].find("cd -- '/opt/rocketmq-4.9.7' 2>/dev/null || cd /; for p in "
                                     "'conf/broker-a.properties' '/opt/rocketmq-4.9.7/bin/..' ''; do"),
              std::string::npos)
        << shell.commands[1];
}

TEST_F(IdentifyTest, NothingListeningIsNulloptInOneRoundTrip) {
    shell.reply(probe({}, {}));
    auto id = ops.identify(spec);
    ASSERT_TRUE(id.ok());
    EXPECT_FALSE(id->has_value());
    EXPECT_EQ(shell.commands.size(), 1u);
}

TEST_F(IdentifyTest, AListenerOnAnotherAddressOfThePortIsNotTheNode) {
    shell.reply(probe({listener(7, "127.0.0.2:10911")}, {{7, k_broker_497, "/", ""}}));
    auto id = ops.identify(spec);
    ASSERT_TRUE(id.ok());
    EXPECT_FALSE(id->has_value());
}

TEST_F(IdentifyTest, TwoProcessesListeningIsAConflict) {
    shell.reply(probe({listener(100, "127.0.0.1:10911"), listener(200, "0.0.0.0:10911")},
                      {{100, k_broker_497, "/", ""}, {200, k_broker_497, "/", ""}}));
    auto id = ops.identify(spec);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::conflict);
    EXPECT_NE(id.error().message.find("PIDs 100, 200"), std::string::npos) << id.error().describe();
}

TEST_F(IdentifyTest, AnUnreadableOwnerIsAConflictThatSuggestsSudo) {
    // probed three times (an owner can be unreadable for a moment while a process starts or exits)
    for (int i = 0; i < 3; ++i) shell.reply(probe({"LISTEN 0 1024 *:10911 *:*"}, {}));
    auto id = ops.identify(spec);
    EXPECT_EQ(shell.commands.size(), 3u);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::conflict);
    const std::string text = id.error().describe();
    EXPECT_NE(text.find("PID cannot be read"), std::string::npos) << text;
    EXPECT_NE(text.find("'rocketmq'"), std::string::npos) << text;
    EXPECT_NE(text.find("`sudo: true` for host host-1"), std::string::npos) << text;
}

TEST_F(IdentifyTest, ANameServerOnTheBrokerPortIsAConflict) {
    shell.reply(probe({listener(9)},
                      {{9, {"java", "-cp", "/h/lib/*", "org.apache.rocketmq.namesrv.NamesrvStartup"}, "/", ""}}));
    auto id = ops.identify(spec);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::conflict);
    EXPECT_NE(id.error().message.find("is a NameServer (NamesrvStartup), not the broker"), std::string::npos)
        << id.error().describe();
}

TEST_F(IdentifyTest, AnInheritedOldHomeIsShownAndDoesNotMatch) {
    shell.reply(probe({listener(11)},
                      {{11, {"/b/rmq-sim", "broker", "--version", "4.8.0", "-c", "/opt/conf/broker-a.properties"}, "/",
                        "/opt/rocketmq-4.8.0"}}));
    shell.reply(resolved("/opt/conf/broker-a.properties", "/opt/rocketmq-4.8.0", "/opt/rocketmq-4.8.0"));
    auto id = ops.identify(spec);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    ASSERT_TRUE(id->has_value());
    EXPECT_EQ((*id)->home, "/opt/rocketmq-4.8.0");
    EXPECT_EQ((*id)->home_env, "/opt/rocketmq-4.8.0");
    EXPECT_EQ((*id)->home_source, "ROCKETMQ_HOME");
    EXPECT_FALSE((*id)->home_matches);
    EXPECT_TRUE((*id)->config_matches);
    EXPECT_EQ((*id)->expected_home, "/opt/rocketmq-4.9.7");
}

TEST_F(IdentifyTest, AMalformedAddressIsInvalidInput) {
    spec.address = "nowhere";
    auto id = ops.identify(spec);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::invalid_input);
    EXPECT_TRUE(shell.commands.empty());
}

class StopTest : public IdentifyTest {
protected:
    StopTest() {
        ShellHostOpsOptions o = options();
        o.restart_watch = 0ms;
        stopper = std::make_unique<ShellHostOps>(shell, o);
    }
    std::unique_ptr<ShellHostOps> stopper;
};

TEST_F(StopTest, TermsTheIdentifiedPidWaitsAndChecksNothingCameBack) {
    reply_found();
    shell.reply("gone\n");
    shell.reply(probe({}, {}));
    ASSERT_TRUE(stopper->stop(spec, 1000ms, KillPolicy::term_only).ok());
    ASSERT_EQ(shell.commands.size(), 4u);
    EXPECT_EQ(shell.commands[2], k_alive +
                                     "kill -TERM 4242 2>/dev/null; n=0; while alive 4242; do if [ \"$n\" -ge 5 ]; "
                                     "then echo alive; exit 0; fi; sleep 0.200; n=$((n+1)); done; echo gone");
    EXPECT_EQ(shell.timeouts[2], 1000ms + 5000ms);
    for (const auto& c : shell.commands) EXPECT_EQ(c.find("mqshutdown"), std::string::npos);
}

TEST_F(IdentifyTest, TheRestartWatchLingersInTheWaitScriptNotInAnExtraRoundTrip) {
    reply_found();
    shell.reply("gone\n");
    shell.reply(probe({}, {}));
    ASSERT_TRUE(ops.stop(spec, 1000ms, KillPolicy::term_only).ok());
    ASSERT_EQ(shell.commands.size(), 4u);
    EXPECT_NE(shell.commands[2].find("n=$((n+1)); done; sleep 1.000; echo gone"), std::string::npos) << shell.commands[2];
    EXPECT_EQ(shell.timeouts[2], 1000ms + 1000ms + 5000ms);
}

TEST_F(StopTest, NothingListeningSucceedsAtOnce) {
    shell.reply(probe({}, {}));
    ASSERT_TRUE(stopper->stop(spec, 1000ms, KillPolicy::term_only).ok());
    EXPECT_EQ(shell.commands.size(), 1u);
}

TEST_F(StopTest, AnotherConfigIsAConflictAndNothingIsSignalled) {
    shell.reply(probe({listener(4242)}, {{4242, k_broker_497, "/opt/rocketmq-4.9.7", ""}}));
    shell.reply(resolved("/opt/rocketmq-4.9.7/conf/broker-b.properties", "/opt/rocketmq-4.9.7"));
    auto st = stopper->stop(spec, 1000ms, KillPolicy::kill_after_term);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict);
    const std::string text = st.error().describe();
    EXPECT_NE(text.find("pid 4242 (home /opt/rocketmq-4.9.7 from classpath, config "
                        "/opt/rocketmq-4.9.7/conf/broker-b.properties)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("config /opt/conf/broker-a.properties); nothing was stopped"), std::string::npos) << text;
    EXPECT_EQ(shell.commands.size(), 2u);
}

TEST_F(StopTest, TermOnlyReportsTimeoutAndNeverKills) {
    reply_found();
    shell.reply("alive\n");
    auto st = stopper->stop(spec, 1000ms, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::timeout);
    for (const auto& c : shell.commands) EXPECT_EQ(c.find("-KILL"), std::string::npos);
}

TEST_F(StopTest, KillAfterTermSendsSigkill) {
    reply_found();
    shell.reply("alive\n");
    shell.reply("gone\n");
    shell.reply(probe({}, {}));
    ASSERT_TRUE(stopper->stop(spec, 1000ms, KillPolicy::kill_after_term).ok());
    ASSERT_EQ(shell.commands.size(), 5u);
    EXPECT_NE(shell.commands[3].find("kill -KILL 4242"), std::string::npos);
}

TEST_F(StopTest, AStopCommandRunsAndARestartedProcessIsReported) {
    spec.stop_command = "systemctl stop 'rocketmq-broker@broker-a'";
    reply_found();
    shell.reply("gone\n");
    shell.reply(probe({listener(5000)}, {{5000, k_broker_497, "/", ""}}));
    shell.reply(resolved("/opt/conf/broker-a.properties", "/opt/rocketmq-4.8.0"));
    auto st = stopper->stop(spec, 1000ms, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict);
    const std::string text = st.error().describe();
    EXPECT_NE(text.find("pid 4242 exited, but pid 5000 (home /opt/rocketmq-4.8.0"), std::string::npos) << text;
    EXPECT_NE(text.find("restarted it"), std::string::npos) << text;
    EXPECT_EQ(shell.commands[2],
              k_alive + "out=$(sh -c 'systemctl stop '\\''rocketmq-broker@broker-a'\\''' 2>&1 < /dev/null); rc=$?; "
                        "if [ \"$rc\" -ne 0 ]; then echo \"stop-failed $rc\"; printf '%s\\n' \"$out\" | tail -n 20; "
                        "exit 0; fi; n=0; while alive 4242; do if [ \"$n\" -ge 5 ]; then echo alive; exit 0; fi; "
                        "sleep 0.200; n=$((n+1)); done; echo gone");
    for (const auto& c : shell.commands) EXPECT_EQ(c.find("kill -"), std::string::npos) << c;
}

TEST_F(StopTest, AFailingStopCommandIsRejectedWithItsOutput) {
    spec.stop_command = "systemctl stop rocketmq";
    reply_found();
    shell.reply("stop-failed 5\nFailed to stop rocketmq.service: Unit rocketmq.service not loaded.\n");
    auto st = stopper->stop(spec, 1000ms, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::rejected);
    EXPECT_EQ(st.error().remark, "Failed to stop rocketmq.service: Unit rocketmq.service not loaded.");
}

TEST_F(ShellHostOpsTest, StartCreatesTheLogFolderRunsDetachedAndReturnsTheLaunchedPid) {
    shell.reply("started 5000\n");
    auto pid = ops.start(spec);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    EXPECT_EQ(*pid, 5000);
    ASSERT_EQ(shell.commands.size(), 1u);
    EXPECT_EQ(shell.commands[0],
              k_alive + "if ! mkdir -p -- '/var/log/rmq' 2>/dev/null; then echo 'exited 0 1'; echo \"cannot create the "
                        "log folder \"'/var/log/rmq'; exit 0; fi; "
                        "before=$(wc -c 2>/dev/null < '/var/log/rmq/broker-a.out') || before=0; "
                        "mkdir -p -- '/var/log/rmq' && setsid nohup sh -c 'ROCKETMQ_HOME='\\''/opt/rocketmq-4.9.7'\\'' "
                        "sh '\\''/opt/rocketmq-4.9.7/bin/mqbroker'\\'' -c "
                        "'\\''/opt/conf/broker-a.properties'\\''' >> '/var/log/rmq/broker-a.out' 2>&1 < /dev/null & "
                        "pid=$!; sleep 1.500; if alive \"$pid\"; then echo \"started $pid\"; else wait \"$pid\"; "
              "echo \"exited $pid $?\"; "
                        "tail -c +$((before + 1)) '/var/log/rmq/broker-a.out' 2>/dev/null | tail -n 20; fi");
}

TEST_F(ShellHostOpsTest, StartThatExitsAtOnceIsRejectedWithTheLogTail) {
    shell.reply("exited 5000 1\njava.net.BindException: Address already in use\n");
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::rejected);
    EXPECT_EQ(pid.error().remark, "java.net.BindException: Address already in use");
    EXPECT_EQ(shell.commands.size(), 1u);
}

TEST_F(ShellHostOpsTest, AStartCommandThatReturnsZeroAtOnceHandedTheProcessOver) {
    // `systemctl start ...` returns 0 once the unit runs: no PID of ours, the caller awaits the listener.
    shell.reply("exited 5000 0\n");
    auto pid = ops.start(spec);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    EXPECT_EQ(*pid, 0);
}

TEST_F(ShellHostOpsTest, AnUncreatableLogFolderIsNotAHandOver) {
    shell.reply("exited 0 1\ncannot create the log folder '/var/log/rmq'\n");
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::rejected);
}

TEST_F(ShellHostOpsTest, StartWithGarbledOutputIsAProtocolError) {
    shell.reply("what\n");
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::protocol);
}

TEST_F(ShellHostOpsTest, WriteFileUploadsATempFileAndRenamesIt) {
    shell.reply("");
    ASSERT_TRUE(ops.write_file("/opt/conf/broker a.properties", "brokerName=a\n", 0640).ok());
    ASSERT_EQ(shell.uploads.size(), 1u);
    EXPECT_EQ(shell.uploads[0].path, "/opt/conf/broker a.properties.rmqup-tmp");
    EXPECT_EQ(shell.uploads[0].content, "brokerName=a\n");
    EXPECT_EQ(shell.uploads[0].mode, 0640);
    ASSERT_EQ(shell.commands.size(), 1u);
    EXPECT_EQ(shell.commands[0], "chmod 0640 '/opt/conf/broker a.properties.rmqup-tmp' && mv -f -- "
                                 "'/opt/conf/broker a.properties.rmqup-tmp' '/opt/conf/broker a.properties'");
}

TEST_F(ShellHostOpsTest, ReadFileFailureKeepsTheRemoteMessageApart) {
    shell.reply("", 1, "cat: /nope: No such file or directory\n");
    auto r = ops.read_file("/nope");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
    EXPECT_EQ(r.error().code, 1);
    EXPECT_EQ(r.error().remark, "cat: /nope: No such file or directory");
    EXPECT_EQ(shell.commands[0], "cat -- '/nope'");
}

TEST_F(ShellHostOpsTest, BackupOnceKeepsAnExistingBackup) {
    shell.reply("kept\n");
    ASSERT_TRUE(ops.backup_once("/c/b.properties", "/c/b.properties.pristine").ok());
    EXPECT_EQ(shell.commands[0], "if [ -e '/c/b.properties.pristine' ]; then echo kept; else cp -p -- "
                                 "'/c/b.properties' '/c/b.properties.pristine.rmqup-tmp' && mv -f -- "
                                 "'/c/b.properties.pristine.rmqup-tmp' '/c/b.properties.pristine' && echo created; fi");
}

TEST_F(ShellHostOpsTest, AbortMarkerIsTestedInTheStore) {
    shell.reply("yes\n");
    auto r = ops.abort_marker_present(spec);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(*r);
    EXPECT_EQ(shell.commands[0], "if [ -e '/data/store-a/abort' ]; then echo yes; else echo no; fi");
}

TEST_F(ShellHostOpsTest, PathExistsRejectsGarbage) {
    shell.reply("maybe\n");
    auto r = ops.path_exists("/x");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::protocol);
}

TEST_F(ShellHostOpsTest, FactsReadJavaHomesLogsDisksAndSnapshotsInOneCommand) {
    FactsRequest req;
    req.java_home = "/usr/lib/jvm/java-17";
    req.homes = {"/opt/rocketmq-5.3.1", "/opt/rocketmq-4.9.7"};
    req.log_paths = {"/opt/rocketmq-5.3.1/logs/a.out"};
    req.store_paths = {"/data/store-a", "/data/store-b"};
    req.config_paths = {"/opt/conf/broker-a.properties"};
    shell.reply("@java-home " + hex("/usr/lib/jvm/java-17") + "\n@java " + hex("/usr/lib/jvm/java-17/bin/java") +
                "\n@java-source javaHome\n"
                "~ openjdk version \"17.0.15\" 2025-04-15\n~ OpenJDK Runtime Environment\n"
                "@home\n~ present\n~ missing bin/runserver.sh\n~ jar rocketmq-broker-5.3.1.jar\n"
                "~ jar rocketmq-namesrv-5.3.1.jar\n~ jar rocketmq-rocksdb-1.0.2.jar\n"
                "@home\n"
                "@log-uncreatable " + hex("/opt/rocketmq-5.3.1/logs") + "\n"
                "@store\n~ Filesystem     1024-blocks    Used Available Capacity Mounted on\n"
                "~ /dev/sda1        1000000  400000    600000      40% /data\n"
                "@store\n"
                "@snapshot " + hex("/opt/conf/broker-a.properties.rmqup-pristine") + "\n@end\n");
    auto f = ops.facts(req);
    ASSERT_TRUE(f.ok()) << f.error().describe();
    ASSERT_EQ(shell.commands.size(), 1u);
    EXPECT_EQ(f->java.java_home, "/usr/lib/jvm/java-17");
    EXPECT_EQ(f->java.java, "/usr/lib/jvm/java-17/bin/java");
    EXPECT_EQ(f->java.source, "javaHome");
    EXPECT_EQ(f->java.version, "17.0.15");
    EXPECT_EQ(f->java.version_output, "openjdk version \"17.0.15\" 2025-04-15");
    ASSERT_EQ(f->homes.size(), 2u);
    EXPECT_EQ(f->homes[0].home, "/opt/rocketmq-5.3.1");
    EXPECT_TRUE(f->homes[0].present);
    EXPECT_EQ(f->homes[0].missing, std::vector<std::string>{"bin/runserver.sh"});
    EXPECT_EQ(f->homes[0].broker_jar_version, "5.3.1");
    EXPECT_EQ(f->homes[0].namesrv_jar_version, "5.3.1");
    EXPECT_FALSE(f->homes[1].present);
    EXPECT_EQ(f->uncreatable_log_folders, std::vector<std::string>{"/opt/rocketmq-5.3.1/logs"});
    ASSERT_EQ(f->store_free_bytes.size(), 2u);
    EXPECT_EQ(f->store_free_bytes[0], 600000LL * 1024);
    EXPECT_FALSE(f->store_free_bytes[1].has_value());
    EXPECT_EQ(f->snapshots, std::vector<std::string>{"/opt/conf/broker-a.properties.rmqup-pristine"});
    const std::string& cmd = shell.commands[0];
    EXPECT_NE(cmd.find("g='/usr/lib/jvm/java-17';"), std::string::npos) << cmd;
    EXPECT_NE(cmd.find("JAVA_HOME=$HOME/jdk/java"), std::string::npos) << cmd;
    EXPECT_NE(cmd.find("JAVA_HOME=/usr/java"), std::string::npos) << cmd;
    EXPECT_NE(cmd.find("c='/opt/conf/broker-a.properties'; for f in \"$c.rmqup-pristine\" \"$c\".rmqup-*.pristine;"),
              std::string::npos)
        << cmd;
}

TEST_F(ShellHostOpsTest, FactsWithoutJavaOrAnEndMarker) {
    shell.reply("@java-none\n@end\n");
    auto f = ops.facts(FactsRequest{});
    ASSERT_TRUE(f.ok()) << f.error().describe();
    EXPECT_TRUE(f->java.java.empty());
    EXPECT_FALSE(f->java.version.has_value());
    shell.reply("@java-none\n");
    auto cut = ops.facts(FactsRequest{});
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().kind, ErrorKind::protocol);
}

TEST_F(ShellHostOpsTest, TransportErrorsCarryTheShellAndTheSubject) {
    shell.fail(make_error(ErrorKind::unreachable, "TCP connect failed"));
    auto marker = ops.abort_marker_present(spec);
    ASSERT_FALSE(marker.ok());
    EXPECT_EQ(marker.error().kind, ErrorKind::unreachable);
    const std::string text = marker.error().describe();
    EXPECT_NE(text.find("fake:host-1"), std::string::npos) << text;
    EXPECT_NE(text.find("broker broker-a@0 on host host-1"), std::string::npos) << text;
}

TEST(JavaVersion, ParsesOldAndNewFormats) {
    EXPECT_EQ(parse_java_version("java version \"1.8.0_392\"\nJava(TM) SE Runtime"), "1.8.0_392");
    EXPECT_EQ(parse_java_version("openjdk version \"17.0.15\" 2025-04-15"), "17.0.15");
    EXPECT_EQ(parse_java_version("openjdk version \"11\" 2018-09-25"), "11");
    EXPECT_FALSE(parse_java_version("bash: java: command not found").has_value());
}

TEST(DiskFree, ParsesWrappedDeviceNames) {
    EXPECT_EQ(parse_df_available_bytes("Filesystem 1024-blocks Used Available Capacity Mounted on\n"
                                       "/dev/mapper/very-long-volume-name\n 500 100 400 20% /data\n"),
              400LL * 1024);
    EXPECT_FALSE(parse_df_available_bytes("df: /x: No such file").has_value());
}

TEST(RocketMqCommands, RenderTheDefaults) {
    EXPECT_EQ(render_broker_start_command("/opt/rmq/", "/opt/conf/b.properties", "/usr/lib/jvm/17"),
              "ROCKETMQ_HOME='/opt/rmq' JAVA_HOME='/usr/lib/jvm/17' sh '/opt/rmq/bin/mqbroker' -c "
              "'/opt/conf/b.properties'");
    EXPECT_EQ(render_nameserver_start_command("/opt/rmq", ""), "ROCKETMQ_HOME='/opt/rmq' sh '/opt/rmq/bin/mqnamesrv'");
    EXPECT_EQ(render_nameserver_start_command("/opt/rmq", "/c/ns.properties"),
              "ROCKETMQ_HOME='/opt/rmq' sh '/opt/rmq/bin/mqnamesrv' -c '/c/ns.properties'");
    EXPECT_EQ(default_broker_match("/opt/conf/b.properties"), "-c /opt/conf/b.properties");
    EXPECT_EQ(default_nameserver_match(""), "NamesrvStartup");
    EXPECT_EQ(default_nameserver_match("/c/ns.properties"), "-c /c/ns.properties");
    EXPECT_EQ(render_detached_start("sh x", "/l/o g"),
              "mkdir -p -- '/l' && setsid nohup sh -c 'sh x' >> '/l/o g' 2>&1 < /dev/null &");
}

}  // namespace
}  // namespace rmqup
