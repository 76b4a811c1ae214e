// Child processes: spawn (argv, environment additions, working directory, stdin/stdout/stderr to
// /dev/null, files or pipes, own process group, death signal), wait with a deadline, read piped
// output until exit, terminate the process group. The one place in rmq-upgrade that forks.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rmqup/core/result.hpp"

namespace rmqup::proc {

// Where one of the child's standard streams goes.
struct Redirect {
    enum class Kind {
        null,             // /dev/null
        inherit,          // our own stream
        append,           // path, created with mode if missing, written at its end
        truncate,         // path, created with mode if missing, emptied first
        pipe,             // a pipe whose other end the Child holds (stdout and stderr only)
        same_as_stdout,   // stderr only: wherever stdout went (2>&1)
    };
    Kind kind = Kind::null;
    std::string path;
    int mode = 0644;

    static Redirect null() { return {}; }
    static Redirect inherit() { return {Kind::inherit, {}, 0644}; }
    static Redirect append(std::string path, int mode = 0644) { return {Kind::append, std::move(path), mode}; }
    static Redirect truncate(std::string path, int mode = 0644) { return {Kind::truncate, std::move(path), mode}; }
    static Redirect pipe() { return {Kind::pipe, {}, 0644}; }
    static Redirect same_as_stdout() { return {Kind::same_as_stdout, {}, 0644}; }
};

// Which process group the child runs in.
enum class Group {
    inherit,    // ours: a terminal's Ctrl-C reaches it; kill_group() signals the child only
    new_group,  // its own (pgid = pid): kill_group() reaches everything it forks
};

struct SpawnOptions {
    std::vector<std::string> argv;  // argv[0]: a path (contains '/'), or a program name looked up on PATH
    std::vector<std::pair<std::string, std::string>> env;  // set on top of the inherited environment
    std::string cwd;                                        // "" = ours
    Redirect in = Redirect::null();                         // stdin: null, inherit or a file
    Redirect out = Redirect::null();
    Redirect err = Redirect::null();
    Group group = Group::new_group;
    // Signal the child receives when the *thread* that spawned it ends (PR_SET_PDEATHSIG), so a
    // killed owner leaves nothing behind; 0 = none.
    int death_signal = 0;
};

// Options for a helper process (a simulated daemon, a load generator) whose stdout and stderr are
// appended to log_path ("" = /dev/null), stdin from /dev/null, in its own process group, SIGKILLed
// when the spawning thread ends; set env and cwd on the result.
SpawnOptions logged_to(std::vector<std::string> argv, const std::string& log_path);

// What a child wrote on its pipes, and how it ended.
struct Captured {
    std::string out;
    std::string err;
    bool out_truncated = false;  // more than max_bytes arrived; the rest was read and dropped
    bool err_truncated = false;
    std::optional<int> exit_status;  // exit code or 128 + signal; none if the deadline passed first
};

// A direct child process, owned: the destructor runs kill_group() if it still runs.
// The signal mask is cleared and SIGPIPE, SIGINT and SIGTERM are reset to their defaults in the child.
class Child {
public:
    Child() = default;
    ~Child();
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Forks and execs opts.argv. Errors: invalid_input (empty argv), io (program not found on PATH,
    // pipe, fork, open of a redirect file, chdir or exec failed: errno text, context "spawn <argv[0]>").
    static Result<Child> spawn(const SpawnOptions& opts);

    pid_t pid() const { return m_pid; }
    // The child's process group: its pid with Group::new_group, ours otherwise.
    pid_t pgid() const { return m_pgid; }
    // Read ends of Redirect::pipe streams (non-blocking, close-on-exec); -1 if not piped.
    int stdout_fd() const { return m_out; }
    int stderr_fd() const { return m_err; }

    // The exit status (exit code, or 128 + signal number) once the child has exited; 255 if
    // someone else reaped it.
    std::optional<int> try_wait();
    // Waits up to timeout for the exit status. Error timeout leaves the child running.
    Result<int> wait_for(std::chrono::milliseconds timeout);
    // Reads the piped stdout/stderr (at most max_bytes of each) until the child exited and both
    // pipes closed, or linger after its exit (a background grandchild may hold them open), or the
    // deadline. Leaves the child running at the deadline (exit_status empty). Errors: io (poll).
    Result<Captured> capture(std::chrono::steady_clock::time_point deadline, std::size_t max_bytes,
                             std::chrono::milliseconds linger = std::chrono::milliseconds(200));
    // SIGTERM to the process group, SIGKILL to it after grace (at once if grace is 0), and reaps
    // the child; stragglers of the group are killed too. Idempotent.
    void kill_group(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
    // Sends one signal to the child only (not its group), e.g. SIGKILL to simulate a crash.
    void signal(int signo) const;
    // Gives the child up: the destructor no longer signals it or its group (e.g. background
    // processes a finished shell command left running). Closes the pipes; returns the pid.
    pid_t release();

private:
    void close_pipes();
    bool own_group() const { return m_pid > 0 && m_pgid == m_pid; }
    pid_t m_pid = -1;
    pid_t m_pgid = -1;
    int m_out = -1;
    int m_err = -1;
    std::optional<int> m_status;
};

// Starts opts.argv as a daemon, exactly like `setsid nohup ... &` on a host: a new session, its
// parent is init (or our subreaper, see Reaper), nobody waits for it. opts.group, death_signal
// and pipes do not apply. Returns its pid once exec succeeded; errors as Child::spawn.
Result<pid_t> spawn_detached(const SpawnOptions& opts);

// Exit status of a waitpid() status word: the exit code, or 128 + the signal number.
int decode_wait_status(int status);

}  // namespace rmqup::proc
