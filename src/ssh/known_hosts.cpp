// Host key verification against an OpenSSH known_hosts file: strict by default, never accepting a
// changed key, optionally appending unknown hosts (accept_new).
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "ssh_session.hpp"

namespace rmqup {

std::string ssh_fingerprint_sha256(const unsigned char* sha256_digest, std::size_t size) {
    std::string b64(4 * ((size + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), sha256_digest, static_cast<int>(size));
    b64.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    return "SHA256:" + b64;
}

namespace ssh_detail {
namespace {

struct KeyType {
    int hostkey_type;
    int knownhost_bit;
    const char* name;
};

constexpr KeyType k_key_types[] = {
    {LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa"},
    {LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
    {LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
};

std::string known_hosts_path(const SshConfig& config) {
    if (!config.known_hosts.empty()) return config.known_hosts;
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : "") + "/.ssh/known_hosts";
}

// known_hosts names a non-default port as "[address]:port".
std::string host_pattern(const SshConfig& config) {
    if (config.port == 22) return config.address;
    return "[" + config.address + "]:" + std::to_string(config.port);
}

struct KnownHostsGuard {
    LIBSSH2_KNOWNHOSTS* kh;
    ~KnownHostsGuard() { libssh2_knownhost_free(kh); }
};

Status append_line(const std::string& path, const std::string& line) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(ErrorKind::io, "cannot open " + path + ": " + std::strerror(errno));
    const ssize_t w = ::write(fd, line.data(), line.size());
    const int saved = errno;
    ::close(fd);
    if (w != static_cast<ssize_t>(line.size())) {
        return make_error(ErrorKind::io, "cannot append to " + path + ": " + std::strerror(saved));
    }
    return ok_status();
}

// Loads path line by line: libssh2_knownhost_readfile stops at the first line it cannot parse
// (@cert-authority, security-key types), which would make every later host look unknown.
Status load_known_hosts(LIBSSH2_KNOWNHOSTS* kh, const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        struct stat st{};
        if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return ok_status();  // no file: every host is unknown
        return make_error(ErrorKind::host_key, "cannot read known_hosts file " + path + ": " + std::strerror(errno));
    }
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        if (libssh2_knownhost_readline(kh, line.c_str(), line.size(), LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
            spdlog::debug("known_hosts {}:{}: line not understood by libssh2, skipped", path, number);
        }
    }
    return ok_status();
}

}  // namespace

Status verify_host_key(SshShell::Session& s, const SshConfig& config) {
    const std::string where = host_pattern(config);
    std::size_t key_len = 0;
    int key_type = 0;
    const char* key = libssh2_session_hostkey(s.ssh, &key_len, &key_type);
    if (key == nullptr) return make_error(ErrorKind::protocol, "server sent no host key").with("host key of " + where);

    const KeyType* type = nullptr;
    for (const auto& t : k_key_types) {
        if (t.hostkey_type == key_type) type = &t;
    }
    if (type == nullptr) {
        return make_error(ErrorKind::host_key, "unsupported host key type " + std::to_string(key_type))
            .with("host key of " + where);
    }
    const auto* hash = reinterpret_cast<const unsigned char*>(libssh2_hostkey_hash(s.ssh, LIBSSH2_HOSTKEY_HASH_SHA256));
    const std::string fingerprint = hash != nullptr ? ssh_fingerprint_sha256(hash, 32) : std::string("(no SHA256)");
    const std::string offered = std::string(type->name) + " " + fingerprint;

    LIBSSH2_KNOWNHOSTS* kh = libssh2_knownhost_init(s.ssh);
    if (kh == nullptr) return make_error(ErrorKind::internal, "libssh2_knownhost_init failed");
    KnownHostsGuard guard{kh};

    const std::string path = known_hosts_path(config);
    RMQUP_TRY(load_known_hosts(kh, path));

    const int mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW;
    libssh2_knownhost* entry = nullptr;
    const int check = libssh2_knownhost_checkp(kh, config.address.c_str(), config.port, key, key_len,
                                               mask | type->knownhost_bit, &entry);
    if (check == LIBSSH2_KNOWNHOST_CHECK_MATCH) return ok_status();
    if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
        return make_error(ErrorKind::host_key, "host key of " + where + " does NOT match " + path +
                                                   " (server offered " + offered +
                                                   "); refusing to connect: verify the host and remove the old key "
                                                   "only if the change is expected")
            .with("host " + config.host_name);
    }
    if (check != LIBSSH2_KNOWNHOST_CHECK_NOTFOUND) {
        Error e = make_error(ErrorKind::host_key, "cannot check the host key of " + where + " against " + path);
        e.remark = last_error_text(s.ssh);
        return std::move(e).with("host " + config.host_name);
    }
    // A host known under another key type counts as changed, not as new: a server suddenly
    // offering a different algorithm must not be trusted by accept_new.
    for (const auto& t : k_key_types) {
        if (&t == type) continue;
        if (libssh2_knownhost_checkp(kh, config.address.c_str(), config.port, key, key_len, mask | t.knownhost_bit,
                                     &entry) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
            return make_error(ErrorKind::host_key, "host " + where + " is in " + path + " with a " + t.name +
                                                       " key but now offers " + offered + "; refusing to connect")
                .with("host " + config.host_name);
        }
    }
    if (config.host_key_policy != HostKeyPolicy::accept_new) {
        return make_error(ErrorKind::host_key, "host " + where + " is not in known_hosts " + path +
                                                   " (server offered " + offered +
                                                   "); add its key (ssh-keyscan) or opt in to accepting new host keys")
            .with("host " + config.host_name);
    }
    libssh2_knownhost* added = nullptr;
    const std::string pattern = host_pattern(config);
    if (libssh2_knownhost_addc(kh, pattern.c_str(), nullptr, key, key_len, nullptr, 0, mask | type->knownhost_bit,
                               &added) != 0) {
        Error e = make_error(ErrorKind::host_key, "cannot add the host key of " + where);
        e.remark = last_error_text(s.ssh);
        return e;
    }
    char line[16384];
    std::size_t line_len = 0;
    if (libssh2_knownhost_writeline(kh, added, line, sizeof line, &line_len, LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
        Error e = make_error(ErrorKind::host_key, "cannot render the known_hosts line of " + where);
        e.remark = last_error_text(s.ssh);
        return e;
    }
    RMQUP_TRY(append_line(path, std::string(line, line_len)));
    spdlog::warn("accepted new host key for {} ({}) into {}", where, offered, path);
    return ok_status();
}

}  // namespace ssh_detail
}  // namespace rmqup
