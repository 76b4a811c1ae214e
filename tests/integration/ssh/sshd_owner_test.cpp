// The sshd a test or rehearsal starts must not outlive its owner, even when the owner is SIGKILLed
// and never runs SshdInstance::stop().
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "rmqup/rehearsal/sshd_instance.hpp"

using namespace rmqup;
using namespace std::chrono_literals;

namespace {

bool process_alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    // A zombie still answers kill(0): look at its state.
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE* f = std::fopen(path, "r");
    if (f == nullptr) return false;
    int p = 0;
    char comm[256] = {0};
    char state = '?';
    const int n = std::fscanf(f, "%d %255s %c", &p, comm, &state);
    std::fclose(f);
    return n == 3 && state != 'Z' && state != 'X';
}

}  // namespace

TEST(SshdLifetime, SshdDiesWhenItsOwnerIsKilledWithoutStop) {
    if (!sshd_available()) GTEST_SKIP() << "openssh-server not installed";
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    // Given an owner process that starts sshd and then hangs
    const pid_t owner = ::fork();
    ASSERT_GE(owner, 0);
    if (owner == 0) {
        ::close(fds[0]);
        SshdOptions o;
        o.address = "127.0.0.45";
        SshdInstance sshd(o);
        pid_t pid = sshd.start().ok() ? sshd.pid() : -1;
        (void)!::write(fds[1], &pid, sizeof pid);
        // its folder too: the killed owner never removes it, the test does
        char dir[256] = {};
        sshd.dir().copy(dir, sizeof dir - 1);
        (void)!::write(fds[1], dir, sizeof dir);
        ::pause();
        ::_exit(0);
    }
    ::close(fds[1]);
    pid_t sshd_pid = -1;
    ASSERT_EQ(::read(fds[0], &sshd_pid, sizeof sshd_pid), static_cast<ssize_t>(sizeof sshd_pid));
    char dir[256] = {};
    const bool got_dir = ::read(fds[0], dir, sizeof dir) == static_cast<ssize_t>(sizeof dir);
    ::close(fds[0]);
    struct RemoveDir {
        std::string path;
        ~RemoveDir() {
            std::error_code ec;
            if (path.rfind("/tmp/rmqup-sshd-", 0) == 0) std::filesystem::remove_all(path, ec);
        }
    } cleanup{got_dir ? std::string(dir) : std::string()};
    ASSERT_GT(sshd_pid, 0);
    ASSERT_TRUE(process_alive(sshd_pid));

    // When the owner is SIGKILLed (its destructor never runs)
    ::kill(owner, SIGKILL);
    ::waitpid(owner, nullptr, 0);

    // Then sshd goes away by itself within a few seconds
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (process_alive(sshd_pid) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
    const bool leaked = process_alive(sshd_pid);
    if (leaked) ::kill(sshd_pid, SIGKILL);  // never leave it behind, even when the test fails
    EXPECT_FALSE(leaked) << "sshd " << sshd_pid << " outlived its owner";
}
