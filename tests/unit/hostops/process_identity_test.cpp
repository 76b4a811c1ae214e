// Parsers behind process identity: literal ss output, /proc/net/tcp lines and RocketMQ command lines.
#include <gtest/gtest.h>

#include "rmqup/hostops/process_identity.hpp"

namespace rmqup {
namespace {

TEST(SsListeners, ReadsAddressPortAndEveryPid) {
    const std::string out =
        "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
        "LISTEN 0      1024   *:10911            *:*    users:((\"java\",pid=4242,fd=120))\n"
        "LISTEN 0      50     127.0.0.1:9876     0.0.0.0:*  users:((\"java\",pid=17,fd=3),(\"sh\",pid=16,fd=3))\n"
        "LISTEN 0      128    [::ffff:127.0.0.2]:10921 [::]:*\n"
        "LISTEN 0      4096   127.0.0.53%lo:53   0.0.0.0:* users:((\"systemd-resolve\",pid=600,fd=14))\n"
        "LISTEN 0      128    [::]:22            [::]:*    users:((\"sshd\",pid=1,fd=4),(\"sshd\",pid=1,fd=5))\n";
    const auto s = parse_ss_listeners(out);
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[0].ip, "*");
    EXPECT_EQ(s[0].port, 10911);
    EXPECT_EQ(s[0].pids, std::vector<int>{4242});
    EXPECT_EQ(s[1].ip, "127.0.0.1");
    EXPECT_EQ(s[1].pids, (std::vector<int>{17, 16}));
    EXPECT_EQ(s[2].ip, "127.0.0.2");
    EXPECT_EQ(s[2].port, 10921);
    EXPECT_TRUE(s[2].pids.empty()) << "another user's socket shows no users:(...)";
    EXPECT_EQ(s[3].ip, "127.0.0.53");
    EXPECT_EQ(s[4].ip, "::");
    EXPECT_EQ(s[4].pids, std::vector<int>{1}) << "one pid with two sockets is one owner";
}

TEST(ProcNetTcp, ReadsListenLinesOfBothFamilies) {
    const std::string text =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:2694 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0 100 0 0 10 0\n"
        "   1: 0100007F:2694 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 4 30 10 -1\n"
        "   2: 00000000:2A9F 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0 100 0 0 10 0\n"
        "   0: 00000000000000000000000000000000:2A9F 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000     0        0 888 1 0 100 0 0 10 0\n"
        "   1: 0000000000000000FFFF00000200007F:2A9F 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000     0        0 999 1 0 100 0 0 10 0\n"
        "   2: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000     0        0 1000 1 0 100 0 0 10 0\n";
    const auto s = parse_proc_net_tcp(text);
    ASSERT_EQ(s.size(), 5u) << "the ESTABLISHED line (st 01) is not a listener";
    EXPECT_EQ(s[0].ip, "127.0.0.1");
    EXPECT_EQ(s[0].port, 9876);
    EXPECT_EQ(s[0].inode, 123456u);
    EXPECT_EQ(s[1].ip, "0.0.0.0");
    EXPECT_EQ(s[1].port, 10911);
    EXPECT_EQ(s[2].ip, "::");
    EXPECT_EQ(s[3].ip, "127.0.0.2") << "IPv4-mapped IPv6";
    EXPECT_EQ(s[3].inode, 999u);
    EXPECT_EQ(s[4].ip, "::1");
    EXPECT_EQ(s[4].port, 22);
}

TEST(ListensFor, WildcardsAndFamilies) {
    EXPECT_TRUE(listens_for("127.0.0.1", "127.0.0.1"));
    EXPECT_FALSE(listens_for("127.0.0.2", "127.0.0.1"));
    EXPECT_TRUE(listens_for("0.0.0.0", "127.0.0.3"));
    EXPECT_FALSE(listens_for("0.0.0.0", "::1"));
    EXPECT_TRUE(listens_for("*", "10.0.0.5"));
    EXPECT_TRUE(listens_for("::", "10.0.0.5"));
    EXPECT_TRUE(listens_for("[::ffff:10.0.0.5]", "10.0.0.5"));
}

TEST(SplitAddress, HostAndPort) {
    EXPECT_EQ(split_address("127.0.0.1:9876"), std::make_pair(std::string("127.0.0.1"), 9876));
    EXPECT_EQ(split_address("[::1]:10911"), std::make_pair(std::string("::1"), 10911));
    EXPECT_FALSE(split_address("127.0.0.1").has_value());
    EXPECT_FALSE(split_address("host:0").has_value());
    EXPECT_FALSE(split_address("host:70000").has_value());
}

TEST(CommandLine, RunbrokerFrom493PutsTheHomeOnTheClasspath) {
    const std::vector<std::string> argv = {"/usr/lib/jvm/java-8/bin/java", "-server", "-Xms8g",
                                           "-cp", ".:/opt/rocketmq-4.9.7/bin/../conf:/opt/rocketmq-4.9.7/bin/../lib/*:",
                                           "org.apache.rocketmq.broker.BrokerStartup", "-c", "conf/broker-a.properties"};
    const auto f = parse_command_line(argv, "/opt/rocketmq-4.8.0");
    EXPECT_EQ(f.home, "/opt/rocketmq-4.9.7/bin/..");
    EXPECT_EQ(f.home_source, HomeSource::classpath_lib);
    EXPECT_EQ(f.config_arg, "conf/broker-a.properties");
    EXPECT_EQ(f.kind, ProcessKind::broker);
}

TEST(CommandLine, ScriptsBefore493NameTheHomeInJavaExtDirs) {
    const std::vector<std::string> argv = {
        "/usr/java/bin/java", "-Djava.ext.dirs=/usr/java/jre/lib/ext:/opt/rocketmq-4.8.0/bin/../lib:/usr/java/lib/ext",
        "-cp", ".:/opt/rocketmq-4.8.0/bin/../conf:", "org.apache.rocketmq.namesrv.NamesrvStartup"};
    const auto f = parse_command_line(argv, "");
    EXPECT_EQ(f.home, "/opt/rocketmq-4.8.0/bin/..");
    EXPECT_EQ(f.home_source, HomeSource::ext_dirs);
    EXPECT_EQ(f.config_arg, "");
    EXPECT_EQ(f.kind, ProcessKind::nameserver);
}

TEST(CommandLine, HomePropertyThenEnvironment) {
    auto f = parse_command_line({"java", "-Drocketmq.home.dir=/srv/rmq", "x.BrokerStartup", "--configFile=/c/a.conf"},
                                "/env/home");
    EXPECT_EQ(f.home, "/srv/rmq");
    EXPECT_EQ(f.home_source, HomeSource::home_dir_property);
    EXPECT_EQ(f.config_arg, "/c/a.conf");
    f = parse_command_line({"/bin/rmq-sim", "broker", "--version", "4.8.0", "-c", "/c/a.properties"}, "/opt/old");
    EXPECT_EQ(f.home, "/opt/old");
    EXPECT_EQ(f.home_source, HomeSource::environment);
    EXPECT_EQ(f.kind, ProcessKind::broker);
    EXPECT_EQ(f.config_arg, "/c/a.properties");
    f = parse_command_line({"/bin/rmq-sim", "namesrv", "--listen", "127.0.0.1:9876"}, "");
    EXPECT_EQ(f.kind, ProcessKind::nameserver);
    EXPECT_EQ(f.home_source, HomeSource::none);
    f = parse_command_line({"/usr/bin/python3", "-m", "http.server", "10911"}, "");
    EXPECT_FALSE(f.kind.has_value());
}

TEST(CommandLine, DistributionHomeRunningRmqSim) {
    const auto f = parse_command_line({"/b/rmq-sim", "broker", "-cp", ".:/h/bin/../conf:/h/bin/../lib/*",
                                       "org.apache.rocketmq.broker.BrokerStartup", "--version", "4.9.7", "-c", "c.p"},
                                      "");
    EXPECT_EQ(f.home, "/h/bin/..");
    EXPECT_EQ(f.kind, ProcessKind::broker);
    EXPECT_EQ(f.config_arg, "c.p");
}

TEST(Cmdline, SplitAndHex) {
    EXPECT_EQ(split_cmdline(std::string("java\0-c\0a b\0", 12)), (std::vector<std::string>{"java", "-c", "a b"}));
    EXPECT_TRUE(split_cmdline("").empty());
    EXPECT_EQ(decode_hex("2f 6f 70 74\n"), "/opt");
    EXPECT_EQ(decode_hex("0a27"), "\n'");
    EXPECT_FALSE(decode_hex("2g").has_value());
    EXPECT_FALSE(decode_hex("2").has_value());
}

TEST(Jars, VersionFromTheFileName) {
    EXPECT_EQ(jar_version("rocketmq-broker-4.9.7.jar", "rocketmq-broker"), "4.9.7");
    EXPECT_EQ(jar_version("rocketmq-namesrv-5.3.1.jar", "rocketmq-namesrv"), "5.3.1");
    EXPECT_FALSE(jar_version("rocketmq-broker-ext-1.0.jar", "rocketmq-broker").has_value());
    EXPECT_FALSE(jar_version("rocketmq-namesrv-5.3.1.jar", "rocketmq-broker").has_value());
    EXPECT_FALSE(jar_version("rocketmq-broker-4.9.7.pom", "rocketmq-broker").has_value());
}

TEST(ListenerProbe, NeedsTheEndMarker) {
    EXPECT_FALSE(parse_listener_probe("@user x\n@ss\n").ok());
    const std::string proc =
        "@user rocketmq\n@spec-config 2f61\n@spec-home \n@proc\n"
        "=    0: 0100007F:2694 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0  0 555 1\n"
        "@inode 555 4242\n@pid 4242\n@cmdline 6a6176610078\n@cwd 2f\n@env-home \n@end\n";
    auto p = parse_listener_probe(proc);
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_FALSE(p->ss_available);
    EXPECT_EQ(p->user, "rocketmq");
    EXPECT_EQ(p->spec_config, "/a");
    ASSERT_EQ(p->sockets.size(), 1u);
    EXPECT_EQ(p->sockets[0].pids, std::vector<int>{4242});
    ASSERT_EQ(p->processes.size(), 1u);
    EXPECT_TRUE(p->processes[0].readable);
    EXPECT_EQ(p->processes[0].argv, (std::vector<std::string>{"java", "x"}));
    EXPECT_EQ(p->processes[0].cwd, "/");
}

}  // namespace
}  // namespace rmqup
