// proc::SignalWatcher: SIGINT, SIGTERM and SIGHUP sent to this process reach the callback on the
// watcher's thread instead of killing the test.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "rmqup/proc/signal_watcher.hpp"

using namespace rmqup::proc;
using namespace std::chrono_literals;

namespace {

bool blocked_here(int signo) {
    sigset_t now;
    pthread_sigmask(SIG_SETMASK, nullptr, &now);
    return sigismember(&now, signo) == 1;
}

}  // namespace

TEST(SignalWatcher, TurnsEachWatchedSignalIntoACallback) {
    std::mutex mu;
    std::vector<int> seen;
    const std::thread::id test_thread = std::this_thread::get_id();
    std::atomic<bool> on_own_thread{true};
    {
        SignalWatcher watcher([&](int signo) {
            if (std::this_thread::get_id() == test_thread) on_own_thread = false;
            std::lock_guard<std::mutex> lock(mu);
            seen.push_back(signo);
        });
        EXPECT_FALSE(watcher.received().has_value());
        for (int signo : {SIGHUP, SIGTERM, SIGINT}) {
            ::kill(::getpid(), signo);
            for (auto until = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < until;) {
                std::lock_guard<std::mutex> lock(mu);
                if (!seen.empty() && seen.back() == signo) break;
            }
        }
        EXPECT_EQ(watcher.received(), SIGHUP) << "the first signal is kept";
    }
    EXPECT_EQ(seen, (std::vector<int>{SIGHUP, SIGTERM, SIGINT}));
    EXPECT_TRUE(on_own_thread.load());
}

TEST(SignalWatcher, BlocksTheSignalsWhileAliveAndRestoresTheMaskAfter) {
    ASSERT_FALSE(blocked_here(SIGHUP));
    const auto start = std::chrono::steady_clock::now();
    {
        SignalWatcher watcher(nullptr);
        EXPECT_TRUE(blocked_here(SIGINT));
        EXPECT_TRUE(blocked_here(SIGTERM));
        EXPECT_TRUE(blocked_here(SIGHUP));
        std::thread later([] { EXPECT_TRUE(blocked_here(SIGHUP)) << "threads started later inherit the mask"; });
        later.join();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "stopping does not wait for a tick";
    EXPECT_FALSE(blocked_here(SIGINT));
    EXPECT_FALSE(blocked_here(SIGTERM));
    EXPECT_FALSE(blocked_here(SIGHUP));
}
