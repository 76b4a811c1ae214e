// make_host_ops: inventory host access -> ShellHostOps over the right shell.
#include "rmqup/ssh/host_ops_factory.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rmqup/ssh/local_shell.hpp"
#include "rmqup/ssh/logging_shell.hpp"
#include "rmqup/ssh/ssh_shell.hpp"

namespace rmqup {

Result<Secret> resolve_secret_ref(const std::string& ref) {
    if (ref.empty()) return Secret();
    if (ref.size() > 3 && ref.rfind("${", 0) == 0 && ref.back() == '}') {
        const std::string name = ref.substr(2, ref.size() - 3);
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return make_error(ErrorKind::invalid_input, "environment variable " + name + " is not set");
        }
        return Secret(value);
    }
    if (ref.rfind("file:", 0) == 0) {
        const std::string path = ref.substr(5);
        std::ifstream in(path, std::ios::binary);
        if (!in) return make_error(ErrorKind::io, "cannot read secret file " + path + ": " + std::strerror(errno));
        std::ostringstream content;
        content << in.rdbuf();
        std::string value = content.str();
        if (!value.empty() && value.back() == '\n') value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
        return Secret(std::move(value));
    }
    // The text is not echoed: an operator may have put the secret itself here by mistake.
    return make_error(ErrorKind::invalid_input,
                      "a secret reference must be ${ENV_VAR}, file:/path or empty (the given value is not shown)");
}

Result<std::unique_ptr<HostOps>> make_host_ops(const HostAccess& access, ShellHostOpsOptions options) {
    const SudoMode sudo = access.sudo ? SudoMode::non_interactive : SudoMode::off;
    if (access.transport == HostAccess::Transport::local) {
        auto shell = std::make_unique<LoggingShell>(std::make_unique<LocalShell>(sudo), std::vector<Secret>{});
        return std::unique_ptr<HostOps>(std::make_unique<ShellHostOps>(std::move(shell), options));
    }
    if (access.address.empty() || access.user.empty()) {
        return make_error(ErrorKind::invalid_input, "SSH access needs an address and a user")
            .with("host " + access.name);
    }
    auto passphrase = resolve_secret_ref(access.passphrase_ref);
    if (!passphrase.ok()) return std::move(passphrase).error().with("passphrase of host " + access.name);
    SshConfig config;
    config.host_name = access.name;
    config.address = access.address;
    config.port = access.port;
    config.user = access.user;
    config.identity_file = access.identity_file;
    config.passphrase = *passphrase;
    config.known_hosts = access.known_hosts;
    config.host_key_policy = access.accept_new_host_keys ? HostKeyPolicy::accept_new : HostKeyPolicy::strict;
    config.sudo = sudo;
    // The passphrase stays in the logging layer too, so that it is masked if a command ever echoes it.
    auto shell = std::make_unique<LoggingShell>(std::make_unique<SshShell>(std::move(config)),
                                                std::vector<Secret>{std::move(*passphrase)});
    return std::unique_ptr<HostOps>(std::make_unique<ShellHostOps>(std::move(shell), options));
}

}  // namespace rmqup
