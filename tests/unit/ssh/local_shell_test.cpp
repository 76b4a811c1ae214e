// LocalShell and RecordingShell: real /bin/sh commands, timeouts, bounds, uploads.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "process_cleanup.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/ssh/local_shell.hpp"
#include "rmqup/ssh/recording_shell.hpp"

namespace rmqup {
namespace {

using namespace std::chrono_literals;

ExecOptions with_timeout(std::chrono::milliseconds t) {
    ExecOptions o;
    o.timeout = t;
    return o;
}

TEST(LocalShell, CapturesOutputAndExitStatus) {
    LocalShell shell;
    auto r = shell.exec("echo out; echo err >&2; exit 3", with_timeout(5s));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->exit_status, 3);
    EXPECT_EQ(r->out, "out\n");
    EXPECT_EQ(r->err, "err\n");
    EXPECT_FALSE(r->out_truncated);
}

TEST(LocalShell, StdinIsEmpty) {
    LocalShell shell;
    auto r = shell.exec("cat; echo done", with_timeout(5s));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "done\n");
}

TEST(LocalShell, TimeoutKillsTheWholeProcessGroup) {
    test::ScratchDir dir;
    LocalShell shell;
    const auto started = std::chrono::steady_clock::now();
    // A background grandchild too: it must die with the group.
    const std::string sleeper = test::tagged_sleep(dir);
    auto r = shell.exec(sleeper + " 30 & echo $! > " + dir / "bg.pid" + "; " + sleeper + " 30", with_timeout(500ms));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::timeout);
    EXPECT_LT(elapsed, 3s);
    int bg = 0;
    std::ifstream(dir / "bg.pid") >> bg;
    ASSERT_GT(bg, 0);
    EXPECT_TRUE(proc::wait_gone(bg, 2s)) << "background child survived the timeout";
    EXPECT_TRUE(proc::find_processes(dir.path()).empty());
}

TEST(LocalShell, OutputOverTheBoundIsTruncatedAndFlagged) {
    LocalShell shell;
    ExecOptions o = with_timeout(5s);
    o.max_output = 1000;
    auto r = shell.exec("head -c 100000 /dev/zero | tr '\\0' x; echo tail >&2", o);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->exit_status, 0);
    EXPECT_EQ(r->out.size(), 1000u);
    EXPECT_TRUE(r->out_truncated);
    EXPECT_EQ(r->err, "tail\n");
    EXPECT_FALSE(r->err_truncated);
}

TEST(LocalShell, BackgroundChildHoldingThePipeDoesNotHoldExec) {
    test::ScratchDir dir;
    LocalShell shell;
    const auto started = std::chrono::steady_clock::now();
    auto r = shell.exec(test::tagged_sleep(dir) + " 5 & echo started", with_timeout(4s));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->out, "started\n");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(LocalShell, UploadWritesContentWithExactMode) {
    test::ScratchDir dir;
    LocalShell shell;
    const std::string path = dir / "conf file$(x).properties";
    ASSERT_TRUE(shell.upload("a=1\n", path, 0640).ok());
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "a=1\n");
    struct stat st{};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(RecordingShell, RecordsAndAnswersScriptedOrEmpty) {
    RecordingShell shell;
    ExecResult scripted;
    scripted.out = "probe-ok\n";
    shell.script(scripted);
    auto first = shell.exec("first", with_timeout(1s));
    auto second = shell.exec("second", with_timeout(1s));
    ASSERT_TRUE(shell.upload("secret=1", "/x/y", 0600).ok());
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->out, "probe-ok\n");
    EXPECT_EQ(second->out, "");
    EXPECT_EQ(second->exit_status, 0);
    EXPECT_EQ(shell.commands(), (std::vector<std::string>{"first", "second"}));
    ASSERT_EQ(shell.calls().size(), 3u);
    EXPECT_EQ(shell.calls()[2].path, "/x/y");
    EXPECT_EQ(shell.calls()[2].size, 8u);
    EXPECT_EQ(shell.describe(), "dry-run");
}

}  // namespace
}  // namespace rmqup
