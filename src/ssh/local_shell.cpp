// LocalShell: /bin/sh -c on this machine with pipes, a deadline and a process-group kill.
#include "rmqup/ssh/local_shell.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace rmqup {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long to keep reading after the shell exited: a background child that kept our pipes open
// (a detach without redirection) must not hold exec() until the deadline.
constexpr std::chrono::milliseconds k_drain_after_exit{200};

Error errno_error(const std::string& what) {
    return make_error(ErrorKind::io, what + ": " + std::strerror(errno));
}

void append_bounded(std::string& sink, bool& truncated, const char* data, std::size_t n, std::size_t bound) {
    const std::size_t room = sink.size() < bound ? bound - sink.size() : 0;
    if (n > room) truncated = true;
    sink.append(data, n < room ? n : room);
}

class Pipe {
public:
    Pipe() = default;
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() { close_both(); }
    bool open() { return ::pipe2(m_fd, O_CLOEXEC) == 0; }
    int read_end() const { return m_fd[0]; }
    int write_end() const { return m_fd[1]; }
    void close_write() { close_fd(m_fd[1]); }
    void close_read() { close_fd(m_fd[0]); }
    void close_both() { close_read(); close_write(); }

private:
    static void close_fd(int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    int m_fd[2] = {-1, -1};
};

}  // namespace

Result<ExecResult> LocalShell::exec(const std::string& command, const ExecOptions& opts) {
    // argv is built before fork: the child may only call async-signal-safe functions.
    std::vector<std::string> args;
    if (m_sudo == SudoMode::non_interactive || opts.use_sudo) {
        args = {"sudo", "-n", "/bin/sh", "-c", command};
    } else {
        args = {"/bin/sh", "-c", command};
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const char* program = args.front() == "sudo" ? "sudo" : "/bin/sh";

    Pipe out;
    Pipe err;
    if (!out.open() || !err.open()) return errno_error("pipe");

    const pid_t pid = ::fork();
    if (pid < 0) return errno_error("fork");
    if (pid == 0) {
        ::setpgid(0, 0);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        ::dup2(out.write_end(), 1);
        ::dup2(err.write_end(), 2);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execvp(program, argv.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also in the parent, so the group exists before any kill below
    out.close_write();
    err.close_write();
    ::fcntl(out.read_end(), F_SETFL, O_NONBLOCK);
    ::fcntl(err.read_end(), F_SETFL, O_NONBLOCK);

    ExecResult result;
    const auto deadline = SteadyClock::now() + opts.timeout;
    bool exited = false;
    int wait_status = 0;
    SteadyClock::time_point exit_time{};
    bool out_open = true;
    bool err_open = true;
    char buf[16384];

    for (;;) {
        if (!exited) {
            const pid_t w = ::waitpid(pid, &wait_status, WNOHANG);
            if (w == pid) {
                exited = true;
                exit_time = SteadyClock::now();
            }
        }
        const auto now = SteadyClock::now();
        if ((!out_open && !err_open && exited) || (exited && now - exit_time >= k_drain_after_exit)) break;
        if (now >= deadline) {
            ::kill(-pid, SIGKILL);
            if (!exited) ::waitpid(pid, &wait_status, 0);
            Error e = make_error(ErrorKind::timeout, "command timed out after " +
                                                         std::to_string(opts.timeout.count()) +
                                                         " ms; its process group was killed");
            e.remark = result.err;
            return e;
        }
        pollfd fds[2];
        nfds_t n = 0;
        if (out_open) fds[n++] = pollfd{out.read_end(), POLLIN, 0};
        if (err_open) fds[n++] = pollfd{err.read_end(), POLLIN, 0};
        // Short ticks: child exit is noticed by waitpid, not by the pipes.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        const int tick = static_cast<int>(left < 20 ? (left < 1 ? 1 : left) : 20);
        if (n == 0) {
            ::poll(nullptr, 0, tick);
            continue;
        }
        if (::poll(fds, n, tick) < 0 && errno != EINTR) {
            ::kill(-pid, SIGKILL);
            if (!exited) ::waitpid(pid, &wait_status, 0);
            return errno_error("poll");
        }
        for (nfds_t i = 0; i < n; ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const bool is_out = fds[i].fd == out.read_end();
            for (;;) {
                const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
                if (got > 0) {
                    if (is_out) {
                        append_bounded(result.out, result.out_truncated, buf, static_cast<std::size_t>(got),
                                       opts.max_output);
                    } else {
                        append_bounded(result.err, result.err_truncated, buf, static_cast<std::size_t>(got),
                                       opts.max_output);
                    }
                    continue;
                }
                if (got == 0) {
                    if (is_out) {
                        out.close_read();
                        out_open = false;
                    } else {
                        err.close_read();
                        err_open = false;
                    }
                }
                break;  // EAGAIN, EOF or error
            }
        }
    }
    if (WIFEXITED(wait_status)) {
        result.exit_status = WEXITSTATUS(wait_status);
    } else if (WIFSIGNALED(wait_status)) {
        result.exit_status = 128 + WTERMSIG(wait_status);
    }
    return result;
}

Status LocalShell::upload(const std::string& content, const std::string& remote_path, int mode) {
    const bool sudo = m_sudo == SudoMode::non_interactive;
    std::string target = remote_path;
    if (sudo) {
        // Written as us first, then copied into place as root.
        char tmpl[] = "/tmp/rmqup-upload-XXXXXX";
        const int fd = ::mkstemp(tmpl);
        if (fd < 0) return errno_error("create temp file for " + remote_path);
        ::close(fd);
        target = tmpl;
    }
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0) return errno_error("open " + target);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            Error e = errno_error("write " + target);
            ::close(fd);
            return e;
        }
        done += static_cast<std::size_t>(w);
    }
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
        Error e = errno_error("chmod " + target);
        ::close(fd);
        return e;
    }
    if (::close(fd) != 0) return errno_error("close " + target);
    if (!sudo) return ok_status();

    char mode_text[16];
    std::snprintf(mode_text, sizeof mode_text, "%04o", static_cast<unsigned>(mode) & 07777u);
    ExecOptions opts;
    opts.timeout = std::chrono::milliseconds(30000);
    auto r = exec("cp -- " + shell_quote(target) + " " + shell_quote(remote_path) + " && chmod " + mode_text + " " +
                      shell_quote(remote_path),
                  opts);
    ::unlink(target.c_str());
    if (!r.ok()) return std::move(r).error().with("upload " + remote_path);
    if (r->exit_status != 0) {
        Error e = make_error(ErrorKind::io, "sudo copy into place failed");
        e.remark = r->err;
        e.code = r->exit_status;
        return std::move(e).with("upload " + remote_path);
    }
    return ok_status();
}

}  // namespace rmqup
