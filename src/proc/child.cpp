// Child: waiting with a deadline (woken by a pidfd at exit), reading its pipes, killing its group.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "rmqup/proc/process.hpp"

namespace rmqup::proc {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int millis_left(Clock::time_point deadline, milliseconds cap) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::clamp(left, milliseconds(1), cap).count());
}

// A descriptor that becomes readable when pid exits (-1 where pidfds are unavailable: then we poll).
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

void append_bounded(std::string& sink, bool& truncated, const char* data, std::size_t n, std::size_t bound) {
    const std::size_t room = sink.size() < bound ? bound - sink.size() : 0;
    if (n > room) truncated = true;
    sink.append(data, std::min(n, room));
}

// Reads what fd holds now into sink; closes fd at end of file.
void drain(int& fd, std::string& sink, bool& truncated, std::size_t bound) {
    char buf[16384];
    for (;;) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got > 0) {
            append_bounded(sink, truncated, buf, static_cast<std::size_t>(got), bound);
            continue;
        }
        if (got == 0) close_fd(fd);
        return;  // EAGAIN, end of file or error
    }
}

}  // namespace

Child::~Child() { kill_group(); }

Child::Child(Child&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)),
      m_pgid(std::exchange(other.m_pgid, -1)),
      m_out(std::exchange(other.m_out, -1)),
      m_err(std::exchange(other.m_err, -1)),
      m_status(std::exchange(other.m_status, std::nullopt)) {}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        kill_group();
        m_pid = std::exchange(other.m_pid, -1);
        m_pgid = std::exchange(other.m_pgid, -1);
        m_out = std::exchange(other.m_out, -1);
        m_err = std::exchange(other.m_err, -1);
        m_status = std::exchange(other.m_status, std::nullopt);
    }
    return *this;
}

std::optional<int> Child::try_wait() {
    if (m_status || m_pid <= 0) return m_status;
    int status = 0;
    const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) m_status = decode_wait_status(status);
    else if (r < 0 && errno == ECHILD) m_status = 255;  // reaped elsewhere: status unknown
    return m_status;
}

Result<int> Child::wait_for(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    if (auto s = try_wait()) return *s;
    int pidfd = open_pidfd(m_pid);
    for (;;) {
        if (auto s = try_wait()) {
            close_fd(pidfd);
            return *s;
        }
        if (Clock::now() >= deadline) break;
        if (pidfd >= 0) {
            pollfd p{pidfd, POLLIN, 0};
            ::poll(&p, 1, millis_left(deadline, milliseconds(1000)));
        } else {
            std::this_thread::sleep_for(milliseconds(millis_left(deadline, milliseconds(10))));
        }
    }
    close_fd(pidfd);
    return make_error(ErrorKind::timeout, "process " + std::to_string(m_pid) + " still running after " +
                                              std::to_string(timeout.count()) + " ms");
}

Result<Captured> Child::capture(Clock::time_point deadline, std::size_t max_bytes, milliseconds linger) {
    Captured c;
    std::optional<Clock::time_point> exited_at;
    for (;;) {
        if (!exited_at && try_wait()) exited_at = Clock::now();
        const auto now = Clock::now();
        if (exited_at && ((m_out < 0 && m_err < 0) || now - *exited_at >= linger)) break;
        if (now >= deadline) return c;
        pollfd fds[2];
        nfds_t n = 0;
        if (m_out >= 0) fds[n++] = pollfd{m_out, POLLIN, 0};
        if (m_err >= 0) fds[n++] = pollfd{m_err, POLLIN, 0};
        // Short ticks: the exit is noticed by waitpid, not by the pipes (a grandchild may hold them).
        if (::poll(n > 0 ? fds : nullptr, n, millis_left(deadline, milliseconds(20))) < 0 && errno != EINTR)
            return make_error(ErrorKind::io, std::string("poll: ") + std::strerror(errno));
        if (m_out >= 0) drain(m_out, c.out, c.out_truncated, max_bytes);
        if (m_err >= 0) drain(m_err, c.err, c.err_truncated, max_bytes);
    }
    c.exit_status = m_status;
    return c;
}

void Child::kill_group(milliseconds grace) {
    if (m_pid <= 0) return;
    auto send = [this](int signo) {
        if (own_group()) ::kill(-m_pgid, signo);
        ::kill(m_pid, signo);
    };
    if (!try_wait()) {
        if (grace.count() > 0) send(SIGTERM);
        if (grace.count() <= 0 || !wait_for(grace).ok()) {
            send(SIGKILL);
            (void)wait_for(milliseconds(5000));
        }
    }
    // Stragglers of the group (a wrapper's children) go too.
    if (own_group()) ::kill(-m_pgid, SIGKILL);
    close_pipes();
}

void Child::signal(int signo) const {
    if (m_pid > 0) ::kill(m_pid, signo);
}

pid_t Child::release() {
    close_pipes();
    m_pgid = -1;
    return std::exchange(m_pid, -1);
}

void Child::close_pipes() {
    close_fd(m_out);
    close_fd(m_err);
}

}  // namespace rmqup::proc
