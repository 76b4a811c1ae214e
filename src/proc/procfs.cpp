// /proc readers. Every read tolerates a process vanishing in between: it simply drops out.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <sstream>
#include <thread>

#include "rmqup/proc/procfs.hpp"

namespace rmqup::proc {
namespace {

using Clock = std::chrono::steady_clock;

// "" when the file cannot be read: the process it describes is gone.
std::string read_file(const std::string& path) { return read_proc_file(path).value_or(std::string()); }

std::string pid_path(pid_t pid, const char* leaf) { return "/proc/" + std::to_string(pid) + "/" + leaf; }

}  // namespace

// With open/read, not an ifstream: libstdc++'s filebuf throws from underflow when read() fails
// (ESRCH once the process has exited), which istreambuf_iterator does not catch.
std::optional<std::string> read_proc_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            return std::nullopt;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::vector<pid_t> list_pids() {
    std::vector<pid_t> pids;
    DIR* dir = ::opendir("/proc");
    if (dir == nullptr) return pids;
    while (const dirent* entry = ::readdir(dir)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (end != entry->d_name && *end == '\0' && pid > 0) pids.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(dir);
    return pids;
}

std::optional<ProcStat> read_stat(pid_t pid) {
    const std::string line = read_file(pid_path(pid, "stat"));
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(line.substr(close + 1));
    ProcStat s;
    long ppid = 0;
    long pgid = 0;
    if (!(rest >> s.state >> ppid >> pgid)) return std::nullopt;
    s.ppid = static_cast<pid_t>(ppid);
    s.pgid = static_cast<pid_t>(pgid);
    return s;
}

std::vector<std::string> read_cmdline(pid_t pid) {
    const std::string raw = read_file(pid_path(pid, "cmdline"));
    std::vector<std::string> args;
    std::size_t start = 0;
    while (start < raw.size()) {
        auto end = raw.find('\0', start);
        if (end == std::string::npos) end = raw.size();
        args.push_back(raw.substr(start, end - start));
        start = end + 1;
    }
    return args;
}

std::string cmdline_text(pid_t pid) {
    std::string text = read_file(pid_path(pid, "cmdline"));
    for (char& c : text)
        if (c == '\0') c = ' ';
    return text;
}

bool alive(pid_t pid) {
    const auto s = read_stat(pid);
    return s && s->state != 'Z' && s->state != 'X';
}

bool wait_gone(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (alive(pid)) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::optional<long> resident_kib(pid_t pid) {
    std::istringstream status(read_file(pid_path(pid, "status")));
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return std::nullopt;
}

std::vector<pid_t> descendants(pid_t root) {
    std::multimap<pid_t, pid_t> children;
    for (pid_t pid : list_pids()) {
        const auto s = read_stat(pid);
        if (s && s->state != 'Z') children.emplace(s->ppid, pid);
    }
    std::vector<pid_t> out;
    std::vector<pid_t> frontier{root};
    while (!frontier.empty()) {
        std::vector<pid_t> next;
        for (pid_t p : frontier) {
            const auto range = children.equal_range(p);
            for (auto it = range.first; it != range.second; ++it) {
                out.push_back(it->second);
                next.push_back(it->second);
            }
        }
        frontier = std::move(next);
    }
    return out;
}

std::vector<pid_t> find_processes(const std::string& needle) {
    std::vector<pid_t> found;
    const pid_t self = ::getpid();
    for (pid_t pid : list_pids()) {
        if (pid == self || !alive(pid)) continue;
        if (cmdline_text(pid).find(needle) != std::string::npos) found.push_back(pid);
    }
    return found;
}

int kill_processes_matching(const std::string& needle, std::chrono::milliseconds grace) {
    if (needle.empty()) return 0;
    const auto pids = find_processes(needle);
    const pid_t own_group = ::getpgrp();
    for (pid_t pid : pids) {
        ::kill(pid, SIGTERM);
        const pid_t group = ::getpgid(pid);
        if (group > 1 && group != own_group && group == pid) ::kill(-group, SIGTERM);
    }
    const auto deadline = Clock::now() + grace;
    for (pid_t pid : pids) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (!wait_gone(pid, std::max(left, std::chrono::milliseconds(0)))) ::kill(pid, SIGKILL);
    }
    return static_cast<int>(pids.size());
}

}  // namespace rmqup::proc
