// The host operations the engine needs to roll one node: the HostProbe reads plus stopping and
// starting the identified process, the abort marker, and writing and backing up configs. The engine
// depends only on this interface; tests use a fake (tests/support/fake_cluster.hpp).
#pragma once

#include <chrono>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/hostops/host_probe.hpp"

namespace rmqup {

// What to do when a process does not exit after SIGTERM within the timeout.
enum class KillPolicy {
    term_only,      // report a timeout, leave it running
    kill_after_term // send SIGKILL after the timeout
};

class HostOps : public HostProbe {
public:
    // Stops the process identify() finds: nothing listening -> ok at once; an identity whose config
    // or home differs from spec -> conflict, nothing signalled. Runs spec.stop_command when set, else
    // SIGTERM (SIGKILL after timeout only under kill_after_term); then waits until that PID is gone
    // and fails (conflict) when a new process listens right after (a service manager restarted it).
    virtual Status stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) = 0;
    // Creates the folder of spec.log_path, starts spec.start_command detached with output appended
    // there, and returns the PID it launched if that survives the settle time; a start that exits
    // fails (rejected) quoting the last lines of the log. Does not look for the listener. A start
    // command that returns status 0 within the settle time handed the process over (a service
    // manager's start): 0 is returned and the caller awaits the listener.
    virtual Result<int> start(const ProcessSpec& spec) = 0;
    // True if <store_path>/abort exists.
    virtual Result<bool> abort_marker_present(const ProcessSpec& spec) = 0;
    // Replaces path with content and mode (e.g. 0644) at once: uploaded beside it, then renamed.
    virtual Status write_file(const std::string& path, const std::string& content, int mode) = 0;
    // Copies path to backup_path unless backup_path exists already (keeps the pristine copy).
    virtual Status backup_once(const std::string& path, const std::string& backup_path) = 0;
    // True if path exists on the host (file, folder or a symlink's target); errors only when the
    // host cannot be asked.
    virtual Result<bool> path_exists(const std::string& path) = 0;
};

}  // namespace rmqup
