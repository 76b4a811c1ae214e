// LocalShell: /bin/sh -c on this machine with pipes, a deadline and a process-group kill.
#include "rmqup/ssh/local_shell.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "rmqup/proc/process.hpp"

namespace rmqup {
namespace {

// How long to keep reading after the shell exited: a background child that kept our pipes open
// (a detach without redirection) must not hold exec() until the deadline.
constexpr std::chrono::milliseconds k_drain_after_exit{200};

Error errno_error(const std::string& what) {
    return make_error(ErrorKind::io, what + ": " + std::strerror(errno));
}

}  // namespace

Result<ExecResult> LocalShell::exec(const std::string& command, const ExecOptions& opts) {
    proc::SpawnOptions spawn;
    if (m_sudo == SudoMode::non_interactive || opts.use_sudo) spawn.argv = {"sudo", "-n"};
    spawn.argv.insert(spawn.argv.end(), {"/bin/sh", "-c", command});
    spawn.out = proc::Redirect::pipe();
    spawn.err = proc::Redirect::pipe();
    auto child = proc::Child::spawn(spawn);
    if (!child.ok()) return std::move(child).error();

    const auto deadline = std::chrono::steady_clock::now() + opts.timeout;
    auto captured = child->capture(deadline, opts.max_output, k_drain_after_exit);
    if (!captured.ok() || !captured->exit_status) {
        child->kill_group(std::chrono::milliseconds(0));
        if (!captured.ok()) return std::move(captured).error();
        Error e = make_error(ErrorKind::timeout, "command timed out after " + std::to_string(opts.timeout.count()) +
                                                     " ms; its process group was killed");
        e.remark = captured->err;
        return e;
    }
    // What the command left running in the background is its own business.
    child->release();
    ExecResult result;
    result.out = std::move(captured->out);
    result.err = std::move(captured->err);
    result.out_truncated = captured->out_truncated;
    result.err_truncated = captured->err_truncated;
    result.exit_status = *captured->exit_status;
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
