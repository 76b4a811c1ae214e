// SshShell: commands and uploads over one reused libssh2 session, every step under a deadline.
#include "rmqup/ssh/ssh_shell.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include "rmqup/hostops/host_scripts.hpp"
#include "ssh_session.hpp"

namespace rmqup {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Extra time the client waits beyond the remote timeout(1) before it gives up on the channel.
constexpr std::chrono::milliseconds k_client_slack{3000};

void append_bounded(std::string& sink, bool& truncated, const char* data, std::size_t n, std::size_t bound) {
    const std::size_t room = sink.size() < bound ? bound - sink.size() : 0;
    if (n > room) truncated = true;
    sink.append(data, n < room ? n : room);
}

int signal_number(const std::string& name) {
    static constexpr struct {
        const char* name;
        int number;
    } k_signals[] = {{"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"ABRT", 6},  {"FPE", 8},
                     {"KILL", 9},  {"USR1", 10}, {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14},
                     {"TERM", 15}};
    for (const auto& s : k_signals) {
        if (name == s.name) return s.number;
    }
    return 0;
}

struct ChannelGuard {
    LIBSSH2_CHANNEL* ch = nullptr;
    ~ChannelGuard() {
        if (ch != nullptr) libssh2_channel_free(ch);
    }
};

// Repeats op while libssh2 says EAGAIN, waiting on the socket; returns op's final code or the wait error.
template <typename Op>
Result<int> retry_eagain(SshShell::Session& s, SshDeadline deadline, const std::string& step, Op op) {
    for (;;) {
        const int rc = op();
        if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
        auto w = ssh_detail::wait_socket(s, deadline, step);
        if (!w.ok()) return std::move(w).error();
    }
}

Result<LIBSSH2_CHANNEL*> open_channel(SshShell::Session& s, SshDeadline deadline) {
    for (;;) {
        LIBSSH2_CHANNEL* ch = libssh2_channel_open_session(s.ssh);
        if (ch != nullptr) return ch;
        const int rc = libssh2_session_last_errno(s.ssh);
        if (rc != LIBSSH2_ERROR_EAGAIN) return ssh_detail::session_error(s.ssh, rc, "open channel");
        RMQUP_TRY(ssh_detail::wait_socket(s, deadline, "open channel"));
    }
}

std::string random_suffix() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return buf;
}

}  // namespace

SshShell::SshShell(SshConfig config) : m_config(std::move(config)) {}

SshShell::~SshShell() = default;

std::string SshShell::describe() const {
    return "ssh:" + m_config.user + "@" + m_config.address + ":" + std::to_string(m_config.port);
}

Status SshShell::connect() { return ensure_connected(); }

void SshShell::disconnect() { m_session.reset(); }

Status SshShell::ensure_connected() {
    if (m_session) return ok_status();
    auto s = ssh_detail::open_session(m_config);
    if (!s.ok()) return std::move(s).error().with("host " + m_config.host_name);
    m_session = std::move(*s);
    return ok_status();
}

Result<ExecResult> SshShell::exec(const std::string& command, const ExecOptions& opts) {
    // A reused session may have died while idle (keepalives only go out while we wait). If it
    // fails before the command started, reconnect once; never re-run a command that may have run.
    const bool reused = connected();
    RMQUP_TRY(ensure_connected());
    bool retryable = false;
    auto r = exec_once(command, opts, retryable);
    if (!r.ok() && retryable && reused) {
        disconnect();
        RMQUP_TRY(ensure_connected());
        r = exec_once(command, opts, retryable);
    }
    return r;
}

namespace {

// The command as the host runs it: the host enforces the timeout itself, killing the command's
// whole process group, so a command outlives neither its deadline nor a lost connection.
std::string wrap_command(const std::string& command, const ExecOptions& opts, const SshConfig& config) {
    std::string wrapped = "timeout -k " + host_scripts::seconds_text(config.kill_grace) + " " +
                          host_scripts::seconds_text(std::max(opts.timeout, std::chrono::milliseconds(1))) +
                          " sh -c " + shell_quote(command);  // timeout(1) treats 0 as "no limit"
    if (config.sudo == SudoMode::non_interactive || opts.use_sudo) wrapped = "sudo -n " + wrapped;
    return wrapped;
}

// Reads what is available on one stream (0 = stdout, SSH_EXTENDED_DATA_STDERR) into result.
// progressed: set when anything was read. Errors: the connection was lost while the command ran.
Status drain_stream(SshShell::Session& s, LIBSSH2_CHANNEL* ch, int stream, const ExecOptions& opts, ExecResult& result,
                    bool& progressed) {
    char buf[32768];
    for (;;) {
        const ssize_t n = libssh2_channel_read_ex(ch, stream, buf, sizeof buf);
        if (n == LIBSSH2_ERROR_EAGAIN || n == 0) return ok_status();
        if (n < 0) {
            Error e = ssh_detail::session_error(s.ssh, static_cast<int>(n), "read command output");
            e.message += "; the connection was lost while the command ran (it may or may not have completed)";
            return e;
        }
        progressed = true;
        const auto len = static_cast<std::size_t>(n);
        if (stream == 0) append_bounded(result.out, result.out_truncated, buf, len, opts.max_output);
        else append_bounded(result.err, result.err_truncated, buf, len, opts.max_output);
    }
}

// Reads stdout and stderr until the channel's EOF or the deadline.
Status read_until_eof(SshShell::Session& s, LIBSSH2_CHANNEL* ch, SteadyClock::time_point deadline, const ExecOptions& opts,
                      ExecResult& result) {
    for (;;) {
        bool progressed = false;
        for (int stream : {0, SSH_EXTENDED_DATA_STDERR})
            RMQUP_TRY(drain_stream(s, ch, stream, opts, result, progressed));
        if (libssh2_channel_eof(ch) != 0) return ok_status();
        if (progressed) continue;
        auto w = ssh_detail::wait_socket(s, deadline, "command");
        if (!w.ok()) {
            Error e = std::move(w).error();
            if (e.kind == ErrorKind::timeout) {
                e.message = "no answer from the host " + std::to_string((opts.timeout + k_client_slack).count()) +
                            " ms after the command's timeout; session dropped";
            }
            return e;
        }
        const int last = libssh2_session_last_errno(s.ssh);
        if (last == LIBSSH2_ERROR_SOCKET_RECV || last == LIBSSH2_ERROR_SOCKET_DISCONNECT)
            return ssh_detail::session_error(s.ssh, last, "read command output");
    }
}

// Closes the channel and reads the command's exit status (128 + signal number when a signal ended it).
Status close_and_read_exit(SshShell::Session& s, LIBSSH2_CHANNEL* ch, SteadyClock::time_point deadline, ExecResult& result) {
    auto closed = retry_eagain(s, deadline, "close channel", [&] { return libssh2_channel_close(ch); });
    if (closed.ok() && *closed == 0)
        closed = retry_eagain(s, deadline, "close channel", [&] { return libssh2_channel_wait_closed(ch); });
    if (!closed.ok()) return std::move(closed).error();
    if (*closed != 0) return ssh_detail::session_error(s.ssh, *closed, "close channel");
    result.exit_status = libssh2_channel_get_exit_status(ch);
    char* signal_name = nullptr;
    std::size_t signal_len = 0;
    libssh2_channel_get_exit_signal(ch, &signal_name, &signal_len, nullptr, nullptr, nullptr, nullptr);
    if (signal_name != nullptr) {
        const std::string name(signal_name, signal_len);
        libssh2_free(s.ssh, signal_name);
        const int number = signal_number(name);
        result.exit_status = 128 + (number > 0 ? number : 0);
    }
    return ok_status();
}

}  // namespace

Result<ExecResult> SshShell::exec_once(const std::string& command, const ExecOptions& opts, bool& retryable) {
    Session& s = *m_session;
    retryable = true;
    const auto started = SteadyClock::now();
    const auto deadline = started + opts.timeout + m_config.kill_grace + k_client_slack;
    const std::string wrapped = wrap_command(command, opts, m_config);

    auto opened = open_channel(s, deadline);
    if (!opened.ok()) {
        disconnect();
        return std::move(opened).error().with(describe());
    }
    ChannelGuard guard{*opened};
    LIBSSH2_CHANNEL* ch = guard.ch;
    // After a failure on an open channel: freeing a channel of a broken session can block, and the
    // session goes anyway.
    auto abandon = [&](Error e) {
        guard.ch = nullptr;
        libssh2_channel_free(ch);
        disconnect();
        return std::move(e).with(describe());
    };

    retryable = false;
    auto rc = retry_eagain(s, deadline, "exec", [&] { return libssh2_channel_exec(ch, wrapped.c_str()); });
    if (!rc.ok()) return abandon(std::move(rc).error());
    if (*rc != 0) return abandon(ssh_detail::session_error(s.ssh, *rc, "exec"));

    ExecResult result;
    if (auto read = read_until_eof(s, ch, deadline, opts, result); !read.ok())
        return abandon(std::move(read).error());
    if (auto closed = close_and_read_exit(s, ch, deadline, result); !closed.ok())
        return abandon(std::move(closed).error());

    const auto elapsed = SteadyClock::now() - started;
    const bool timeout_status = result.exit_status == 124 || result.exit_status == 128 + 9;
    if (timeout_status && elapsed + std::chrono::milliseconds(50) >= opts.timeout) {
        Error e = make_error(ErrorKind::timeout, "command timed out after " + std::to_string(opts.timeout.count()) +
                                                     " ms and was killed on the host");
        e.remark = result.err;
        e.code = result.exit_status;
        return std::move(e).with(describe());
    }
    return result;
}

Status SshShell::upload(const std::string& content, const std::string& remote_path, int mode) {
    const bool sudo = m_config.sudo == SudoMode::non_interactive;
    const std::string target = sudo ? "/tmp/rmqup-upload-" + random_suffix() : remote_path;
    const bool reused = connected();
    RMQUP_TRY(ensure_connected());
    bool retryable = false;
    Status st = scp_once(content, target, mode, retryable);
    if (!st.ok() && retryable && reused) {
        disconnect();
        RMQUP_TRY(ensure_connected());
        st = scp_once(content, target, mode, retryable);
    }
    if (!st.ok()) return std::move(st).error().with("upload " + remote_path);
    if (!sudo) return ok_status();

    char mode_text[16];
    std::snprintf(mode_text, sizeof mode_text, "%04o", static_cast<unsigned>(mode) & 07777u);
    ExecOptions opts;
    opts.timeout = std::chrono::milliseconds(60000);
    auto r = exec("cp -- " + shell_quote(target) + " " + shell_quote(remote_path) + " && chmod " + mode_text + " " +
                      shell_quote(remote_path) + "; rc=$?; rm -f -- " + shell_quote(target) + "; exit $rc",
                  opts);
    if (!r.ok()) return std::move(r).error().with("upload " + remote_path);
    if (r->exit_status != 0) {
        Error e = make_error(ErrorKind::io, "sudo copy into place failed");
        e.remark = r->err;
        e.code = r->exit_status;
        return std::move(e).with(describe()).with("upload " + remote_path);
    }
    return ok_status();
}

Status SshShell::scp_once(const std::string& content, const std::string& remote_path, int mode, bool& retryable) {
    Session& s = *m_session;
    retryable = true;
    const auto deadline = SteadyClock::now() + m_config.upload_timeout;
    LIBSSH2_CHANNEL* ch = nullptr;
    for (;;) {
        ch = libssh2_scp_send64(s.ssh, remote_path.c_str(), mode & 0777, static_cast<libssh2_int64_t>(content.size()),
                                0, 0);
        if (ch != nullptr) break;
        const int rc = libssh2_session_last_errno(s.ssh);
        if (rc != LIBSSH2_ERROR_EAGAIN) {
            Error e = ssh_detail::session_error(s.ssh, rc, "start SCP");
            // A refusal by the remote scp (bad directory, permissions) is not a dead session.
            if (e.kind == ErrorKind::protocol) {
                retryable = false;
                e.kind = ErrorKind::io;
            } else {
                disconnect();
            }
            return std::move(e).with(describe());
        }
        auto w = ssh_detail::wait_socket(s, deadline, "start SCP");
        if (!w.ok()) {
            disconnect();
            return std::move(w).error().with(describe());
        }
    }
    retryable = false;
    ChannelGuard guard{ch};
    auto fail = [&](Error e) -> Status {
        guard.ch = nullptr;
        libssh2_channel_free(ch);
        disconnect();
        return std::move(e).with(describe());
    };
    // The SCP protocol ends a file's data with one NUL byte; without it the remote scp sees a
    // truncated transfer and exits 1.
    const std::string payload = content + std::string(1, '\0');
    std::size_t done = 0;
    while (done < payload.size()) {
        const ssize_t n = libssh2_channel_write(ch, payload.data() + done, payload.size() - done);
        if (n == LIBSSH2_ERROR_EAGAIN) {
            auto w = ssh_detail::wait_socket(s, deadline, "SCP write");
            if (!w.ok()) return fail(std::move(w).error());
            continue;
        }
        if (n < 0) return fail(ssh_detail::session_error(s.ssh, static_cast<int>(n), "SCP write"));
        done += static_cast<std::size_t>(n);
    }
    for (auto step : {&libssh2_channel_send_eof, &libssh2_channel_wait_eof, &libssh2_channel_close,
                      &libssh2_channel_wait_closed}) {
        auto rc = retry_eagain(s, deadline, "finish SCP", [&] { return step(ch); });
        if (!rc.ok()) return fail(std::move(rc).error());
        if (*rc != 0) return fail(ssh_detail::session_error(s.ssh, *rc, "finish SCP"));
    }
    const int status = libssh2_channel_get_exit_status(ch);
    if (status != 0) {
        // scp reports its refusal ("\1scp: <path>: <reason>") on its output streams.
        std::string remark;
        char buf[1024];
        for (int stream : {0, SSH_EXTENDED_DATA_STDERR}) {
            ssize_t n = 0;
            while ((n = libssh2_channel_read_ex(ch, stream, buf, sizeof buf)) > 0 && remark.size() < 4096) {
                remark.append(buf, static_cast<std::size_t>(n));
            }
        }
        Error e = make_error(ErrorKind::io, "remote scp exited with status " + std::to_string(status));
        e.remark = remark;
        e.code = status;
        return std::move(e).with(describe());
    }
    return ok_status();
}

}  // namespace rmqup
