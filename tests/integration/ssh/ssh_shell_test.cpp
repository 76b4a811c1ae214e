// SshShell and ShellHostOps against a real OpenSSH sshd on loopback (SshdInstance).
#include <gtest/gtest.h>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "../sim/sim_process.hpp"
#include "process_cleanup.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"
#include "rmqup/hostops/shell_host_ops.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/rehearsal/sshd_instance.hpp"
#include "rmqup/ssh/host_ops_factory.hpp"
#include "rmqup/ssh/local_shell.hpp"
#include "rmqup/ssh/ssh_shell.hpp"

namespace rmqup {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

ExecOptions with_timeout(std::chrono::milliseconds t) {
    ExecOptions o;
    o.timeout = t;
    return o;
}

SshConfig config_for(const SshdInstance& sshd) {
    SshConfig c;
    c.host_name = "test-host";
    c.address = sshd.address();
    c.port = sshd.port();
    c.user = sshd.user();
    c.identity_file = sshd.identity_file();
    c.known_hosts = sshd.known_hosts_path();
    c.connect_timeout = 3s;
    c.auth_timeout = 3s;
    c.kill_grace = 500ms;
    return c;
}

// The login directory sshd gives our user: where a command in a file name would run.
std::string login_home() {
    const passwd* pw = ::getpwuid(::geteuid());
    return pw != nullptr ? pw->pw_dir : "/";
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One sshd shared by the tests that do not break it.
class SshTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!sshd_available()) return;
        SshdOptions o;
        o.address = "127.0.0.2";
        s_sshd = new SshdInstance(o);
        auto st = s_sshd->start();
        if (!st.ok()) {
            s_error = st.error().describe() + " " + st.error().remark;
            delete s_sshd;
            s_sshd = nullptr;
        }
    }
    static void TearDownTestSuite() {
        delete s_sshd;
        s_sshd = nullptr;
    }
    void SetUp() override {
        if (!sshd_available()) GTEST_SKIP() << "openssh-server not installed";
        ASSERT_NE(s_sshd, nullptr) << "sshd did not start: " << s_error;
    }
    SshdInstance& sshd() { return *s_sshd; }

    test::ScratchDir dir;
    static SshdInstance* s_sshd;
    static std::string s_error;
};
SshdInstance* SshTest::s_sshd = nullptr;
std::string SshTest::s_error;

TEST_F(SshTest, CommandSucceeds) {
    SshShell shell(config_for(sshd()));
    auto r = shell.exec("echo hello; id -un", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe() << " | " << r.error().remark;
    EXPECT_EQ(r->exit_status, 0);
    EXPECT_EQ(r->out, "hello\n" + sshd().user() + "\n");
    // The session is reused.
    auto again = shell.exec("echo again", with_timeout(5s));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->out, "again\n");
}

// The test sshd's sessions read no dotfiles of the user running the suite: bash sources ~/.bashrc for
// commands from sshd, and one that waits (a stale pyenv rehash lock) stalled every SSH test in CI.
TEST_F(SshTest, SessionsGetTheInstancesOwnHomeButTheUsersLoginDirectory) {
    SshShell shell(config_for(sshd()));
    auto r = shell.exec("echo \"$HOME\"; pwd", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe() << " | " << r.error().remark;
    EXPECT_EQ(r->out, sshd().session_home() + "\n" + login_home() + "\n");
}

TEST_F(SshTest, NonZeroExitIsAResultNotAnError) {
    SshShell shell(config_for(sshd()));
    auto r = shell.exec("echo oops >&2; exit 7", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->exit_status, 7);
    EXPECT_EQ(r->err, "oops\n");
}

TEST_F(SshTest, TimeoutKillsTheRemoteCommand) {
    SshShell shell(config_for(sshd()));
    const auto started = SteadyClock::now();
    const std::string sleeper = test::tagged_sleep(dir);
    auto r = shell.exec(sleeper + " 30 & " + sleeper + " 31", with_timeout(1s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::timeout) << r.error().describe();
    EXPECT_LT(SteadyClock::now() - started, 5s);
    const auto end = SteadyClock::now() + 3s;
    while (!proc::find_processes(dir.path()).empty() && SteadyClock::now() < end) std::this_thread::sleep_for(50ms);
    EXPECT_TRUE(proc::find_processes(dir.path()).empty()) << "the remote command survived its timeout";
    auto after = shell.exec("echo still-usable", with_timeout(5s));
    ASSERT_TRUE(after.ok()) << after.error().describe();
    EXPECT_EQ(after->out, "still-usable\n");
}

TEST_F(SshTest, WrongKeyIsRefused) {
    ASSERT_TRUE(generate_ssh_key(dir / "other_key", Secret()).ok());
    SshConfig c = config_for(sshd());
    c.identity_file = dir / "other_key";
    SshShell shell(c);
    auto r = shell.exec("true", with_timeout(5s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::auth) << r.error().describe();
}

TEST_F(SshTest, HostKeyMismatchIsRefusedNamingHostPortAndFingerprint) {
    ASSERT_TRUE(generate_ssh_key(dir / "impostor", Secret()).ok());
    std::istringstream pub(read_text(dir / "impostor.pub"));
    std::string type;
    std::string key;
    pub >> type >> key;
    const std::string host = "[" + sshd().address() + "]:" + std::to_string(sshd().port());
    std::ofstream(dir / "known_hosts") << host << " " << type << " " << key << "\n";
    SshConfig c = config_for(sshd());
    c.known_hosts = dir / "known_hosts";
    c.host_key_policy = HostKeyPolicy::accept_new;  // a changed key is refused even so
    SshShell shell(c);
    auto r = shell.exec("true", with_timeout(5s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::host_key);
    const std::string text = r.error().describe();
    EXPECT_NE(text.find(host), std::string::npos) << text;
    EXPECT_NE(text.find("SHA256:"), std::string::npos) << text;
    EXPECT_NE(text.find("does NOT match"), std::string::npos) << text;
}

TEST_F(SshTest, UnknownHostIsRefusedUnlessAcceptNewIsSet) {
    const std::string known = dir / "known_hosts";
    std::ofstream(known) << "";
    SshConfig c = config_for(sshd());
    c.known_hosts = known;
    {
        SshShell shell(c);
        auto r = shell.exec("true", with_timeout(5s));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().kind, ErrorKind::host_key) << r.error().describe();
        EXPECT_NE(r.error().describe().find("not in known_hosts"), std::string::npos);
    }
    {
        c.host_key_policy = HostKeyPolicy::accept_new;
        SshShell shell(c);
        auto r = shell.exec("true", with_timeout(5s));
        ASSERT_TRUE(r.ok()) << r.error().describe();
    }
    EXPECT_NE(read_text(known).find("[" + sshd().address() + "]:" + std::to_string(sshd().port())), std::string::npos)
        << read_text(known);
    {
        c.host_key_policy = HostKeyPolicy::strict;  // now known
        SshShell shell(c);
        auto r = shell.exec("true", with_timeout(5s));
        ASSERT_TRUE(r.ok()) << r.error().describe();
    }
}

TEST_F(SshTest, ConnectionRefusedIsUnreachable) {
    SshConfig c = config_for(sshd());
    c.address = "127.0.0.4";  // nothing listens there
    const auto started = SteadyClock::now();
    SshShell shell(c);
    auto r = shell.exec("true", with_timeout(5s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::unreachable) << r.error().describe();
    EXPECT_LT(SteadyClock::now() - started, 2s);
}

TEST_F(SshTest, OutputOverTheBoundIsTruncated) {
    SshShell shell(config_for(sshd()));
    ExecOptions o = with_timeout(5s);
    o.max_output = 1000;
    auto r = shell.exec("head -c 200000 /dev/zero | tr '\\0' x; echo done >&2", o);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->out.size(), 1000u);
    EXPECT_TRUE(r->out_truncated);
    EXPECT_EQ(r->err, "done\n");
    EXPECT_EQ(r->exit_status, 0);
}

TEST_F(SshTest, UploadWritesTheFileWithItsMode) {
    SshShell shell(config_for(sshd()));
    // File names cannot hold '/': an injected command would run in the login directory ($HOME).
    const std::string tag = "rmqup-pwned-" + std::to_string(::getpid());
    const std::string sentinel = login_home() + "/" + tag;
    const std::string path = dir / ("up loaded $(touch " + tag + ") 'q'.txt");
    std::string content(100000, 'z');
    content += "\nend\n";
    auto up = shell.upload(content, path, 0600);
    ASSERT_TRUE(up.ok()) << up.error().describe() << " | " << up.error().remark;
    EXPECT_EQ(read_text(path), content);
    struct stat st{};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(std::filesystem::exists(sentinel));
}

TEST_F(SshTest, HostileValuesAreQuoted) {
    SshShell shell(config_for(sshd()));
    const std::string sentinel = dir / "pwned";
    const std::string hostile[] = {"; touch " + sentinel, "$(touch " + sentinel + ")", "`touch " + sentinel + "`",
                                   "a'b\"c\nd; touch " + sentinel, ""};
    for (const auto& v : hostile) {
        auto r = shell.exec("printf %s " + shell_quote(v), with_timeout(5s));
        ASSERT_TRUE(r.ok()) << r.error().describe();
        EXPECT_EQ(r->out, v);
    }
    ShellHostOps ops(shell);
    const std::string tag = "rmqup-pwned-" + std::to_string(::getpid());
    const std::string home_sentinel = login_home() + "/" + tag;
    const std::string file = dir / ("b $(touch " + tag + ");`touch " + tag + "`.properties");
    auto written = ops.write_file(file, "x=1\n", 0644);
    ASSERT_TRUE(written.ok()) << written.error().describe() << " | " << written.error().remark;
    auto back = ops.read_file(file);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, "x=1\n");
    EXPECT_FALSE(std::filesystem::exists(sentinel)) << "a hostile value executed on the host";
    EXPECT_FALSE(std::filesystem::exists(home_sentinel)) << "a hostile file name executed on the host";
}

TEST_F(SshTest, TwoBrokersOnOneHostOnlyTheRightOneStops) {
    SshShell shell(config_for(sshd()));
    ShellHostOpsOptions o;
    o.start_settle = 300ms;
    o.poll_interval = 50ms;
    ShellHostOps ops(shell, o);
    // Two rmq-sim brokers identified by their listening sockets (no NameServer to register with).
    auto make = [&](const std::string& name) {
        const int port = rmqsim::test::free_port("127.0.0.1");
        ProcessSpec spec;
        spec.name = name;
        spec.host = "test-host";
        spec.address = "127.0.0.1:" + std::to_string(port);
        spec.config_path = dir / (name + ".properties");
        std::ofstream(spec.config_path) << "brokerName=" << name << "\nbrokerIP1=127.0.0.1\nlistenPort=" << port
                                        << "\nnamesrvAddr=127.0.0.1:1\nstorePathRootDir=" << (dir / name) << "\n";
        spec.match = default_broker_match(spec.config_path);
        spec.log_path = dir / ("logs/" + name + ".log");
        spec.start_command = "exec " + shell_quote(RMQUP_SIM_BIN) + " broker --version 4.9.7 -c " +
                             shell_quote(spec.config_path);
        return spec;
    };
    auto listening = [&](const ProcessSpec& spec) -> std::optional<ProcessIdentity> {
        for (int i = 0; i < 100; ++i) {
            auto id = ops.identify(spec);
            if (!id.ok()) {
                ADD_FAILURE() << id.error().describe();
                return std::nullopt;
            }
            if (id->has_value()) return *id;
            std::this_thread::sleep_for(100ms);
        }
        return std::nullopt;
    };
    const ProcessSpec a = make("broker-a");
    const ProcessSpec b = make("broker-b");
    auto pid_a = ops.start(a);
    ASSERT_TRUE(pid_a.ok()) << pid_a.error().describe() << " | " << pid_a.error().remark;
    auto pid_b = ops.start(b);
    ASSERT_TRUE(pid_b.ok()) << pid_b.error().describe();
    // Detached: the processes outlive the SSH session.
    shell.disconnect();
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(proc::alive(*pid_a));
    auto id_a = listening(a);
    ASSERT_TRUE(id_a.has_value());
    EXPECT_EQ(id_a->pid, *pid_a);
    EXPECT_TRUE(id_a->config_matches);
    ASSERT_TRUE(listening(b).has_value());
    ASSERT_TRUE(ops.stop(a, 3s, KillPolicy::term_only).ok());
    EXPECT_TRUE(proc::wait_gone(*pid_a, 1s));
    EXPECT_TRUE(proc::alive(*pid_b)) << "stopping broker-a touched broker-b";
    auto found_b = ops.identify(b);
    ASSERT_TRUE(found_b.ok());
    ASSERT_TRUE(found_b->has_value());
    EXPECT_EQ((*found_b)->pid, *pid_b);
    ASSERT_TRUE(ops.stop(b, 3s, KillPolicy::term_only).ok());
    EXPECT_TRUE(proc::wait_gone(*pid_b, 1s));
}

TEST_F(SshTest, StartDetectsImmediateExit) {
    SshShell shell(config_for(sshd()));
    ShellHostOpsOptions o;
    o.start_settle = 300ms;
    ShellHostOps ops(shell, o);
    ProcessSpec spec;
    spec.name = "broker-x";
    spec.match = default_broker_match(dir / "broker-x.properties");
    spec.log_path = dir / "broker-x.log";
    spec.start_command = "echo 'java not found' >&2; exit 1";
    auto pid = ops.start(spec);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::rejected) << pid.error().describe();
    EXPECT_EQ(pid.error().remark, "java not found");
}

TEST_F(SshTest, ReconnectsWhenTheIdleSessionDied) {
    SshShell shell(config_for(sshd()));
    ASSERT_TRUE(shell.exec("true", with_timeout(5s)).ok());
    // Kill the per-connection sshd processes only; the listener stays.
    for (pid_t p : proc::descendants(sshd().pid())) ::kill(p, SIGKILL);
    std::this_thread::sleep_for(200ms);
    auto r = shell.exec("echo back", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->out, "back\n");
}

TEST_F(SshTest, FactoryBuildsSshHostOps) {
    HostAccess access;
    access.name = "test-host";
    access.address = sshd().address();
    access.port = sshd().port();
    access.user = sshd().user();
    access.identity_file = sshd().identity_file();
    access.known_hosts = sshd().known_hosts_path();
    auto ops = make_host_ops(access);
    ASSERT_TRUE(ops.ok()) << ops.error().describe();
    std::ofstream(dir / "marker") << "x";
    auto exists = (*ops)->path_exists(dir / "marker");
    ASSERT_TRUE(exists.ok()) << exists.error().describe();
    EXPECT_TRUE(*exists);
}

TEST_F(SshTest, UnparsableKnownHostsLinesAreSkipped) {
    std::ofstream(dir / "known_hosts") << "# comment\n"
                                       << "this is not a known_hosts line\n"
                                       << "@cert-authority *.example.com sk-ssh-ed25519@openssh.com AAAAbogus\n"
                                       << read_text(sshd().known_hosts_path());
    SshConfig c = config_for(sshd());
    c.known_hosts = dir / "known_hosts";
    SshShell shell(c);
    auto r = shell.exec("true", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe() << " | " << r.error().remark;
}

TEST_F(SshTest, KnownUnderAnotherKeyTypeCountsAsChangedNotNew) {
    LocalShell local;
    auto keygen = local.exec("ssh-keygen -q -t ecdsa -N '' -f " + shell_quote(dir / "ecdsa"), with_timeout(10s));
    ASSERT_TRUE(keygen.ok() && keygen->exit_status == 0);
    std::istringstream pub(read_text(dir / "ecdsa.pub"));
    std::string type;
    std::string key;
    pub >> type >> key;
    std::ofstream(dir / "known_hosts") << "[" << sshd().address() << "]:" << sshd().port() << " " << type << " " << key
                                       << "\n";
    SshConfig c = config_for(sshd());
    c.known_hosts = dir / "known_hosts";
    c.host_key_policy = HostKeyPolicy::accept_new;
    SshShell shell(c);
    auto r = shell.exec("true", with_timeout(5s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::host_key) << r.error().describe();
    EXPECT_EQ(read_text(dir / "known_hosts").find("ssh-ed25519"), std::string::npos) << "the new key was appended";
}

TEST_F(SshTest, AgentIsUsedWhenNoIdentityFileIsGiven) {
    LocalShell local;
    const std::string sock = dir / "agent.sock";
    auto agent = local.exec("ssh-agent -a " + shell_quote(sock) + " | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p'",
                            with_timeout(5s));
    ASSERT_TRUE(agent.ok() && agent->exit_status == 0) << (agent.ok() ? agent->err : agent.error().describe());
    const int agent_pid = std::atoi(agent->out.c_str());
    ASSERT_GT(agent_pid, 0) << agent->out;
    auto add = local.exec("SSH_AUTH_SOCK=" + shell_quote(sock) + " ssh-add -q " + shell_quote(sshd().identity_file()),
                          with_timeout(5s));
    ASSERT_TRUE(add.ok() && add->exit_status == 0) << (add.ok() ? add->err : add.error().describe());
    const char* saved = std::getenv("SSH_AUTH_SOCK");
    const std::string saved_value = saved != nullptr ? saved : "";
    ::setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
    SshConfig c = config_for(sshd());
    c.identity_file.clear();
    SshShell shell(c);
    auto r = shell.exec("echo via-agent", with_timeout(5s));
    if (saved != nullptr) {
        ::setenv("SSH_AUTH_SOCK", saved_value.c_str(), 1);
    } else {
        ::unsetenv("SSH_AUTH_SOCK");
    }
    ::kill(agent_pid, SIGKILL);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->out, "via-agent\n");
}

TEST_F(SshTest, NoIdentityFileAndNoAgentIsAnAuthError) {
    const char* saved = std::getenv("SSH_AUTH_SOCK");
    const std::string saved_value = saved != nullptr ? saved : "";
    ::unsetenv("SSH_AUTH_SOCK");
    SshConfig c = config_for(sshd());
    c.identity_file.clear();
    SshShell shell(c);
    auto r = shell.exec("true", with_timeout(5s));
    if (saved != nullptr) ::setenv("SSH_AUTH_SOCK", saved_value.c_str(), 1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::auth) << r.error().describe();
}

TEST_F(SshTest, SudoModeRunsThroughSudoN) {
    SshConfig c = config_for(sshd());
    c.sudo = SudoMode::non_interactive;
    SshShell shell(c);
    auto r = shell.exec("id -u", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    if (::access("/usr/bin/sudo", X_OK) == 0) {
        EXPECT_EQ(r->exit_status, 0) << r->err;
        EXPECT_EQ(r->out, "0\n");
    } else {
        // No sudo on this host: the prefix is there, so the command cannot run without it.
        EXPECT_EQ(r->exit_status, 127);
        EXPECT_NE(r->err.find("sudo"), std::string::npos) << r->err;
    }
}

// Tests with their own sshd: they break it or need another key.
TEST(SshdOwn, SshdKilledMidCommandFailsWithoutHanging) {
    if (!sshd_available()) GTEST_SKIP() << "openssh-server not installed";
    test::ScratchDir dir;
    SshdOptions o;
    o.address = "127.0.0.3";
    SshdInstance sshd(o);
    ASSERT_TRUE(sshd.start().ok());
    SshShell shell(config_for(sshd));
    ASSERT_TRUE(shell.connect().ok());
    std::thread killer([&] {
        std::this_thread::sleep_for(500ms);
        sshd.stop();
    });
    const auto started = SteadyClock::now();
    auto r = shell.exec(test::tagged_sleep(dir) + " 20", with_timeout(15s));
    killer.join();
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().kind == ErrorKind::unreachable || r.error().kind == ErrorKind::protocol)
        << r.error().describe();
    EXPECT_LT(SteadyClock::now() - started, 5s);
}

TEST(SshdOwn, RestartKeepsPortAndHostKeyAndTheShellReconnects) {
    if (!sshd_available()) GTEST_SKIP() << "openssh-server not installed";
    SshdOptions o;
    o.address = "127.0.0.3";
    SshdInstance sshd(o);
    ASSERT_TRUE(sshd.start().ok());
    const int port = sshd.port();
    SshShell shell(config_for(sshd));
    ASSERT_TRUE(shell.exec("true", with_timeout(5s)).ok());
    sshd.stop();
    auto down = shell.exec("true", with_timeout(5s));
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().kind, ErrorKind::unreachable) << down.error().describe();
    auto restarted = sshd.start();
    ASSERT_TRUE(restarted.ok()) << restarted.error().describe() << " | " << restarted.error().remark;
    EXPECT_EQ(sshd.port(), port);
    auto up = shell.exec("echo up", with_timeout(5s));
    ASSERT_TRUE(up.ok()) << up.error().describe();
    EXPECT_EQ(up->out, "up\n");
}

TEST(SshdOwn, PassphraseProtectedKey) {
    if (!sshd_available()) GTEST_SKIP() << "openssh-server not installed";
    SshdOptions o;
    o.address = "127.0.0.5";
    o.key_passphrase = Secret("correct horse");
    SshdInstance sshd(o);
    ASSERT_TRUE(sshd.start().ok());
    SshConfig c = config_for(sshd);
    c.passphrase = Secret("correct horse");
    {
        SshShell shell(c);
        auto r = shell.exec("echo ok", with_timeout(5s));
        ASSERT_TRUE(r.ok()) << r.error().describe() << " | " << r.error().remark;
    }
    c.passphrase = Secret("Tr0ub4dor-not-it");
    SshShell shell(c);
    auto r = shell.exec("echo ok", with_timeout(5s));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::auth);
    EXPECT_EQ((r.error().describe() + r.error().remark).find("Tr0ub4dor"), std::string::npos) << "passphrase leaked into the error";
}

}  // namespace
}  // namespace rmqup
