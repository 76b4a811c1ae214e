// RemoteShell over SSH (libssh2): one reused session per host, strict known_hosts checking,
// public-key or ssh-agent authentication, deadlines on every step (non-blocking libssh2 + poll).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "rmqup/core/secret.hpp"
#include "rmqup/hostops/remote_shell.hpp"
#include "rmqup/ssh/sudo.hpp"

namespace rmqup {

// What to do with a host whose key is not in known_hosts. A changed key is always refused.
enum class HostKeyPolicy {
    strict,     // refuse unknown hosts (the default)
    accept_new  // append an unknown host's key to known_hosts, then trust it (like StrictHostKeyChecking=accept-new)
};

struct SshConfig {
    std::string host_name;      // inventory name, for messages
    std::string address;        // IP or DNS name to connect to (also the known_hosts name)
    int port = 22;
    std::string user;
    std::string identity_file;  // private key; empty: use ssh-agent (SSH_AUTH_SOCK)
    Secret passphrase;          // of identity_file; empty if none
    std::string known_hosts;    // empty: $HOME/.ssh/known_hosts
    HostKeyPolicy host_key_policy = HostKeyPolicy::strict;
    SudoMode sudo = SudoMode::off;
    std::chrono::milliseconds connect_timeout{10000};  // TCP connect + SSH handshake + host key check
    std::chrono::milliseconds auth_timeout{10000};
    std::chrono::milliseconds upload_timeout{300000};
    std::chrono::seconds keepalive_interval{15};
    std::chrono::milliseconds kill_grace{2000};  // remote SIGKILL this long after the timeout's SIGTERM
};

// Not thread-safe: one SshShell per host, used by one thread at a time.
class SshShell final : public RemoteShell {
public:
    explicit SshShell(SshConfig config);
    ~SshShell() override;
    SshShell(const SshShell&) = delete;
    SshShell& operator=(const SshShell&) = delete;

    // Connects and authenticates now unless already connected. Errors: unreachable, timeout,
    // host_key (unknown or changed key), auth, protocol.
    Status connect();
    // Drops the session (the next call reconnects).
    void disconnect();
    bool connected() const { return m_session != nullptr; }

    // Runs command as `timeout -k <grace> <secs> sh -c '<command>'` (prefixed with `sudo -n` when
    // configured or requested), so a command that overruns is killed on the host itself; returns
    // ErrorKind::timeout then. A session found dead before the command started is reconnected once.
    Result<ExecResult> exec(const std::string& command, const ExecOptions& opts) override;
    // SCP to remote_path with mode; under sudo via a temp file in /tmp and `sudo -n cp`.
    Status upload(const std::string& content, const std::string& remote_path, int mode) override;
    // "ssh:user@address:port".
    std::string describe() const override;

    struct Session;  // libssh2 state, defined in ssh_shell.cpp

private:
    Status ensure_connected();
    Result<ExecResult> exec_once(const std::string& command, const ExecOptions& opts, bool& retryable);
    Status scp_once(const std::string& content, const std::string& remote_path, int mode, bool& retryable);

    SshConfig m_config;
    std::unique_ptr<Session> m_session;
};

// OpenSSH-style fingerprint of a raw host key blob hash: "SHA256:<base64 without padding>".
std::string ssh_fingerprint_sha256(const unsigned char* sha256_digest, std::size_t size);

}  // namespace rmqup
