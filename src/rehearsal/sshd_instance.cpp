// SshdInstance: a throw-away OpenSSH server on a loopback address (see rmqup/rehearsal/sshd_instance.hpp).
#include "rmqup/rehearsal/sshd_instance.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

namespace rmqup {
namespace {

using SteadyClock = std::chrono::steady_clock;

// ssh-keygen takes milliseconds; a hung one must not hang a test or rehearsal.
constexpr std::chrono::milliseconds k_program_timeout{60000};

Error errno_error(const std::string& what) { return make_error(ErrorKind::io, what + ": " + std::strerror(errno)); }

// Runs argv (no shell, argv[0] looked up on PATH) with output discarded; returns its exit status.
Result<int> run_program(std::vector<std::string> args) {
    proc::SpawnOptions o;
    o.argv = std::move(args);
    o.group = proc::Group::inherit;
    auto child = proc::Child::spawn(o);
    if (!child.ok()) return std::move(child).error();
    return child->wait_for(k_program_timeout);
}

Result<int> pick_free_port(const std::string& address) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno_error("socket");
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
        ::close(fd);
        return make_error(ErrorKind::invalid_input, "not an IPv4 address: " + address);
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        Error e = errno_error("bind " + address);
        ::close(fd);
        return e;
    }
    socklen_t len = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    ::close(fd);
    return static_cast<int>(ntohs(sa.sin_port));
}

bool port_accepts(const std::string& address, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string tail_text(const std::string& text, std::size_t max) {
    return text.size() <= max ? text : text.substr(text.size() - max);
}

bool find_on_path(const char* name) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    }
    return false;
}

}  // namespace

bool sshd_available() { return ::access("/usr/sbin/sshd", X_OK) == 0 && find_on_path("ssh-keygen"); }

Status generate_ssh_key(const std::string& path, const Secret& passphrase) {
    auto rc = run_program({"ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase.reveal(), "-C", "rmq-upgrade", "-f",
                           path});
    if (!rc.ok()) return std::move(rc).error();
    if (*rc != 0) return make_error(ErrorKind::io, "ssh-keygen exited with status " + std::to_string(*rc));
    return ok_status();
}

SshdInstance::SshdInstance(SshdOptions options) : m_options(std::move(options)) {}

SshdInstance::~SshdInstance() {
    stop();
    if (!m_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
}

Status SshdInstance::write_files() {
    char tmpl[] = "/tmp/rmqup-sshd-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return errno_error("mkdtemp");
    m_dir = tmpl;
    const passwd* pw = ::getpwuid(::geteuid());
    if (pw == nullptr) return make_error(ErrorKind::io, "cannot find the current user in the password database");
    m_user = pw->pw_name;

    RMQUP_TRY(generate_ssh_key(m_dir + "/host_ed25519", Secret()));
    RMQUP_TRY(generate_ssh_key(identity_file(), m_options.key_passphrase));
    std::filesystem::copy_file(identity_file() + ".pub", m_dir + "/authorized_keys");

    std::ofstream config(m_dir + "/sshd_config");
    config << "ListenAddress " << m_options.address << ":" << m_port << "\n"
           << "HostKey " << m_dir << "/host_ed25519\n"
           << "PidFile " << m_dir << "/sshd.pid\n"
           << "AuthorizedKeysFile " << m_dir << "/authorized_keys\n"
           << "StrictModes no\n"
           << "UsePAM no\n"
           << "PubkeyAuthentication yes\n"
           << "PasswordAuthentication no\n"
           << "KbdInteractiveAuthentication no\n"
           << "PermitRootLogin prohibit-password\n"
           << "AllowUsers " << m_user << "\n"
           << "UseDNS no\n"
           << "PrintMotd no\n"
           << "X11Forwarding no\n"
           << "LoginGraceTime 20\n"
           << "MaxStartups 50\n"
           << "LogLevel VERBOSE\n"
           << "Subsystem sftp internal-sftp\n";
    if (m_options.isolated_home) {
        std::error_code ec;
        std::filesystem::create_directory(session_home(), ec);
        if (ec) return make_error(ErrorKind::io, "cannot create " + session_home() + ": " + ec.message());
        config << "SetEnv HOME=" << session_home() << "\n";
    }
    if (!config) return make_error(ErrorKind::io, "cannot write " + m_dir + "/sshd_config");
    config.close();

    // "[127.0.0.2]:2222 ssh-ed25519 AAAA..." from the host public key's first two fields.
    std::istringstream pub(read_text(m_dir + "/host_ed25519.pub"));
    std::string type;
    std::string key;
    if (!(pub >> type >> key)) return make_error(ErrorKind::io, "cannot read the generated host key");
    std::ofstream known(known_hosts_path());
    known << "[" << m_options.address << "]:" << m_port << " " << type << " " << key << "\n";
    if (!known) return make_error(ErrorKind::io, "cannot write " + known_hosts_path());
    return ok_status();
}

Status SshdInstance::start() {
    if (running()) return ok_status();
    if (!sshd_available()) return make_error(ErrorKind::io, "sshd or ssh-keygen is not installed");
    // A restart after stop() keeps the port, keys and known_hosts line of the first start.
    if (m_port == 0 && m_options.port == 0) {
        auto port = pick_free_port(m_options.address);
        if (!port.ok()) return std::move(port).error();
        m_port = *port;
    } else if (m_port == 0) {
        m_port = m_options.port;
    }
    if (m_dir.empty()) RMQUP_TRY(write_files());
    // Privilege separation directory; Debian creates it only when its own sshd service starts.
    if (::mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) return errno_error("mkdir /run/sshd");

    proc::SpawnOptions o;
    o.argv = {m_options.sshd_path, "-D", "-e", "-f", m_dir + "/sshd_config"};
    o.err = proc::Redirect::append(log_path(), 0600);
    // sshd dies with the thread that started it, even when that process is SIGKILLed and never
    // runs stop(): a killed test or rehearsal must not leave listeners behind.
    o.death_signal = SIGTERM;
    auto child = proc::Child::spawn(o);
    if (!child.ok()) return std::move(child).error();
    m_child = std::move(child).value();

    const auto deadline = SteadyClock::now() + m_options.start_timeout;
    while (SteadyClock::now() < deadline) {
        if (m_child.try_wait()) {
            m_child = proc::Child();
            Error e = make_error(ErrorKind::rejected, "sshd exited at start");
            e.remark = tail_text(read_text(log_path()), 2000);
            return e;
        }
        if (port_accepts(m_options.address, m_port)) return ok_status();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    Error e = make_error(ErrorKind::timeout, "sshd did not accept connections on " + m_options.address + ":" +
                                                 std::to_string(m_port));
    e.remark = tail_text(read_text(log_path()), 2000);
    return e;
}

void SshdInstance::stop() {
    if (!running()) return;
    // Connection handlers run in their own sessions, so a process-group kill would miss them.
    const auto children = proc::descendants(m_child.pid());
    m_child.kill_group(std::chrono::milliseconds(0));
    for (pid_t child : children) ::kill(child, SIGKILL);
    m_child = proc::Child();
}

}  // namespace rmqup
