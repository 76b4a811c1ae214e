#include "rehearsal/hosts.hpp"

#include <ostream>

#include "rmqup/rehearsal/sshd_instance.hpp"
#include "rmqup/ssh/host_ops_factory.hpp"

namespace rmqup::rehearsal {

RehearsalHosts::~RehearsalHosts() {
    m_ops.clear();  // SSH sessions first, then their servers
    for (auto& s : m_sshd) s->stop();
}

Result<std::unique_ptr<RehearsalHosts>> RehearsalHosts::create(const Topology& t, TransportChoice choice,
                                                               std::ostream& err) {
    std::unique_ptr<RehearsalHosts> h(new RehearsalHosts());
    std::vector<std::pair<std::string, std::string>> hosts;  // name, ip
    for (const auto& ns : t.nameservers) hosts.emplace_back(ns.host, ns.ip);
    for (const auto& b : t.brokers) hosts.emplace_back(b.host, b.ip);

    bool use_ssh = choice == TransportChoice::ssh || (choice == TransportChoice::automatic && sshd_available());
    if (choice == TransportChoice::ssh && !sshd_available())
        return make_error(ErrorKind::invalid_input, "--transport ssh needs OpenSSH's sshd and ssh-keygen (Debian openssh-server)");
    if (!use_ssh) {
        if (choice == TransportChoice::automatic) err << "rehearse: sshd not installed: using the local transport\n";
        h->m_transport = "local";
        for (const auto& [name, ip] : hosts) h->m_inventory.endpoints[name] = HostEndpoint{"local", 22, "", ""};
        return h;
    }
    h->m_transport = "ssh";
    for (const auto& [name, ip] : hosts) {
        SshdOptions o;
        o.address = ip;
        auto sshd = std::make_unique<SshdInstance>(o);
        if (auto s = sshd->start(); !s.ok()) return std::move(s).error().with("sshd for host " + name + " on " + ip);
        h->m_inventory.ssh_user = sshd->user();
        h->m_inventory.endpoints[name] = HostEndpoint{"ssh", sshd->port(), sshd->identity_file(), sshd->known_hosts_path()};
        err << "rehearse: sshd for " << name << " on " << ip << ":" << sshd->port() << "\n";
        h->m_sshd.push_back(std::move(sshd));
    }
    return h;
}

Result<HostOps*> RehearsalHosts::ops(const HostAccess& access) {
    auto it = m_ops.find(access.name);
    if (it != m_ops.end()) return it->second.get();
    auto made = make_host_ops(access);
    if (!made.ok()) return std::move(made).error().with("host " + access.name);
    HostOps* raw = made->get();
    m_ops.emplace(access.name, std::move(made).value());
    return raw;
}

Result<HostOps*> RehearsalHosts::ops(const std::vector<HostAccess>& hosts, const std::string& name) {
    for (const auto& a : hosts)
        if (a.name == name) return ops(a);
    return make_error(ErrorKind::invalid_input, "host '" + name + "' is not in the plan");
}

}  // namespace rmqup::rehearsal
