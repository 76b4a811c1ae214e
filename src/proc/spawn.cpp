// Child::spawn and spawn_detached: everything the child needs is prepared before fork, because a
// child of a multi-threaded process may only make async-signal-safe calls until it execs.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <utility>

#include "rmqup/proc/process.hpp"

extern char** environ;

namespace rmqup::proc {
namespace {

// Which step of the child's setup failed, reported with errno on the close-on-exec error pipe.
enum class ChildStep : int { exec, chdir, stdin_redirect, stdout_redirect, stderr_redirect, death_signal };

struct ChildFailure {
    ChildStep step = ChildStep::exec;
    int err = 0;
};

const char* describe(ChildStep step) {
    switch (step) {
        case ChildStep::exec: return "exec";
        case ChildStep::chdir: return "chdir";
        case ChildStep::stdin_redirect: return "open stdin";
        case ChildStep::stdout_redirect: return "open stdout";
        case ChildStep::stderr_redirect: return "open stderr";
        case ChildStep::death_signal: return "parent gone before exec";
    }
    return "spawn";
}

Error spawn_error(const SpawnOptions& opts, const std::string& what, int err) {
    return make_error(ErrorKind::io, what + ": " + std::strerror(err))
        .with("spawn " + (opts.argv.empty() ? std::string("<empty argv>") : opts.argv[0]));
}

// The value a name has in the child: our environment, overridden by opts.env.
std::string child_env(const SpawnOptions& opts, const std::string& name) {
    for (const auto& [k, v] : opts.env)
        if (k == name) return v;
    const char* ours = std::getenv(name.c_str());
    return ours != nullptr ? ours : "";
}

// argv[0] as a path: as given when it names one, else the first executable of that name on PATH.
Result<std::string> resolve_program(const SpawnOptions& opts) {
    const std::string& name = opts.argv.front();
    if (name.find('/') != std::string::npos) return name;
    std::string path = child_env(opts, "PATH");
    std::istringstream dirs(path.empty() ? "/usr/local/bin:/usr/bin:/bin" : path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return spawn_error(opts, "not found on PATH", ENOENT);
}

// argv and envp of the child.
struct ExecImage {
    std::string program;
    std::vector<std::string> argv_storage;
    std::vector<std::string> env_storage;
    std::vector<char*> argv;
    std::vector<char*> envp;

    ExecImage(std::string prog, const SpawnOptions& opts) : program(std::move(prog)), argv_storage(opts.argv) {
        std::map<std::string, std::string> overrides(opts.env.begin(), opts.env.end());
        for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
            const std::string entry(*e);
            const auto eq = entry.find('=');
            if (eq != std::string::npos && overrides.count(entry.substr(0, eq)) != 0) continue;
            env_storage.push_back(entry);
        }
        for (const auto& [k, v] : overrides) env_storage.push_back(k + "=" + v);
        for (auto& a : argv_storage) argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env_storage) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

// Pipes of one spawn: [0] read end, [1] write end; closed on destruction.
struct PipePair {
    int fd[2] = {-1, -1};
    PipePair() = default;
    PipePair(const PipePair&) = delete;
    PipePair& operator=(const PipePair&) = delete;
    ~PipePair() { close_both(); }
    bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
    void close_end(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
    void close_both() { close_end(0); close_end(1); }
    int take_read() { return std::exchange(fd[0], -1); }
};

// In the child: points target at r. Async-signal-safe.
bool redirect(int target, const Redirect& r, int pipe_write_end) {
    int fd = -1;
    switch (r.kind) {
        case Redirect::Kind::inherit: return true;
        case Redirect::Kind::same_as_stdout: return ::dup2(1, target) >= 0;
        case Redirect::Kind::pipe: fd = pipe_write_end; break;
        case Redirect::Kind::null: fd = ::open("/dev/null", target == 0 ? O_RDONLY : O_WRONLY); break;
        case Redirect::Kind::append:
            fd = ::open(r.path.c_str(), O_WRONLY | O_CREAT | O_APPEND, static_cast<mode_t>(r.mode));
            break;
        case Redirect::Kind::truncate:
            fd = ::open(r.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, static_cast<mode_t>(r.mode));
            break;
    }
    if (fd < 0) return false;
    if (fd == target) return true;
    const bool ok = ::dup2(fd, target) >= 0;
    if (r.kind != Redirect::Kind::pipe) ::close(fd);
    return ok;
}

[[noreturn]] void fail_child(int err_fd, ChildStep step) {
    const ChildFailure failure{step, errno};
    (void)!::write(err_fd, &failure, sizeof failure);
    ::_exit(127);
}

// In the child after fork: signals, streams, directory, exec. Only async-signal-safe calls.
[[noreturn]] void exec_child(const ExecImage& img, const SpawnOptions& opts, int out_w, int err_w, int err_fd) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    if (!redirect(0, opts.in, -1)) fail_child(err_fd, ChildStep::stdin_redirect);
    if (!redirect(1, opts.out, out_w)) fail_child(err_fd, ChildStep::stdout_redirect);
    if (!redirect(2, opts.err, err_w)) fail_child(err_fd, ChildStep::stderr_redirect);
    if (!opts.cwd.empty() && ::chdir(opts.cwd.c_str()) != 0) fail_child(err_fd, ChildStep::chdir);
    ::execve(img.program.c_str(), img.argv.data(), img.envp.data());
    fail_child(err_fd, ChildStep::exec);
}

Status check_options(const SpawnOptions& opts) {
    if (opts.argv.empty() || opts.argv.front().empty())
        return make_error(ErrorKind::invalid_input, "empty argv").with("spawn");
    const auto k = opts.in.kind;
    if (k == Redirect::Kind::pipe || k == Redirect::Kind::same_as_stdout)
        return make_error(ErrorKind::invalid_input, "stdin can be null, inherited or a file").with("spawn");
    if (opts.out.kind == Redirect::Kind::same_as_stdout)
        return make_error(ErrorKind::invalid_input, "stdout cannot be same_as_stdout").with("spawn");
    return ok_status();
}

// Reads the child's failure report; none once exec closed the pipe.
std::optional<ChildFailure> read_failure(int fd) {
    ChildFailure failure;
    ssize_t n = 0;
    while ((n = ::read(fd, &failure, sizeof failure)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof failure)) return failure;
    return std::nullopt;
}

Error failure_error(const SpawnOptions& opts, const ChildFailure& f) {
    std::string what = describe(f.step);
    if (f.step == ChildStep::chdir) what += " " + opts.cwd;
    return spawn_error(opts, what, f.err);
}

void reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

int decode_wait_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

Result<Child> Child::spawn(const SpawnOptions& opts) {
    RMQUP_TRY(check_options(opts));
    auto program = resolve_program(opts);
    if (!program.ok()) return std::move(program).error();
    const ExecImage img(std::move(program).value(), opts);
    PipePair report;
    PipePair out;
    PipePair err;
    if (!report.open()) return spawn_error(opts, "pipe", errno);
    if (opts.out.kind == Redirect::Kind::pipe && !out.open()) return spawn_error(opts, "pipe", errno);
    if (opts.err.kind == Redirect::Kind::pipe && !err.open()) return spawn_error(opts, "pipe", errno);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) return spawn_error(opts, "fork", errno);
    if (pid == 0) {
        if (opts.group == Group::new_group) ::setpgid(0, 0);
        if (opts.death_signal != 0) {
            ::prctl(PR_SET_PDEATHSIG, opts.death_signal);
            // The spawning thread may have ended between fork and prctl.
            if (::getppid() != parent) {
                errno = ESRCH;
                fail_child(report.fd[1], ChildStep::death_signal);
            }
        }
        exec_child(img, opts, out.fd[1], err.fd[1], report.fd[1]);
    }
    if (opts.group == Group::new_group) ::setpgid(pid, pid);  // also here: no race with an early kill_group
    report.close_end(1);
    out.close_end(1);
    err.close_end(1);
    if (auto failure = read_failure(report.fd[0])) {
        reap(pid);
        return failure_error(opts, *failure);
    }
    Child child;
    child.m_pid = pid;
    child.m_pgid = opts.group == Group::new_group ? pid : ::getpgrp();
    child.m_out = out.take_read();
    child.m_err = err.take_read();
    for (int fd : {child.m_out, child.m_err})
        if (fd >= 0) ::fcntl(fd, F_SETFL, O_NONBLOCK);
    return child;
}

Result<pid_t> spawn_detached(const SpawnOptions& opts) {
    RMQUP_TRY(check_options(opts));
    if (opts.out.kind == Redirect::Kind::pipe || opts.err.kind == Redirect::Kind::pipe)
        return make_error(ErrorKind::invalid_input, "a detached process has no pipes").with("spawn");
    auto program = resolve_program(opts);
    if (!program.ok()) return std::move(program).error();
    const ExecImage img(std::move(program).value(), opts);
    PipePair report;
    PipePair pid_pipe;
    if (!report.open() || !pid_pipe.open()) return spawn_error(opts, "pipe", errno);
    const pid_t middle = ::fork();
    if (middle < 0) return spawn_error(opts, "fork", errno);
    if (middle == 0) {
        // The middle process starts a session and exits at once: the daemon is orphaned.
        ::setsid();
        const pid_t daemon_pid = ::fork();
        if (daemon_pid == 0) exec_child(img, opts, -1, -1, report.fd[1]);
        (void)!::write(pid_pipe.fd[1], &daemon_pid, sizeof daemon_pid);
        ::_exit(daemon_pid > 0 ? 0 : 1);
    }
    report.close_end(1);
    pid_pipe.close_end(1);
    reap(middle);
    pid_t daemon_pid = -1;
    const ssize_t n = ::read(pid_pipe.fd[0], &daemon_pid, sizeof daemon_pid);
    const auto failure = read_failure(report.fd[0]);
    if (n != static_cast<ssize_t>(sizeof daemon_pid) || daemon_pid <= 0) return spawn_error(opts, "fork", EAGAIN);
    if (failure) return failure_error(opts, *failure);
    return daemon_pid;
}

SpawnOptions logged_to(std::vector<std::string> argv, const std::string& log_path) {
    SpawnOptions o;
    o.argv = std::move(argv);
    o.out = log_path.empty() ? Redirect::null() : Redirect::append(log_path);
    o.err = o.out;
    o.group = Group::new_group;
    o.death_signal = SIGKILL;
    return o;
}

}  // namespace rmqup::proc
