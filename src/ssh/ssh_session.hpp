// Internal to src/ssh: the libssh2 session of an SshShell and the steps that establish it.
#pragma once

#include <libssh2.h>

#include <chrono>
#include <memory>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/ssh/ssh_shell.hpp"

namespace rmqup {

using SshDeadline = std::chrono::steady_clock::time_point;

// One TCP connection and the SSH session on it (non-blocking mode).
struct SshShell::Session {
    int fd = -1;
    LIBSSH2_SESSION* ssh = nullptr;
    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();
};

namespace ssh_detail {

// TCP connect, handshake, host key verification and authentication, all within the config's
// deadlines. Errors: unreachable, timeout, host_key, auth, protocol.
Result<std::unique_ptr<SshShell::Session>> open_session(const SshConfig& config);

// Checks the session's host key against known_hosts per config.host_key_policy (see ssh.md).
Status verify_host_key(SshShell::Session& session, const SshConfig& config);

// Waits (poll) until the socket is ready in the direction libssh2 is blocked on; ErrorKind::timeout
// once deadline passes. Also sends due keepalives.
Status wait_socket(SshShell::Session& session, SshDeadline deadline, const std::string& step);

// libssh2's own text for the last error of the session.
std::string last_error_text(LIBSSH2_SESSION* ssh);

// Maps a libssh2 error code to an Error: socket/disconnect errors -> unreachable, timeouts ->
// timeout, the rest -> protocol; the library's message goes into the remark.
Error session_error(LIBSSH2_SESSION* ssh, int rc, const std::string& step);

}  // namespace ssh_detail
}  // namespace rmqup
