// Process supervision for rehearsals and the integration tests that drive them, on the process
// layer (rmqup/proc): children and daemons whose output goes to log files of the work directory,
// and the layer's helpers under the names the rehearsal uses.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/proc/reaper.hpp"
#include "rmqup/proc/signal_watcher.hpp"

namespace rmqup::rehearsal {

struct SpawnOptions {
    std::vector<std::string> argv;                            // argv[0]: a path, or a name on PATH
    std::string log_path;                                     // stdout+stderr appended here ("" = /dev/null)
    std::string stdout_path;                                  // if set: stdout truncated into this file instead
    std::vector<std::pair<std::string, std::string>> env;    // added to the inherited environment
    std::string cwd;                                          // "" = inherit

    // The process layer's options: streams as above, stdin from /dev/null, its own process group,
    // SIGKILL when the spawning thread ends (a killed orchestrator leaves no load generator).
    operator proc::SpawnOptions() const;  // NOLINT(google-explicit-constructor): ChildProcess::spawn(opts)
};

// A direct child in its own process group; ChildProcess::spawn(opts) starts one, the destructor
// kills the group if it still runs.
using ChildProcess = proc::Child;

// Starts opts.argv as a daemon (new session, parent = init or our Reaper), exactly like a
// `nohup ... &` on a host; returns its pid once exec succeeded.
using proc::spawn_detached;

// PIDs of live processes (other than us) whose command line contains needle.
using proc::find_processes;

// TERM (then KILL after grace) every process whose command line contains needle, and their
// process groups. Returns how many processes were found. Never touches our own process.
using proc::kill_processes_matching;

// The command line of pid with arguments joined by spaces ("" when gone).
inline std::string process_cmdline(int pid) { return proc::cmdline_text(pid); }

// Subreaper of the daemons a rehearsal starts (see rmqup/proc/reaper.hpp).
using proc::Reaper;

// SIGINT/SIGTERM/SIGHUP to a callback on a thread of its own (see rmqup/proc/signal_watcher.hpp).
using proc::SignalWatcher;

}  // namespace rmqup::rehearsal
