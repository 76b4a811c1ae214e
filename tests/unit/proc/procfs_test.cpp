// proc's /proc readers against this test process and children it starts.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/proc/reaper.hpp"

using namespace rmqup::proc;
using namespace std::chrono_literals;

namespace {

// A sleeping shell whose command line carries tag.
Child tagged_sleeper(const std::string& tag) {
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", "sleep 30; : " + tag};
    auto child = Child::spawn(o);
    EXPECT_TRUE(child.ok());
    return child.ok() ? std::move(child).value() : Child{};
}

std::string unique_tag(const char* what) { return std::string("rmqup-procfs-") + what + "-" + std::to_string(::getpid()); }

}  // namespace

// A read that fails after the open (a /proc/<pid> file of a process that exited meanwhile fails
// with ESRCH; a directory fails with EISDIR, deterministically) is "none", never an exception:
// libstdc++'s filebuf throws from such a read, which once killed a rehearsal mid-setup.
TEST(Procfs, AFileWhoseReadFailsIsNoneNotAnException) {
    EXPECT_FALSE(read_proc_file("/proc/self").has_value());
    EXPECT_FALSE(read_proc_file("/nonexistent/rmqup").has_value());
    auto own = read_proc_file("/proc/self/cmdline");
    ASSERT_TRUE(own.has_value());
    EXPECT_FALSE(own->empty());
}

TEST(Procfs, ReadsOurOwnProcess) {
    const pid_t self = ::getpid();
    const auto pids = list_pids();
    EXPECT_NE(std::find(pids.begin(), pids.end(), self), pids.end());

    const auto stat = read_stat(self);
    ASSERT_TRUE(stat.has_value());
    EXPECT_EQ(stat->ppid, ::getppid());
    EXPECT_EQ(stat->pgid, ::getpgrp());
    EXPECT_TRUE(stat->state == 'R' || stat->state == 'S') << stat->state;
    EXPECT_TRUE(alive(self));

    const auto args = read_cmdline(self);
    ASSERT_FALSE(args.empty());
    EXPECT_NE(args.front().find("test_unit_proc"), std::string::npos) << args.front();
    EXPECT_EQ(cmdline_text(self).rfind(args.front(), 0), 0u);
    EXPECT_GT(resident_kib(self).value_or(0), 0);
}

TEST(Procfs, AGoneProcessReadsAsNothing) {
    SpawnOptions o;
    o.argv = {"/bin/true"};
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    const pid_t pid = child->pid();
    ASSERT_TRUE(child->wait_for(5s).ok());
    EXPECT_FALSE(alive(pid));
    EXPECT_FALSE(read_stat(pid).has_value());
    EXPECT_TRUE(read_cmdline(pid).empty());
    EXPECT_EQ(cmdline_text(pid), "");
    EXPECT_FALSE(resident_kib(pid).has_value());
    EXPECT_TRUE(wait_gone(pid, 0ms));
}

TEST(Procfs, SplitsTheCommandLineIntoArguments) {
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", "sleep 30; :", "with space"};
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    std::vector<std::string> args;
    for (auto until = std::chrono::steady_clock::now() + 5s; args != o.argv && std::chrono::steady_clock::now() < until;)
        args = read_cmdline(child->pid());
    EXPECT_EQ(args, o.argv);
    EXPECT_EQ(cmdline_text(child->pid()), "/bin/sh -c sleep 30; : with space ");
}

TEST(Procfs, FindsProcessesByCommandLineAndDescendantsByParent) {
    const std::string tag = unique_tag("find");
    Child child = tagged_sleeper(tag);
    std::vector<pid_t> found;
    for (auto until = std::chrono::steady_clock::now() + 5s; found.empty() && std::chrono::steady_clock::now() < until;)
        found = find_processes(tag);
    ASSERT_EQ(found, std::vector<pid_t>{child.pid()});

    std::vector<pid_t> kids;
    for (auto until = std::chrono::steady_clock::now() + 5s; kids.empty() && std::chrono::steady_clock::now() < until;)
        kids = descendants(child.pid());
    ASSERT_EQ(kids.size(), 1u);
    // The shell's child is listed from its fork on; its command line is sleep's once it has exec'd.
    const std::vector<std::string> sleeping{"sleep", "30"};
    std::vector<std::string> argv;
    for (auto until = std::chrono::steady_clock::now() + 5s; argv != sleeping && std::chrono::steady_clock::now() < until;)
        argv = read_cmdline(kids[0]);
    EXPECT_EQ(argv, sleeping);
    const auto ours = descendants(::getpid());
    EXPECT_NE(std::find(ours.begin(), ours.end(), kids[0]), ours.end()) << "grandchildren are descendants too";
}

TEST(Procfs, KillProcessesMatchingTerminatesThemAndTheirGroups) {
    const std::string tag = unique_tag("kill");
    Child child = tagged_sleeper(tag);
    std::vector<pid_t> kids;
    for (auto until = std::chrono::steady_clock::now() + 5s; kids.empty() && std::chrono::steady_clock::now() < until;)
        kids = descendants(child.pid());
    ASSERT_EQ(kids.size(), 1u);

    EXPECT_EQ(kill_processes_matching(tag, 3s), 1);
    EXPECT_EQ(child.wait_for(3s).value_or(-1), 128 + SIGTERM);
    EXPECT_TRUE(wait_gone(kids[0], 3s)) << "the sleep in its group survived";
    EXPECT_EQ(kill_processes_matching("", 3s), 0);
}

TEST(Reaper, ReapsTheZombiesOfOrphanedDescendants) {
    Reaper reaper;
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", "exec sleep 0.2", unique_tag("orphan")};
    auto pid = spawn_detached(o);
    ASSERT_TRUE(pid.ok());
    // Orphaned by its middle process, the daemon becomes ours; once it exits its zombie is reaped.
    EXPECT_EQ(read_stat(*pid).value_or(ProcStat{}).ppid, ::getpid());
    bool reaped = false;
    for (auto until = std::chrono::steady_clock::now() + 5s; !reaped && std::chrono::steady_clock::now() < until;) {
        std::this_thread::sleep_for(50ms);
        reaped = !read_stat(*pid).has_value();
    }
    EXPECT_TRUE(reaped) << "zombie " << *pid << " was not reaped";
}

TEST(Reaper, LeavesKeptChildrenToTheirOwner) {
    Reaper reaper;
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", "exit 5"};
    auto child = Child::spawn(o);
    ASSERT_TRUE(child.ok());
    reaper.keep(child->pid());
    std::this_thread::sleep_for(1600ms);  // longer than the reaper's one-second patience
    EXPECT_EQ(child->wait_for(1s).value_or(-1), 5);
}
