#include "rmqup/rehearsal/process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

extern char** environ;

namespace rmqup::cli::rehearse {

namespace {

using Clock = std::chrono::steady_clock;

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

// Everything the child needs, prepared before fork: after fork only async-signal-safe calls.
struct ExecImage {
    std::vector<std::string> argv_storage;
    std::vector<std::string> env_storage;
    std::vector<char*> argv;
    std::vector<char*> envp;

    explicit ExecImage(const SpawnOptions& opts) : argv_storage(opts.argv) {
        std::map<std::string, std::string> overrides(opts.env.begin(), opts.env.end());
        for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
            std::string entry(*e);
            auto eq = entry.find('=');
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

// In the child: redirect output, reset signals, exec. Only async-signal-safe calls; reports
// errno on the close-on-exec pipe when exec fails.
[[noreturn]] void exec_child(const ExecImage& img, const SpawnOptions& opts, int err_fd) {
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    int out = opts.log_path.empty() ? open("/dev/null", O_WRONLY)
                                    : open(opts.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
    }
    if (!opts.stdout_path.empty()) {
        int so = open(opts.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (so >= 0) dup2(so, 1);
    }
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) != 0) {
        int e = errno;
        (void)!write(err_fd, &e, sizeof e);
        _exit(127);
    }
    execve(img.argv[0], img.argv.data(), img.envp.data());
    int e = errno;
    (void)!write(err_fd, &e, sizeof e);
    _exit(127);
}

Error spawn_error(const SpawnOptions& opts, const std::string& what, int err) {
    Error e = make_error(ErrorKind::io, what + ": " + std::strerror(err));
    e.with("spawn " + (opts.argv.empty() ? std::string("<empty argv>") : opts.argv[0]));
    return e;
}

std::string read_cmdline(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto& c : s)
        if (c == '\0') c = ' ';
    return s;
}

// Fields of /proc/<pid>/stat after the command name: state and parent pid.
bool read_stat(int pid, char& state, int& ppid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return false;
    auto close = line.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream rest(line.substr(close + 1));
    return static_cast<bool>(rest >> state >> ppid);
}

std::vector<int> all_pids() {
    std::vector<int> pids;
    DIR* d = opendir("/proc");
    if (d == nullptr) return pids;
    while (dirent* ent = readdir(d)) {
        char* end = nullptr;
        long pid = std::strtol(ent->d_name, &end, 10);
        if (end != ent->d_name && *end == '\0' && pid > 0) pids.push_back(static_cast<int>(pid));
    }
    closedir(d);
    return pids;
}

bool alive(int pid) {
    char state = 0;
    int ppid = 0;
    if (!read_stat(pid, state, ppid)) return false;
    return state != 'Z' && state != 'X';
}

}  // namespace

ChildProcess::~ChildProcess() { kill_group(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_status(std::exchange(other.m_status, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        kill_group();
        m_pid = std::exchange(other.m_pid, -1);
        m_status = std::exchange(other.m_status, std::nullopt);
    }
    return *this;
}

Result<ChildProcess> ChildProcess::spawn(const SpawnOptions& opts) {
    if (opts.argv.empty() || opts.argv[0].empty() || opts.argv[0][0] != '/')
        return make_error(ErrorKind::invalid_input, "argv[0] must be an absolute path");
    ExecImage img(opts);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return spawn_error(opts, "pipe", errno);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return spawn_error(opts, "fork", e);
    }
    if (pid == 0) {
        setpgid(0, 0);
        // Dies with the thread that started it, so a killed orchestrator leaves no load generator.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        close(fds[0]);
        exec_child(img, opts, fds[1]);
    }
    setpgid(pid, pid);  // also in the parent: no race with an early kill_group
    close(fds[1]);
    int child_errno = 0;
    ssize_t n = read(fds[0], &child_errno, sizeof child_errno);
    close(fds[0]);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        int status = 0;
        waitpid(pid, &status, 0);
        return spawn_error(opts, "exec", child_errno);
    }
    return ChildProcess(pid);
}

std::optional<int> ChildProcess::try_wait() {
    if (m_status || m_pid <= 0) return m_status;
    int status = 0;
    pid_t r = waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) m_status = decode_status(status);
    else if (r < 0 && errno == ECHILD) m_status = 255;  // reaped elsewhere: status unknown
    return m_status;
}

Result<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
        if (auto s = try_wait()) return *s;
        if (Clock::now() >= deadline) {
            return make_error(ErrorKind::timeout, "process " + std::to_string(m_pid) + " still running after " +
                                                      std::to_string(timeout.count()) + " ms");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void ChildProcess::kill_group(std::chrono::milliseconds grace) {
    if (m_pid <= 0) return;
    if (!try_wait()) {
        ::kill(-m_pid, SIGTERM);
        ::kill(m_pid, SIGTERM);
        if (!wait_for(grace).ok()) {
            ::kill(-m_pid, SIGKILL);
            ::kill(m_pid, SIGKILL);
            (void)wait_for(std::chrono::milliseconds(5000));
        }
    }
    // Stragglers of the group (a wrapper's children) go too.
    ::kill(-m_pid, SIGKILL);
}

void ChildProcess::signal(int signo) const {
    if (m_pid > 0) ::kill(m_pid, signo);
}

Result<int> spawn_detached(const SpawnOptions& opts) {
    if (opts.argv.empty() || opts.argv[0].empty() || opts.argv[0][0] != '/')
        return make_error(ErrorKind::invalid_input, "argv[0] must be an absolute path");
    ExecImage img(opts);
    int err_pipe[2];
    int pid_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) return spawn_error(opts, "pipe", errno);
    if (pipe2(pid_pipe, O_CLOEXEC) != 0) {
        int e = errno;
        close(err_pipe[0]);
        close(err_pipe[1]);
        return spawn_error(opts, "pipe", e);
    }
    pid_t mid = fork();
    if (mid < 0) {
        int e = errno;
        for (int fd : {err_pipe[0], err_pipe[1], pid_pipe[0], pid_pipe[1]}) close(fd);
        return spawn_error(opts, "fork", e);
    }
    if (mid == 0) {
        setsid();
        pid_t daemon_pid = fork();
        if (daemon_pid == 0) {
            close(err_pipe[0]);
            close(pid_pipe[0]);
            close(pid_pipe[1]);
            exec_child(img, opts, err_pipe[1]);
        }
        (void)!write(pid_pipe[1], &daemon_pid, sizeof daemon_pid);
        _exit(daemon_pid > 0 ? 0 : 1);
    }
    close(err_pipe[1]);
    close(pid_pipe[1]);
    int status = 0;
    waitpid(mid, &status, 0);
    pid_t daemon_pid = -1;
    ssize_t n = read(pid_pipe[0], &daemon_pid, sizeof daemon_pid);
    close(pid_pipe[0]);
    int child_errno = 0;
    ssize_t m = read(err_pipe[0], &child_errno, sizeof child_errno);
    close(err_pipe[0]);
    if (n != static_cast<ssize_t>(sizeof daemon_pid) || daemon_pid <= 0) return spawn_error(opts, "fork", EAGAIN);
    if (m == static_cast<ssize_t>(sizeof child_errno)) return spawn_error(opts, "exec", child_errno);
    return static_cast<int>(daemon_pid);
}

std::string process_cmdline(int pid) { return read_cmdline(pid); }

std::vector<int> find_processes(const std::string& needle) {
    std::vector<int> found;
    const int self = getpid();
    for (int pid : all_pids()) {
        if (pid == self || !alive(pid)) continue;
        if (read_cmdline(pid).find(needle) != std::string::npos) found.push_back(pid);
    }
    return found;
}

int kill_processes_matching(const std::string& needle, std::chrono::milliseconds grace) {
    if (needle.empty()) return 0;
    auto pids = find_processes(needle);
    const pid_t own_group = getpgrp();
    for (int pid : pids) {
        ::kill(pid, SIGTERM);
        pid_t group = getpgid(pid);
        if (group > 1 && group != own_group && group == pid) ::kill(-group, SIGTERM);
    }
    auto deadline = Clock::now() + grace;
    while (Clock::now() < deadline) {
        bool any = false;
        for (int pid : pids) any = any || alive(pid);
        if (!any) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int pid : pids)
        if (alive(pid)) ::kill(pid, SIGKILL);
    return static_cast<int>(pids.size());
}

Reaper::Reaper() {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    m_thread = std::thread([this] { loop(); });
}

Reaper::~Reaper() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

void Reaper::keep(int pid) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_kept.insert(pid);
}

void Reaper::loop() {
    const int self = getpid();
    std::map<int, Clock::time_point> first_seen;
    while (!m_stop) {
        std::map<int, Clock::time_point> still;
        for (int pid : all_pids()) {
            char state = 0;
            int ppid = 0;
            if (!read_stat(pid, state, ppid) || ppid != self || state != 'Z') continue;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                if (m_kept.count(pid) != 0) continue;
            }
            auto it = first_seen.find(pid);
            auto seen = it == first_seen.end() ? Clock::now() : it->second;
            if (Clock::now() - seen > std::chrono::seconds(1)) {
                int status = 0;
                waitpid(pid, &status, WNOHANG);
            } else {
                still[pid] = seen;
            }
        }
        first_seen.swap(still);
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal) : m_on_signal(std::move(on_signal)) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    m_thread = std::thread([this, set] {
        while (!m_stop) {
            timespec ts{0, 200 * 1000 * 1000};
            int signo = sigtimedwait(&set, nullptr, &ts);
            if (signo > 0) {
                int expected = 0;
                m_received.compare_exchange_strong(expected, signo);
                if (m_on_signal) m_on_signal(signo);
            }
        }
    });
}

SignalWatcher::~SignalWatcher() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

std::optional<int> SignalWatcher::received() const {
    int s = m_received.load();
    if (s == 0) return std::nullopt;
    return s;
}

}  // namespace rmqup::cli::rehearse
