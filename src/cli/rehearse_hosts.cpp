#include "cli/rehearse_hosts.hpp"

#include <ostream>

#include "rmqup/hostops/shell_host_ops.hpp"
#include "rmqup/ssh/local_shell.hpp"

namespace rmqup::cli::rehearse {

struct RehearsalHosts::Impl {};

RehearsalHosts::~RehearsalHosts() = default;

Result<std::unique_ptr<RehearsalHosts>> RehearsalHosts::create(const Topology& t, const Layout& layout,
                                                               TransportChoice choice, std::ostream& err) {
    (void)layout;
    std::unique_ptr<RehearsalHosts> h(new RehearsalHosts());
    h->m_impl = std::make_unique<Impl>();
    if (choice == TransportChoice::ssh)
        return make_error(ErrorKind::invalid_input, "the ssh transport is not available in this build (no sshd launcher)");
    if (choice == TransportChoice::automatic) err << "rehearse: sshd launcher not available: using the local transport\n";
    h->m_transport = "local";
    for (const auto& ns : t.nameservers) h->m_inventory.endpoints[ns.host] = HostEndpoint{"local", 22};
    for (const auto& b : t.brokers) h->m_inventory.endpoints[b.host] = HostEndpoint{"local", 22};
    return h;
}

Result<HostOps*> RehearsalHosts::ops(const std::string& host) {
    auto it = m_ops.find(host);
    if (it != m_ops.end()) return it->second.get();
    auto ops = std::make_unique<ShellHostOps>(std::make_unique<LocalShell>());
    HostOps* raw = ops.get();
    m_ops.emplace(host, std::move(ops));
    return raw;
}

}  // namespace rmqup::cli::rehearse
