// Process supervision for rehearsals and the integration tests that drive them: spawn a child in
// its own process group, wait with a deadline, kill the group; start detached daemons; find and kill
// every process whose command line names a rehearsal's work directory; turn SIGINT/SIGTERM into a
// callback on a thread of our own.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "rmqup/core/result.hpp"

namespace rmqup::cli::rehearse {

struct SpawnOptions {
    std::vector<std::string> argv;                            // argv[0] is an absolute path
    std::string log_path;                                     // stdout+stderr appended here ("" = /dev/null)
    std::string stdout_path;                                  // if set: stdout truncated into this file instead
    std::vector<std::pair<std::string, std::string>> env;    // added to the inherited environment
    std::string cwd;                                          // "" = inherit
};

// A direct child running in its own process group. The destructor kills the group if it still runs.
class ChildProcess {
public:
    ChildProcess() = default;
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Forks and execs opts.argv in a new process group. Fails (io) if fork/exec fails.
    static Result<ChildProcess> spawn(const SpawnOptions& opts);

    int pid() const { return m_pid; }
    // The exit status once the child has exited: the exit code, or 128 + signal number.
    std::optional<int> try_wait();
    // Waits up to timeout for the exit status; a timeout error leaves the child running.
    Result<int> wait_for(std::chrono::milliseconds timeout);
    // SIGTERM to the whole group, then SIGKILL after grace; reaps the child. Idempotent.
    void kill_group(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
    // Sends one signal to the child only (not its group), e.g. SIGKILL to simulate a crash.
    void signal(int signo) const;

private:
    explicit ChildProcess(int pid) : m_pid(pid) {}
    int m_pid = -1;
    std::optional<int> m_status;
};

// Starts argv as a daemon (new session, parent = init or our subreaper), exactly like a
// `nohup ... &` on a host; returns its pid once exec succeeded.
Result<int> spawn_detached(const SpawnOptions& opts);

// PIDs of this user's processes (other than us) whose command line contains needle.
std::vector<int> find_processes(const std::string& needle);

// The command line of pid with arguments joined by spaces ("" when gone).
std::string process_cmdline(int pid);

// TERM (then KILL after grace) every process whose command line contains needle, and their
// process groups. Returns how many processes were found. Never touches our own process.
int kill_processes_matching(const std::string& needle, std::chrono::milliseconds grace);

// Makes this process the subreaper of its descendants (daemons started by us, by an in-process
// SSH session or by a local shell) and reaps their zombies on a thread, so that "is pid alive"
// checks see them gone. Children registered with keep() are left to their owner; other zombies
// are reaped once they are older than a second (so owners that wait on their own children win).
class Reaper {
public:
    Reaper();
    ~Reaper();
    Reaper(const Reaper&) = delete;
    Reaper& operator=(const Reaper&) = delete;

    // Pids whose exit status belongs to someone else (e.g. a ChildProcess).
    void keep(int pid);

private:
    void loop();
    std::mutex m_mutex;
    std::set<int> m_kept;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// Blocks SIGINT/SIGTERM/SIGHUP in the calling thread (create it before any other thread, which
// inherit the mask) and calls on_signal(signo) on its own thread when one arrives.
class SignalWatcher {
public:
    explicit SignalWatcher(std::function<void(int)> on_signal);
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    // The first signal received, if any.
    std::optional<int> received() const;

private:
    std::function<void(int)> m_on_signal;
    std::atomic<int> m_received{0};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

}  // namespace rmqup::cli::rehearse
