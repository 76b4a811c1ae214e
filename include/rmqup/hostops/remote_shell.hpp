// Running commands on a host: over SSH (libssh2), locally, or recorded for a dry run.
// Everything the engine does on a host goes through HostOps (host_ops.hpp), which is built on this.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "rmqup/core/result.hpp"

namespace rmqup {

struct ExecResult {
    int exit_status = 0;
    std::string out;        // stdout, cut at the bound
    std::string err;        // stderr, cut at the bound
    bool out_truncated = false;
    bool err_truncated = false;
};

struct ExecOptions {
    std::chrono::milliseconds timeout{60000};
    std::size_t max_output = 1 << 20;  // per stream
    bool use_sudo = false;
};

class RemoteShell {
public:
    virtual ~RemoteShell() = default;
    // Runs a /bin/sh command line. A non-zero exit is NOT an error here (it is in ExecResult);
    // errors are transport failures, timeouts (the remote command is killed) and auth/host-key refusals.
    virtual Result<ExecResult> exec(const std::string& command, const ExecOptions& opts) = 0;
    // Writes content to a remote path with the given mode (SFTP/SCP, or a local file).
    virtual Status upload(const std::string& content, const std::string& remote_path, int mode) = 0;
    // "ssh:user@127.0.0.2:2222", "local", "dry-run": for messages.
    virtual std::string describe() const = 0;
};

// Quotes a value for /bin/sh so that it is always one literal word.
std::string shell_quote(const std::string& value);

}  // namespace rmqup
