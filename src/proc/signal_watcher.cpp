// SignalWatcher: the signals arrive on a signalfd; an eventfd tells the thread to stop, so the
// destructor neither waits for a poll tick nor needs a signal of its own.
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "rmqup/proc/signal_watcher.hpp"

namespace rmqup::proc {
namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal) : m_on_signal(std::move(on_signal)) {
    const sigset_t set = watched_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, &m_old_mask);
    m_signal_fd = ::signalfd(-1, &set, SFD_CLOEXEC);
    m_stop_fd = ::eventfd(0, EFD_CLOEXEC);
    m_thread = std::thread([this] { loop(); });
}

SignalWatcher::~SignalWatcher() {
    const std::uint64_t one = 1;
    (void)!::write(m_stop_fd, &one, sizeof one);
    if (m_thread.joinable()) m_thread.join();
    ::close(m_signal_fd);
    ::close(m_stop_fd);
    ::pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
}

std::optional<int> SignalWatcher::received() const {
    const int s = m_received.load();
    if (s == 0) return std::nullopt;
    return s;
}

void SignalWatcher::loop() {
    if (m_signal_fd < 0 || m_stop_fd < 0) return;  // no descriptors: the signals stay blocked and pending
    for (;;) {
        pollfd fds[2] = {{m_signal_fd, POLLIN, 0}, {m_stop_fd, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents != 0) return;
        signalfd_siginfo info{};
        if (::read(m_signal_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
        const int signo = static_cast<int>(info.ssi_signo);
        int expected = 0;
        m_received.compare_exchange_strong(expected, signo);
        if (m_on_signal) m_on_signal(signo);
    }
}

}  // namespace rmqup::proc
