// A private OpenSSH sshd on a loopback address, for integration tests and `rmq-upgrade rehearse`:
// temporary host key, generated user key and authorized_keys, a known_hosts line; it never touches
// /etc/ssh or ~/.ssh. Runs as the current user.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/core/secret.hpp"

namespace rmqup {

struct SshdOptions {
    std::string address = "127.0.0.2";            // 127.0.0.x
    int port = 0;                                 // 0: pick a free port
    Secret key_passphrase;                        // passphrase of the generated user key (empty: none)
    std::chrono::milliseconds start_timeout{10000};
    std::string sshd_path = "/usr/sbin/sshd";
    // true: sessions get HOME=<dir>/home (an empty folder), so the user's dotfiles cannot change or block
    // the commands: bash reads ~/.bashrc even for `ssh host cmd` (Debian builds it with SSH_SOURCE_BASHRC),
    // and a .bashrc that waits (pyenv's `rehash` on a stale lock waits 60 s) stalls every command.
    // The login directory stays the user's home. false: the user's own HOME, as on a real host.
    bool isolated_home = true;
};

class SshdInstance {
public:
    explicit SshdInstance(SshdOptions options = {});
    ~SshdInstance();  // stop() and remove the temporary directory
    SshdInstance(const SshdInstance&) = delete;
    SshdInstance& operator=(const SshdInstance&) = delete;

    // Generates keys and config in a new temporary directory, starts sshd -D -e and waits until the
    // port accepts connections. After stop(), start() again reuses port, keys and known_hosts. Errors: io (keygen, fork), timeout (port never opened), rejected
    // (sshd exited; its log in the remark).
    // sshd is tied to the calling thread (PR_SET_PDEATHSIG): it dies if that thread ends without stop().
    Status start();
    // Kills sshd and every process it forked (sessions and the commands they run); idempotent.
    void stop();
    bool running() const { return m_pid > 0; }

    const std::string& address() const { return m_options.address; }
    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }
    const std::string& user() const { return m_user; }
    // Temporary directory holding keys, config, known_hosts and sshd.log.
    const std::string& dir() const { return m_dir; }
    // known_hosts file with this server's "[address]:port ssh-ed25519 ..." line.
    std::string known_hosts_path() const { return m_dir + "/known_hosts"; }
    // The generated user private key (its public key is authorized).
    std::string identity_file() const { return m_dir + "/id_ed25519"; }
    std::string log_path() const { return m_dir + "/sshd.log"; }
    // HOME of the sessions when SshdOptions::isolated_home (an empty folder in dir()).
    std::string session_home() const { return m_dir + "/home"; }

private:
    Status write_files();
    SshdOptions m_options;
    int m_port = 0;
    pid_t m_pid = -1;
    std::string m_dir;
    std::string m_user;
};

// True if sshd and ssh-keygen are installed (Debian openssh-server).
bool sshd_available();

// Runs ssh-keygen to create an ed25519 key pair at path (and path.pub); passphrase may be empty.
Status generate_ssh_key(const std::string& path, const Secret& passphrase);

// Pids of every live descendant of pid (read from /proc), children before grandchildren.
std::vector<pid_t> descendant_pids(pid_t pid);

}  // namespace rmqup
