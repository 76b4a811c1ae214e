// Reading this machine's /proc: which processes exist, their state, parent and command line;
// finding processes by command line, descendants of a process; killing what a search finds.
// Reads never fail loudly: a process that is gone between two reads simply drops out.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace rmqup::proc {

// Fields of /proc/<pid>/stat.
struct ProcStat {
    char state = '?';  // R, S, D, T, Z (zombie), X (dead), ...
    pid_t ppid = 0;
    pid_t pgid = 0;
};

// The whole content of a /proc file (or any file); nullopt when it cannot be opened or a read
// fails — reading /proc/<pid>/... of a process that exits meanwhile fails with ESRCH.
std::optional<std::string> read_proc_file(const std::string& path);

// Every numeric entry of /proc (all processes visible to us), in directory order.
std::vector<pid_t> list_pids();

// State, parent and group of pid; none if it is gone.
std::optional<ProcStat> read_stat(pid_t pid);

// The arguments of pid (/proc/<pid>/cmdline split at NULs); empty if gone or a kernel thread.
std::vector<std::string> read_cmdline(pid_t pid);

// The command line of pid with its arguments joined by spaces ("" when gone).
std::string cmdline_text(pid_t pid);

// True if pid exists and is neither a zombie nor dead.
bool alive(pid_t pid);

// Waits up to timeout (polling /proc every 20 ms) until pid is no longer alive(); true if so.
bool wait_gone(pid_t pid, std::chrono::milliseconds timeout);

// Resident set size of pid in KiB (VmRSS of /proc/<pid>/status); none if gone.
std::optional<long> resident_kib(pid_t pid);

// Pids of every live descendant of root, children before grandchildren.
std::vector<pid_t> descendants(pid_t root);

// Live processes other than us whose command line (cmdline_text) contains needle.
std::vector<pid_t> find_processes(const std::string& needle);

// SIGTERM to every process find_processes(needle) returns (and to its process group when it
// leads one that is not ours), SIGKILL to those still alive after grace. Returns how many were
// found; an empty needle matches nothing. Never signals our own process or group.
int kill_processes_matching(const std::string& needle, std::chrono::milliseconds grace);

}  // namespace rmqup::proc
