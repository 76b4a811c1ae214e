// proc::Child and spawn_detached against real /bin/sh and sleep processes; every test is bounded
// and kills what it starts.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

using namespace rmqup;
using namespace rmqup::proc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

SpawnOptions shell(const std::string& script) {
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", script};
    return o;
}

Captured run_captured(SpawnOptions o, std::chrono::milliseconds limit = 5s) {
    o.out = Redirect::pipe();
    o.err = Redirect::pipe();
    auto child = Child::spawn(o);
    EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().describe());
    if (!child.ok()) return {};
    auto c = child->capture(Clock::now() + limit, 1 << 20);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : Captured{};
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class ScratchFolder {
public:
    ScratchFolder() : m_path(std::filesystem::temp_directory_path() / ("rmqup-proc-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(m_path);
    }
    ~ScratchFolder() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    std::string operator/(const std::string& name) const { return (m_path / name).string(); }
    std::string path() const { return m_path.string(); }

private:
    std::filesystem::path m_path;
};

}  // namespace

TEST(Spawn, ReturnsTheExitCodeAndTheSignalAs128PlusSignal) {
    auto exits = Child::spawn(shell("exit 3"));
    ASSERT_TRUE(exits.ok());
    EXPECT_EQ(exits->wait_for(5s).value_or(-1), 3);

    auto killed = Child::spawn(shell("kill -9 $$"));
    ASSERT_TRUE(killed.ok());
    EXPECT_EQ(killed->wait_for(5s).value_or(-1), 128 + SIGKILL);
}

TEST(Spawn, ReportsAMissingProgramAsAnIoErrorNamingIt) {
    SpawnOptions o;
    o.argv = {"/nonexistent/rmqup-no-such-program"};
    auto r = Child::spawn(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::io);
    EXPECT_NE(r.error().describe().find("exec"), std::string::npos) << r.error().describe();
    EXPECT_NE(r.error().describe().find("rmqup-no-such-program"), std::string::npos);

    o.argv = {"rmqup-no-such-program-on-path"};
    EXPECT_EQ(Child::spawn(o).error().kind, ErrorKind::io);
    EXPECT_EQ(Child::spawn(SpawnOptions{}).error().kind, ErrorKind::invalid_input);
}

TEST(Spawn, LoggedToAppendsStdoutAndStderrToTheLogAndDiesWithItsOwner) {
    ScratchFolder dir;
    const std::string log = dir / "daemon.log";
    { std::ofstream(log) << "earlier\n"; }
    auto o = logged_to({"/bin/sh", "-c", "echo out; echo err >&2"}, log);
    EXPECT_EQ(o.group, Group::new_group);
    EXPECT_EQ(o.death_signal, SIGKILL);
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok()) << child.error().describe();
    EXPECT_EQ(child->wait_for(5s).value_or(-1), 0);
    EXPECT_EQ(read_text(log), "earlier\nout\nerr\n");
    EXPECT_EQ(logged_to({"true"}, "").out.kind, Redirect::Kind::null);
}

TEST(Spawn, LooksUpABareProgramNameOnPath) {
    SpawnOptions o;
    o.argv = {"sh", "-c", "exit 7"};
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok()) << child.error().describe();
    EXPECT_EQ(child->wait_for(5s).value_or(-1), 7);
}

TEST(Spawn, AddsEnvironmentAndRunsInTheGivenDirectory) {
    ScratchFolder dir;
    auto o = shell("echo \"$RMQUP_A $RMQUP_B\"; pwd; echo oops >&2");
    o.env = {{"RMQUP_A", "one"}, {"RMQUP_B", "two"}};
    o.cwd = dir.path();
    const auto c = run_captured(o);
    EXPECT_EQ(c.exit_status, 0);
    EXPECT_EQ(c.out, "one two\n" + std::filesystem::canonical(dir.path()).string() + "\n");
    EXPECT_EQ(c.err, "oops\n");
}

TEST(Spawn, ReportsAMissingWorkingDirectory) {
    auto o = shell("true");
    o.cwd = "/nonexistent/rmqup-dir";
    auto r = Child::spawn(o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().describe().find("chdir /nonexistent/rmqup-dir"), std::string::npos) << r.error().describe();
}

TEST(Spawn, RedirectsIntoFilesAppendingOrTruncating) {
    ScratchFolder dir;
    std::ofstream(dir / "log") << "before\n";
    std::ofstream(dir / "out") << "old content\n";
    auto o = shell("echo to-out; echo to-err >&2");
    o.out = Redirect::append(dir / "log");
    o.err = Redirect::same_as_stdout();
    ASSERT_EQ(Child::spawn(o)->wait_for(5s).value_or(-1), 0);
    EXPECT_EQ(read_text(dir / "log"), "before\nto-out\nto-err\n");

    o.out = Redirect::truncate(dir / "out");
    o.err = Redirect::append(dir / "log");
    ASSERT_EQ(Child::spawn(o)->wait_for(5s).value_or(-1), 0);
    EXPECT_EQ(read_text(dir / "out"), "to-out\n");
    EXPECT_EQ(read_text(dir / "log"), "before\nto-out\nto-err\nto-err\n");
}

TEST(Capture, KeepsAtMostMaxBytesAndSaysSo) {
    auto o = shell("printf 0123456789");
    o.out = Redirect::pipe();
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    auto c = child->capture(Clock::now() + 5s, 4);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->out, "0123");
    EXPECT_TRUE(c->out_truncated);
    EXPECT_FALSE(c->err_truncated);
}

TEST(Capture, DoesNotWaitForABackgroundGrandchildHoldingThePipes) {
    const auto start = Clock::now();
    const auto c = run_captured(shell("sleep 5 & echo done"));
    EXPECT_LT(Clock::now() - start, 2s);
    EXPECT_EQ(c.exit_status, 0);
    EXPECT_EQ(c.out, "done\n");
}

TEST(Capture, StopsAtTheDeadlineWithTheOutputSoFarAndLeavesTheChildRunning) {
    auto o = shell("echo partial; exec sleep 30");
    o.out = Redirect::pipe();
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    const auto start = Clock::now();
    auto c = child->capture(Clock::now() + 300ms, 1024);
    ASSERT_TRUE(c.ok());
    EXPECT_LT(Clock::now() - start, 2s);
    EXPECT_FALSE(c->exit_status.has_value());
    EXPECT_EQ(c->out, "partial\n");
    EXPECT_TRUE(alive(child->pid()));
    child->kill_group(0ms);
    EXPECT_EQ(child->try_wait(), 128 + SIGKILL);
}

TEST(Wait, TimesOutAtTheDeadlineAndLeavesTheChildRunning) {
    SpawnOptions o;
    o.argv = {"/bin/sleep", "30"};
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    const auto start = Clock::now();
    auto r = child->wait_for(200ms);
    const auto took = Clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::timeout);
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, 2s);
    EXPECT_TRUE(alive(child->pid()));
}

TEST(Wait, WakesUpAsSoonAsTheChildExits) {
    auto child = Child::spawn(shell("sleep 0.1"));
    ASSERT_TRUE(child.ok());
    const auto start = Clock::now();
    EXPECT_EQ(child->wait_for(10s).value_or(-1), 0);
    EXPECT_LT(Clock::now() - start, 1s);
}

TEST(KillGroup, KillsTheChildAndEverythingItForked) {
    auto o = shell("sleep 30 & sleep 30 & wait");
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    EXPECT_EQ(child->pgid(), child->pid());
    std::vector<pid_t> kids;
    for (auto until = Clock::now() + 5s; kids.size() < 2 && Clock::now() < until; std::this_thread::sleep_for(10ms))
        kids = descendants(child->pid());
    ASSERT_EQ(kids.size(), 2u);

    child->kill_group(3s);
    EXPECT_TRUE(child->try_wait().has_value());
    for (pid_t k : kids) EXPECT_TRUE(wait_gone(k, 3s)) << "grandchild " << k << " survived";
}

TEST(KillGroup, EscalatesToSigkillAfterTheGraceWhenSigtermIsIgnored) {
    auto child = Child::spawn(shell("trap '' TERM; echo ready; while :; do sleep 0.05; done"));
    ASSERT_TRUE(child.ok());
    std::this_thread::sleep_for(200ms);  // the trap is set
    const auto start = Clock::now();
    child->kill_group(300ms);
    const auto took = Clock::now() - start;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s);
    EXPECT_EQ(child->try_wait(), 128 + SIGKILL);
}

TEST(KillGroup, WithTheInheritedGroupSignalsOnlyTheChild) {
    auto o = shell("exec sleep 30");
    o.group = Group::inherit;
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    EXPECT_EQ(child->pgid(), ::getpgrp());
    child->kill_group(0ms);  // we are in that group and still here
    EXPECT_EQ(child->try_wait(), 128 + SIGKILL);
}

TEST(DeathSignal, KillsTheChildWhenTheSpawningThreadEnds) {
    Result<Child> child = make_error(ErrorKind::internal, "not spawned");
    std::thread owner([&] {
        SpawnOptions o;
        o.argv = {"/bin/sleep", "30"};
        o.death_signal = SIGKILL;
        child = Child::spawn(o);
    });
    owner.join();
    ASSERT_TRUE(child.ok());
    EXPECT_EQ(child->wait_for(5s).value_or(-1), 128 + SIGKILL);
}

TEST(DeathSignal, NoneLeavesTheChildRunningAfterTheThreadEnds) {
    Result<Child> child = make_error(ErrorKind::internal, "not spawned");
    std::thread owner([&] { child = Child::spawn(shell("exec sleep 30")); });
    owner.join();
    ASSERT_TRUE(child.ok());
    EXPECT_FALSE(child->wait_for(300ms).ok());
}

TEST(Destructor, KillsTheGroupUnlessReleased) {
    pid_t killed = -1;
    pid_t released = -1;
    {
        auto a = Child::spawn(shell("exec sleep 30"));
        auto b = Child::spawn(shell("exec sleep 30"));
        ASSERT_TRUE(a.ok() && b.ok());
        killed = a->pid();
        released = b->release();
    }
    EXPECT_FALSE(alive(killed));
    EXPECT_TRUE(alive(released));
    ::kill(released, SIGKILL);
    int status = 0;
    ::waitpid(released, &status, 0);
}

TEST(SpawnDetached, StartsADaemonInItsOwnSessionThatIsNotOurChild) {
    ScratchFolder dir;
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", "echo started; exec sleep 30"};
    o.out = Redirect::append(dir / "daemon.log");
    auto pid = spawn_detached(o);
    ASSERT_TRUE(pid.ok()) << pid.error().describe();
    EXPECT_NE(::getsid(*pid), ::getsid(0));
    const auto stat = read_stat(*pid);
    ASSERT_TRUE(stat.has_value());
    EXPECT_NE(stat->ppid, ::getpid());
    for (auto until = Clock::now() + 5s; read_text(dir / "daemon.log").empty() && Clock::now() < until;)
        std::this_thread::sleep_for(10ms);
    ::kill(*pid, SIGTERM);
    EXPECT_TRUE(wait_gone(*pid, 3s));
    EXPECT_EQ(read_text(dir / "daemon.log"), "started\n");
}

TEST(SpawnDetached, ReportsAnExecFailure) {
    SpawnOptions o;
    o.argv = {"/nonexistent/rmqup-daemon"};
    auto pid = spawn_detached(o);
    ASSERT_FALSE(pid.ok());
    EXPECT_EQ(pid.error().kind, ErrorKind::io);
}
