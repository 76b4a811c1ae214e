// SshdInstance: a throw-away OpenSSH server on a loopback address (see rmqup/rehearsal/sshd_instance.hpp).
#include "rmqup/rehearsal/sshd_instance.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace rmqup {
namespace {

using SteadyClock = std::chrono::steady_clock;

Error errno_error(const std::string& what) { return make_error(ErrorKind::io, what + ": " + std::strerror(errno)); }

// Runs argv (no shell) with output discarded; returns its exit status.
Result<int> run_program(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return errno_error("fork");
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            ::dup2(devnull, 0);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
        }
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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

std::vector<pid_t> descendant_pids(pid_t root) {
    std::multimap<pid_t, pid_t> children;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return {};
    while (dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0') continue;
        const std::string stat = read_text(std::string("/proc/") + entry->d_name + "/stat");
        // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse after the last ')'.
        const auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(stat.substr(close + 1));
        std::string state;
        long ppid = 0;
        if (!(rest >> state >> ppid)) continue;
        if (state == "Z") continue;
        children.emplace(static_cast<pid_t>(ppid), static_cast<pid_t>(pid));
    }
    ::closedir(proc);
    std::vector<pid_t> out;
    std::vector<pid_t> frontier{root};
    while (!frontier.empty()) {
        std::vector<pid_t> next;
        for (pid_t p : frontier) {
            auto range = children.equal_range(p);
            for (auto it = range.first; it != range.second; ++it) {
                out.push_back(it->second);
                next.push_back(it->second);
            }
        }
        frontier = std::move(next);
    }
    return out;
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

    std::vector<std::string> args = {m_options.sshd_path, "-D", "-e", "-f", m_dir + "/sshd_config"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = log_path();
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) return errno_error("open " + log);
    const pid_t owner = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        return errno_error("fork");
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        // sshd dies with the thread that started it, even when that process is SIGKILLed and never
        // runs stop(): a killed test or rehearsal must not leave listeners behind.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != owner) ::_exit(1);
        const int devnull = ::open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            ::dup2(devnull, 0);
            ::dup2(devnull, 1);
        }
        ::dup2(log_fd, 2);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(log_fd);
    m_pid = pid;

    const auto deadline = SteadyClock::now() + m_options.start_timeout;
    while (SteadyClock::now() < deadline) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            Error e = make_error(ErrorKind::rejected, "sshd exited at start");
            e.remark = tail_text(read_text(log), 2000);
            return e;
        }
        if (port_accepts(m_options.address, m_port)) return ok_status();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    Error e = make_error(ErrorKind::timeout, "sshd did not accept connections on " + m_options.address + ":" +
                                                 std::to_string(m_port));
    e.remark = tail_text(read_text(log), 2000);
    return e;
}

void SshdInstance::stop() {
    if (m_pid <= 0) return;
    // Connection handlers run in their own sessions, so a process-group kill would miss them.
    const auto children = descendant_pids(m_pid);
    ::kill(m_pid, SIGKILL);
    for (pid_t child : children) ::kill(child, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
}

}  // namespace rmqup
