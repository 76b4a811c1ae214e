// ShellHostOps against a scripted shell: the exact commands it sends and how it reads the replies.
#include <gtest/gtest.h>

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

TEST_F(ShellHostOpsTest, FindSendsTheMatchEncodedSoTheProbeNeverMatchesItself) {
    shell.reply("pid 4242\nprobe-ok\n");
    auto pids = ops.find_pids(spec);
    ASSERT_TRUE(pids.ok()) << pids.error().describe();
    EXPECT_EQ(*pids, std::vector<int>{4242});
    ASSERT_EQ(shell.commands.size(), 1u);
    const std::string& cmd = shell.commands[0];
    EXPECT_EQ(cmd.rfind("RMQUP_MATCH=\"$(printf '\\055\\143\\040\\057\\157\\160\\164", 0), 0u) << cmd;
    EXPECT_NE(cmd.find("ps -ww -eo pid=,ppid=,stat=,args= | awk -v self=\"$$\" '"), std::string::npos) << cmd;
    EXPECT_EQ(cmd.find("broker-a.properties"), std::string::npos) << "match text leaked into the probe: " << cmd;
}

TEST_F(ShellHostOpsTest, FindWithoutProbeSentinelIsAnErrorNotAnEmptyList) {
    shell.reply("", 0, "sh: 1: ps: not found\n");
    auto pids = ops.find_pids(spec);
    ASSERT_FALSE(pids.ok());
    EXPECT_EQ(pids.error().kind, ErrorKind::protocol);
    EXPECT_NE(pids.error().remark.find("ps: not found"), std::string::npos);
}

TEST_F(ShellHostOpsTest, FindRefusesAnEmptyMatch) {
    spec.match = "  ";
    auto pids = ops.find_pids(spec);
    ASSERT_FALSE(pids.ok());
    EXPECT_EQ(pids.error().kind, ErrorKind::invalid_input);
    EXPECT_TRUE(shell.commands.empty());
}

TEST_F(ShellHostOpsTest, StopTermsTheOneMatchAndWaits) {
    shell.reply("pid 4242\nprobe-ok\n");
    shell.reply("gone\n");
    ASSERT_TRUE(ops.stop(spec, 1000ms, KillPolicy::term_only).ok());
    ASSERT_EQ(shell.commands.size(), 2u);
    EXPECT_EQ(shell.commands[1], k_alive +
                                     "kill -TERM 4242 2>/dev/null; n=0; while alive 4242; do if [ \"$n\" -ge 5 ]; "
                                     "then echo alive; exit 0; fi; sleep 0.200; n=$((n+1)); done; echo gone");
    EXPECT_EQ(shell.timeouts[1], 1000ms + 5000ms);
}

TEST_F(ShellHostOpsTest, StopWithTwoMatchesIsAConflictNamingBothPidsAndKillsNothing) {
    shell.reply("pid 100\npid 200\nprobe-ok\n");
    auto st = ops.stop(spec, 1000ms, KillPolicy::kill_after_term);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::conflict);
    EXPECT_NE(st.error().message.find("100, 200"), std::string::npos) << st.error().describe();
    EXPECT_EQ(shell.commands.size(), 1u);
    for (const auto& c : shell.commands) EXPECT_EQ(c.find("mqshutdown"), std::string::npos);
}

TEST_F(ShellHostOpsTest, StopWhenNothingRunsSucceedsAtOnce) {
    shell.reply("probe-ok\n");
    ASSERT_TRUE(ops.stop(spec, 1000ms, KillPolicy::term_only).ok());
    EXPECT_EQ(shell.commands.size(), 1u);
}

TEST_F(ShellHostOpsTest, StopTermOnlyReportsTimeoutAndNeverKills) {
    shell.reply("pid 4242\nprobe-ok\n");
    shell.reply("alive\n");
    auto st = ops.stop(spec, 1000ms, KillPolicy::term_only);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::timeout);
    ASSERT_EQ(shell.commands.size(), 2u);
    for (const auto& c : shell.commands) EXPECT_EQ(c.find("-KILL"), std::string::npos);
}

TEST_F(ShellHostOpsTest, StopKillAfterTermSendsSigkill) {
    shell.reply("pid 4242\nprobe-ok\n");
    shell.reply("alive\n");
    shell.reply("gone\n");
    ASSERT_TRUE(ops.stop(spec, 1000ms, KillPolicy::kill_after_term).ok());
    ASSERT_EQ(shell.commands.size(), 3u);
    EXPECT_EQ(shell.commands[2], k_alive +
                                     "kill -KILL 4242 2>/dev/null; n=0; while alive 4242; do if [ \"$n\" -ge 5 ]; "
                                     "then echo alive; exit 0; fi; sleep 0.200; n=$((n+1)); done; echo gone");
}

TEST_F(ShellHostOpsTest, StartRunsDetachedAndReturnsTheInnermostMatchingPid) {
    shell.reply("probe-ok\n");
    shell.reply("started 5000\n");
    shell.reply("pid 5012\nprobe-ok\n");
    auto pid = ops.start(spec);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    EXPECT_EQ(*pid, 5012);
    ASSERT_EQ(shell.commands.size(), 3u);
    EXPECT_EQ(shell.commands[1],
              k_alive + "before=$(wc -c 2>/dev/null < '/var/log/rmq/broker-a.out') || before=0; "
                        "setsid nohup sh -c 'sh '\\''/opt/rocketmq-4.9.7/bin/mqbroker'\\'' -c "
                        "'\\''/opt/conf/broker-a.properties'\\''' >> '/var/log/rmq/broker-a.out' 2>&1 < /dev/null & "
                        "pid=$!; sleep 1.500; if alive \"$pid\"; then echo \"started $pid\"; else echo \"exited $pid\"; "
                        "tail -c +$((before + 1)) '/var/log/rmq/broker-a.out' 2>/dev/null | tail -n 20; fi");
}

TEST_F(ShellHostOpsTest, StartThatExitsAtOnceIsRejectedWithTheLogTail) {
    shell.reply("probe-ok\n");
    shell.reply("exited 5000\njava.net.BindException: Address already in use\n");
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::rejected);
    EXPECT_EQ(pid.error().remark, "java.net.BindException: Address already in use");
    EXPECT_EQ(shell.commands.size(), 2u);
}

TEST_F(ShellHostOpsTest, StartWhileAlreadyRunningIsAConflict) {
    shell.reply("pid 77\nprobe-ok\n");
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::conflict);
    EXPECT_EQ(shell.commands.size(), 1u);
}

TEST_F(ShellHostOpsTest, StartWhoseProcessDoesNotMatchIsReported) {
    shell.reply("probe-ok\n");
    shell.reply("started 5000\n");
    shell.reply("probe-ok\n");
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::invalid_input);
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

TEST_F(ShellHostOpsTest, FactsParseJavaDiskHomeAndBrokers) {
    shell.reply("openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment\n");
    shell.reply("yes\n");
    shell.reply("Filesystem     1024-blocks    Used Available Capacity Mounted on\n"
                "/dev/sda1        1000000  400000    600000      40% /data\n");
    shell.reply("pid 11\npid 12\nprobe-ok\n");
    auto f = ops.facts("/usr/lib/jvm/java-17", "/opt/rocketmq-5.3.1/", "/data/store-a");
    ASSERT_TRUE(f.ok()) << f.error().describe();
    EXPECT_EQ(f->java_version, "17.0.15");
    EXPECT_TRUE(f->target_home_present);
    EXPECT_EQ(f->store_free_bytes, 600000LL * 1024);
    EXPECT_EQ(f->broker_pids, (std::vector<int>{11, 12}));
    ASSERT_EQ(shell.commands.size(), 4u);
    EXPECT_EQ(shell.commands[0], "'/usr/lib/jvm/java-17/bin/java' -version 2>&1");
    EXPECT_EQ(shell.commands[1], "if [ -f '/opt/rocketmq-5.3.1/bin/mqbroker' ]; then echo yes; else echo no; fi");
    EXPECT_EQ(shell.commands[2], "p='/data/store-a'; while [ ! -e \"$p\" ]; do p=$(dirname -- \"$p\"); done; "
                                 "df -P -k -- \"$p\"");
}

TEST_F(ShellHostOpsTest, FactsWithoutJavaLeaveTheVersionEmpty) {
    shell.reply("sh: 1: /nojava/bin/java: not found\n", 127);
    shell.reply("probe-ok\n");
    auto f = ops.facts("/nojava", "", "");
    ASSERT_TRUE(f.ok()) << f.error().describe();
    EXPECT_FALSE(f->java_version.has_value());
    EXPECT_FALSE(f->store_free_bytes.has_value());
    EXPECT_TRUE(f->broker_pids.empty());
}

TEST_F(ShellHostOpsTest, TransportErrorsCarryTheShellAndTheSubject) {
    shell.fail(make_error(ErrorKind::unreachable, "TCP connect failed"));
    auto pids = ops.find_pids(spec);
    ASSERT_FALSE(pids.ok());
    EXPECT_EQ(pids.error().kind, ErrorKind::unreachable);
    const std::string text = pids.error().describe();
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
              "JAVA_HOME='/usr/lib/jvm/17' sh '/opt/rmq/bin/mqbroker' -c '/opt/conf/b.properties'");
    EXPECT_EQ(render_nameserver_start_command("/opt/rmq", ""), "sh '/opt/rmq/bin/mqnamesrv'");
    EXPECT_EQ(render_nameserver_start_command("/opt/rmq", "/c/ns.properties"),
              "sh '/opt/rmq/bin/mqnamesrv' -c '/c/ns.properties'");
    EXPECT_EQ(default_broker_match("/opt/conf/b.properties"), "-c /opt/conf/b.properties");
    EXPECT_EQ(default_nameserver_match(""), "NamesrvStartup");
    EXPECT_EQ(default_nameserver_match("/c/ns.properties"), "-c /c/ns.properties");
    EXPECT_EQ(render_detached_start("sh x", "/l/o g"), "setsid nohup sh -c 'sh x' >> '/l/o g' 2>&1 < /dev/null &");
}

}  // namespace
}  // namespace rmqup
