// make_host_ops: inventory host access -> ShellHostOps over the right shell.
#include "rmqup/ssh/host_ops_factory.hpp"

#include "rmqup/core/secret_ref.hpp"

#include "rmqup/ssh/local_shell.hpp"
#include "rmqup/ssh/logging_shell.hpp"
#include "rmqup/ssh/ssh_shell.hpp"

namespace rmqup {

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
