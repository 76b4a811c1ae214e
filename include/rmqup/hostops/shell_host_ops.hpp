// HostOps implemented as POSIX sh commands over a RemoteShell (SSH, local or recording). Every
// command is rendered by host_scripts.hpp with shell-quoted values.
#pragma once

#include <chrono>
#include <memory>

#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/hostops/process_identity.hpp"
#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {

struct ShellHostOpsOptions {
    std::chrono::milliseconds start_settle{1500};      // a started process must survive this long
    std::chrono::milliseconds command_timeout{30000};  // each probe / file command
    std::chrono::milliseconds poll_interval{200};      // stop: liveness poll period
    std::chrono::milliseconds kill_wait{10000};        // stop: wait for exit after SIGKILL
    int log_tail_lines = 20;                           // start failure: lines of the log in the remark
    std::chrono::milliseconds restart_watch{1000};     // stop: how long after the exit a new listener
                                                       // counts as restarted by a service manager
};

class ShellHostOps final : public HostOps {
public:
    // Uses shell without owning it; shell must outlive this object.
    explicit ShellHostOps(RemoteShell& shell, ShellHostOpsOptions options = {});
    // Owns shell (the factory's form).
    explicit ShellHostOps(std::unique_ptr<RemoteShell> shell, ShellHostOpsOptions options = {});

    // The shell commands go through ("ssh:user@host:port" etc. via describe()).
    RemoteShell& shell() { return m_shell; }

    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) override;
    Status stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) override;
    Result<int> start(const ProcessSpec& spec) override;
    Result<bool> abort_marker_present(const ProcessSpec& spec) override;
    Result<std::string> read_file(const std::string& path) override;
    Status write_file(const std::string& path, const std::string& content, int mode) override;
    Status backup_once(const std::string& path, const std::string& backup_path) override;
    Result<bool> path_exists(const std::string& path) override;
    Result<HostFacts> facts(const FactsRequest& request) override;

private:
    // Runs command; a non-zero exit becomes ErrorKind::rejected with stderr as the remark.
    Result<ExecResult> run(const std::string& command, std::chrono::milliseconds timeout);
    Result<bool> yes_no(const std::string& command);
    // identify() once the probe ran: the one readable owner of spec.address's port, resolved.
    Result<std::optional<ProcessIdentity>> identify_in(const ProcessSpec& spec, const ListenerProbe& probe,
                                                       const std::string& ip, int port);
    // Signals (or runs the stop command) for pid and waits until it exited, plus restart_watch.
    Status end_process(const ProcessSpec& spec, int pid, std::chrono::milliseconds timeout, KillPolicy policy);
    // After pid exited: a new listener on spec.address means something restarted it.
    Status check_not_restarted(const ProcessSpec& spec, int old_pid);

    std::unique_ptr<RemoteShell> m_owned;
    RemoteShell& m_shell;
    ShellHostOpsOptions m_options;
};

// Parses "java -version" output: the text between the quotes after "version" ("1.8.0_392",
// "17.0.15"); nullopt when absent.
std::optional<std::string> parse_java_version(const std::string& output);

// Parses the output of host_scripts::host_facts for request (error: protocol when incomplete).
Result<HostFacts> parse_host_facts(const std::string& output, const FactsRequest& request);

// Parses "df -P -k" output: available bytes (4th field of the second line, in KiB).
std::optional<long long> parse_df_available_bytes(const std::string& output);

}  // namespace rmqup
