// LoggingShell: a RemoteShell decorator that puts every command and upload on the diagnostic log
// (spdlog debug level: rmq-upgrade -v) with the host, the command with secrets redacted, the exit
// status or error, and the time taken. make_host_ops wraps every shell in one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rmqup/core/secret.hpp"
#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {

class LoggingShell final : public RemoteShell {
public:
    // inner does the work; every value in secrets is masked in logged commands.
    LoggingShell(std::unique_ptr<RemoteShell> inner, std::vector<Secret> secrets);

    // inner's exec, then one log line: "<host>: `<command>` -> exit 0 in 12.3 ms".
    Result<ExecResult> exec(const std::string& command, const ExecOptions& opts) override;
    // inner's upload, then one log line naming the path, size and mode (never the content).
    Status upload(const std::string& content, const std::string& remote_path, int mode) override;
    std::string describe() const override { return m_inner->describe(); }

private:
    std::unique_ptr<RemoteShell> m_inner;
    std::vector<Secret> m_secrets;
};

// command with secrets masked as "******": each of the given values, and the value of every
// secret-looking setting (secretKey=..., password ..., --passphrase=..., RMQ_SECRET_KEY=...).
std::string redact_command(std::string command, const std::vector<Secret>& secrets);

}  // namespace rmqup
