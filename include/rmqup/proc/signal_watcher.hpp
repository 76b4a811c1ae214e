// The one way rmq-upgrade reacts to SIGINT, SIGTERM and SIGHUP: without a global or a signal
// handler, a thread of our own takes them and calls back.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>

namespace rmqup::proc {

// Blocks SIGINT, SIGTERM and SIGHUP (an operator's dropped SSH session) in the calling thread and
// calls on_signal(signo) on its own thread for each one that arrives. Construct it before any other
// thread starts: threads inherit the mask, and a thread that does not block them would die of them.
// The destructor (on the constructing thread) stops the watcher and restores the previous mask.
class SignalWatcher {
public:
    explicit SignalWatcher(std::function<void(int)> on_signal);
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    // The first signal received, if any.
    std::optional<int> received() const;

private:
    void loop();
    std::function<void(int)> m_on_signal;
    sigset_t m_old_mask{};
    int m_signal_fd = -1;
    int m_stop_fd = -1;
    std::atomic<int> m_received{0};
    std::thread m_thread;
};

}  // namespace rmqup::proc
