// Establishing an SSH session: TCP connect with a deadline, handshake, host key, authentication.
#include "ssh_session.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace rmqup {

SshShell::Session::~Session() {
    if (ssh != nullptr) {
        // In non-blocking mode libssh2_session_free gives up (and leaks) on EAGAIN while closing a
        // channel, so close in blocking mode, bounded by a short timeout (the peer may be gone).
        libssh2_session_set_blocking(ssh, 1);
        libssh2_session_set_timeout(ssh, 1000);
        libssh2_session_disconnect(ssh, "rmq-upgrade closing");
        libssh2_session_free(ssh);
    }
    if (fd >= 0) ::close(fd);
}

namespace ssh_detail {
namespace {

using SteadyClock = std::chrono::steady_clock;

void init_libssh2_once() {
    // libssh2_init is not thread-safe and must run once per process before any session.
    static std::once_flag once;
    std::call_once(once, [] { libssh2_init(0); });
}

int millis_until(SshDeadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

std::string endpoint(const SshConfig& c) { return c.address + ":" + std::to_string(c.port); }

Result<int> tcp_connect(const SshConfig& config, SshDeadline deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const std::string port = std::to_string(config.port);
    const int gai = ::getaddrinfo(config.address.c_str(), port.c_str(), &hints, &list);
    if (gai != 0) {
        return make_error(ErrorKind::unreachable, std::string("cannot resolve address: ") + ::gai_strerror(gai));
    }
    Error last = make_error(ErrorKind::unreachable, "no address to connect to");
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last = make_error(ErrorKind::io, std::string("socket: ") + std::strerror(errno));
            continue;
        }
        int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, millis_until(deadline));
            if (rc == 0) {
                ::close(fd);
                last = make_error(ErrorKind::timeout, "TCP connect timed out after " +
                                                          std::to_string(config.connect_timeout.count()) + " ms");
                continue;
            }
            int so_error = 0;
            socklen_t len = sizeof so_error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
            if (rc < 0) so_error = errno;
            if (so_error != 0) {
                errno = so_error;
                rc = -1;
            } else {
                rc = 0;
            }
        }
        if (rc != 0) {
            last = make_error(ErrorKind::unreachable, std::string("TCP connect failed: ") + std::strerror(errno));
            ::close(fd);
            continue;
        }
        ::freeaddrinfo(list);
        return fd;
    }
    ::freeaddrinfo(list);
    return last;
}

Status authenticate_with_file(SshShell::Session& s, const SshConfig& config, SshDeadline deadline) {
    struct stat st{};
    if (::stat(config.identity_file.c_str(), &st) != 0) {
        return make_error(ErrorKind::auth, "identity file " + config.identity_file + " is not readable: " +
                                               std::strerror(errno));
    }
    const std::string pub = config.identity_file + ".pub";
    const bool have_pub = ::stat(pub.c_str(), &st) == 0;
    const char* passphrase = config.passphrase.empty() ? nullptr : config.passphrase.reveal().c_str();
    for (;;) {
        const int rc = libssh2_userauth_publickey_fromfile_ex(
            s.ssh, config.user.c_str(), static_cast<unsigned>(config.user.size()), have_pub ? pub.c_str() : nullptr,
            config.identity_file.c_str(), passphrase);
        if (rc == 0) return ok_status();
        if (rc == LIBSSH2_ERROR_EAGAIN) {
            RMQUP_TRY(wait_socket(s, deadline, "authentication"));
            continue;
        }
        Error e = make_error(ErrorKind::auth,
                             rc == LIBSSH2_ERROR_FILE
                                 ? "cannot use identity file " + config.identity_file +
                                       " (wrong passphrase or unsupported key format)"
                                 : "public key authentication as " + config.user + " with " + config.identity_file +
                                       " refused");
        e.remark = last_error_text(s.ssh);
        e.code = rc;
        return e;
    }
}

Status authenticate_with_agent(SshShell::Session& s, const SshConfig& config, SshDeadline deadline) {
    LIBSSH2_AGENT* agent = libssh2_agent_init(s.ssh);
    if (agent == nullptr) return make_error(ErrorKind::auth, "cannot initialise ssh-agent support");
    struct AgentGuard {
        LIBSSH2_AGENT* a;
        ~AgentGuard() {
            libssh2_agent_disconnect(a);
            libssh2_agent_free(a);
        }
    } guard{agent};
    if (libssh2_agent_connect(agent) != 0) {
        return make_error(ErrorKind::auth, "no identity_file configured and no ssh-agent reachable (SSH_AUTH_SOCK)");
    }
    if (libssh2_agent_list_identities(agent) != 0) {
        return make_error(ErrorKind::auth, "cannot list ssh-agent identities");
    }
    libssh2_agent_publickey* prev = nullptr;
    libssh2_agent_publickey* id = nullptr;
    int tried = 0;
    while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
        ++tried;
        for (;;) {
            const int rc = libssh2_agent_userauth(agent, config.user.c_str(), id);
            if (rc == 0) return ok_status();
            if (rc != LIBSSH2_ERROR_EAGAIN) break;
            RMQUP_TRY(wait_socket(s, deadline, "agent authentication"));
        }
        prev = id;
    }
    return make_error(ErrorKind::auth, "none of the " + std::to_string(tried) + " ssh-agent keys was accepted for " +
                                           config.user);
}

}  // namespace

std::string last_error_text(LIBSSH2_SESSION* ssh) {
    char* msg = nullptr;
    int len = 0;
    libssh2_session_last_error(ssh, &msg, &len, 0);
    return msg != nullptr ? std::string(msg, static_cast<std::size_t>(len)) : std::string();
}

Error session_error(LIBSSH2_SESSION* ssh, int rc, const std::string& step) {
    ErrorKind kind = ErrorKind::protocol;
    switch (rc) {
        case LIBSSH2_ERROR_SOCKET_SEND:
        case LIBSSH2_ERROR_SOCKET_RECV:
        case LIBSSH2_ERROR_SOCKET_DISCONNECT:
        case LIBSSH2_ERROR_SOCKET_NONE:
        case LIBSSH2_ERROR_BANNER_RECV:
        case LIBSSH2_ERROR_BANNER_SEND:
        case LIBSSH2_ERROR_CHANNEL_CLOSED:
        case LIBSSH2_ERROR_CHANNEL_EOF_SENT:
            kind = ErrorKind::unreachable;
            break;
        case LIBSSH2_ERROR_TIMEOUT:
        case LIBSSH2_ERROR_SOCKET_TIMEOUT:
            kind = ErrorKind::timeout;
            break;
        default:
            break;
    }
    Error e = make_error(kind, step + " failed (libssh2 error " + std::to_string(rc) + ")");
    e.remark = ssh != nullptr ? last_error_text(ssh) : std::string();
    e.code = rc;
    return e;
}

Status wait_socket(SshShell::Session& s, SshDeadline deadline, const std::string& step) {
    int next = 0;
    libssh2_keepalive_send(s.ssh, &next);
    const int dir = libssh2_session_block_directions(s.ssh);
    short events = 0;
    if ((dir & LIBSSH2_SESSION_BLOCK_INBOUND) != 0) events |= POLLIN;
    if ((dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) events |= POLLOUT;
    if (events == 0) events = POLLIN;
    const int wait_ms = millis_until(deadline);
    if (wait_ms <= 0) return make_error(ErrorKind::timeout, step + " timed out");
    pollfd p{s.fd, events, 0};
    // Bounded slices so keepalives go out during long commands.
    const int slice = next > 0 && next * 1000 < wait_ms ? next * 1000 : wait_ms;
    const int rc = ::poll(&p, 1, slice);
    if (rc < 0 && errno != EINTR) {
        return make_error(ErrorKind::io, step + ": poll: " + std::strerror(errno));
    }
    if (rc == 0 && millis_until(deadline) <= 0) return make_error(ErrorKind::timeout, step + " timed out");
    return ok_status();
}

Result<std::unique_ptr<SshShell::Session>> open_session(const SshConfig& config) {
    init_libssh2_once();
    const auto connect_deadline = SteadyClock::now() + config.connect_timeout;
    auto fd = tcp_connect(config, connect_deadline);
    if (!fd.ok()) return std::move(fd).error().with("connect " + endpoint(config));

    auto s = std::make_unique<SshShell::Session>();
    s->fd = *fd;
    s->ssh = libssh2_session_init();
    if (s->ssh == nullptr) return make_error(ErrorKind::internal, "libssh2_session_init failed");
    libssh2_session_set_blocking(s->ssh, 0);

    for (;;) {
        const int rc = libssh2_session_handshake(s->ssh, s->fd);
        if (rc == 0) break;
        if (rc != LIBSSH2_ERROR_EAGAIN) {
            return session_error(s->ssh, rc, "SSH handshake").with("connect " + endpoint(config));
        }
        RMQUP_TRY(wait_socket(*s, connect_deadline, "SSH handshake with " + endpoint(config)));
    }
    RMQUP_TRY(verify_host_key(*s, config));

    const auto auth_deadline = SteadyClock::now() + config.auth_timeout;
    Status auth = config.identity_file.empty() ? authenticate_with_agent(*s, config, auth_deadline)
                                               : authenticate_with_file(*s, config, auth_deadline);
    if (!auth.ok()) return std::move(auth).error().with("authenticate " + config.user + "@" + endpoint(config));

    libssh2_keepalive_config(s->ssh, 1, static_cast<unsigned>(config.keepalive_interval.count()));
    return s;
}

}  // namespace ssh_detail
}  // namespace rmqup
