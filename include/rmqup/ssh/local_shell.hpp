// RemoteShell on this machine: /bin/sh -c via fork/exec, for single-host setups and rehearsals.
#pragma once

#include "rmqup/hostops/remote_shell.hpp"
#include "rmqup/ssh/sudo.hpp"

namespace rmqup {

class LocalShell final : public RemoteShell {
public:
    explicit LocalShell(SudoMode sudo = SudoMode::off) : m_sudo(sudo) {}

    // Runs command in its own process group with stdin from /dev/null; on timeout the whole group
    // is killed (SIGKILL) and ErrorKind::timeout returned. Output beyond opts.max_output is dropped
    // (flagged truncated) while the command keeps running.
    Result<ExecResult> exec(const std::string& command, const ExecOptions& opts) override;
    // Writes content to path with mode (exactly, regardless of umask); via sudo cp when configured.
    Status upload(const std::string& content, const std::string& remote_path, int mode) override;
    std::string describe() const override { return "local"; }

private:
    SudoMode m_sudo;
};

}  // namespace rmqup
