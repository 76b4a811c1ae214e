// Registers `discover`: the inventory of a live cluster (docs/discover.md).
//   discover -n NS [--cluster C] [--to V] [--transport ssh|local] [--ssh-user U] [--ssh-port P] [--identity-file F]
//            [--known-hosts F] [--sudo] [-o inventory.yaml]
// Exit codes: 0 complete, 1 written with placeholders to fill in (or the NameServers list no broker),
// 2 invalid flags, 3 no NameServer answered or a host could not be reached (the file is still
// written, with placeholders for what that host would have told).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/discover/discover.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/ssh/host_ops_factory.hpp"

namespace rmqup::cli {

namespace {

struct DiscoverFlags {
    std::string nameservers;
    std::string cluster;
    std::string to;
    std::string transport = "ssh";
    std::string ssh_user;
    int ssh_port = 22;
    std::string identity_file;
    std::string known_hosts;
    bool sudo = false;
    std::string output;
    int timeout_ms = 3000;
};

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

// The ACL references the inventory gets: the access key as given (it is not a secret) or its
// variable; the secret only as "file:/abs" or "${RMQ_SECRET_KEY}".
std::optional<discover::AclReferences> acl_references(const GlobalOptions& g) {
    if (g.access_key.empty() && env_or_empty("RMQ_ACCESS_KEY").empty()) return std::nullopt;
    discover::AclReferences refs;
    refs.access_key = g.access_key.empty() ? "${RMQ_ACCESS_KEY}" : g.access_key;
    refs.secret_key_ref = g.secret_key_ref.empty()
                              ? "${RMQ_SECRET_KEY}"
                              : "file:" + std::filesystem::absolute(g.secret_key_ref).lexically_normal().string();
    return refs;
}

// Checks the flags before anything is contacted; fills options.
Status make_options(const DiscoverFlags& f, const GlobalOptions& g, discover::DiscoverOptions& o) {
    auto ns = parse_addr_list(f.nameservers);
    if (!ns) return std::move(ns).error().with("option -n");
    o.nameservers = std::move(ns).value();
    o.cluster = f.cluster;
    if (!f.to.empty()) {
        auto v = RmqVersion::parse(f.to);
        if (!v) return make_error(ErrorKind::invalid_input, "'" + f.to + "' is not a RocketMQ version (want e.g. 4.9.7)").with("option --to");
        o.target_version = v->str();
    }
    o.access.transport = f.transport;
    // SSH hosts run their own probes (16 sessions at a time); local ones all run on this machine.
    o.host_workers = f.transport == "local" ? 4 : 16;
    o.access.user = f.ssh_user.empty() && f.transport == "ssh" ? env_or_empty("USER") : f.ssh_user;
    if (f.transport == "ssh" && o.access.user.empty()) {
        return make_error(ErrorKind::invalid_input, "no SSH user: give --ssh-user").with("option --ssh-user");
    }
    if (!f.identity_file.empty()) {
        if (::access(f.identity_file.c_str(), R_OK) != 0) {
            return make_error(ErrorKind::invalid_input, "identity file " + f.identity_file + " is not readable")
                .with("option --identity-file");
        }
        o.access.identity_file = std::filesystem::absolute(f.identity_file).lexically_normal().string();
    }
    if (!f.known_hosts.empty()) o.access.known_hosts = std::filesystem::absolute(f.known_hosts).lexically_normal().string();
    o.access.sudo = f.sudo;
    o.access.port = f.ssh_port;
    o.acl = acl_references(g);
    if (!f.output.empty() && std::filesystem::exists(f.output)) {
        return make_error(ErrorKind::invalid_input, f.output + " exists: discover never overwrites an inventory "
                                                               "(remove it or write to another file)")
            .with("option -o");
    }
    return ok_status();
}

discover::HostProbeFactory host_probe_factory(const discover::AccessDefaults& a) {
    return [a](const std::string& name, const std::string& address) -> Result<std::unique_ptr<HostProbe>> {
        HostAccess access;
        access.name = name;
        access.address = address;
        access.transport = a.transport == "local" ? HostAccess::Transport::local : HostAccess::Transport::ssh;
        access.user = a.user;
        access.port = a.port;
        access.identity_file = a.identity_file;
        access.known_hosts = a.known_hosts;
        access.sudo = a.sudo;
        return make_host_ops(access);
    };
}

Status write_output(const std::string& path, const std::string& text) {
    if (path.empty()) {
        std::cout << text;
        return ok_status();
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return make_error(ErrorKind::io, "cannot write " + path).with("option -o");
    return ok_status();
}

// The summary on stderr and the exit code: 3 when a host could not be reached, 1 with placeholders.
int summarize(const discover::DiscoveredInventory& inv, const std::string& output) {
    std::size_t brokers = 0;
    for (const auto& grp : inv.groups) brokers += grp.members.size();
    std::cerr << "discover: cluster " << inv.cluster << ": " << inv.nameservers.size() << " NameServer(s), "
              << inv.groups.size() << " broker group(s), " << brokers << " broker(s) on " << inv.hosts.size()
              << " host(s)" << (output.empty() ? "" : " -> " + output) << "\n";
    for (const auto& d : inv.disagreements) std::cerr << "NameServers disagree: " << d << "\n";
    for (const auto& w : inv.warnings) std::cerr << "warning: " << w << "\n";
    const auto placeholders = inv.placeholders();
    if (!placeholders.empty()) {
        std::cerr << placeholders.size() << " placeholder(s) to fill in before `rmq-upgrade validate` accepts the file:\n";
        for (const auto& p : placeholders) std::cerr << "  " << p << "\n";
    }
    for (const auto& e : inv.host_errors) {
        if (exit_code_for(e.kind) == ExitCode::unreachable) return static_cast<int>(ExitCode::unreachable);
    }
    if (!placeholders.empty() || !inv.host_errors.empty()) return static_cast<int>(ExitCode::failed);
    std::cerr << "every value was discovered or derived: review the assumed ones, then `rmq-upgrade plan -i "
              << (output.empty() ? std::string("<file>") : output) << "`\n";
    return 0;
}

int run_discover(const DiscoverFlags& f, const GlobalOptions& g) {
    discover::DiscoverOptions options;
    if (auto st = make_options(f, g, options); !st) return report_error(st.error());
    auto acl = resolve_acl(g);
    if (!acl) return report_error(acl.error());
    const std::chrono::milliseconds timeout(f.timeout_ms);
    net::RemotingClient client(client_options(timeout, std::move(acl).value()));
    net::RemotingAdmin admin(client, timeout);
    auto inv = discover::discover(admin, admin, host_probe_factory(options.access), options);
    if (!inv) return report_error(inv.error());
    if (auto st = write_output(f.output, discover::render_yaml(*inv)); !st) return report_error(st.error());
    return summarize(*inv, f.output);
}

}  // namespace

void add_discover_commands(CLI::App& app, GlobalOptions& g) {
    auto f = std::make_shared<DiscoverFlags>();
    GlobalOptions* gp = &g;
    auto* cmd = app.add_subcommand(
        "discover", "Write the inventory of a live cluster: groups and members from every NameServer, each node's "
                    "config, home, Java and store from the process listening on its port. Exit 0 complete, 1 "
                    "written with placeholders to fill in, 2 invalid flags, 3 no NameServer answered or a host could not be reached");
    cmd->add_option("-n,--namesrv", f->nameservers, "NameServer addresses, 'ns1:9876;ns2:9876'")->required();
    cmd->add_option("-o,--output", f->output, "Inventory file to write (never overwritten; default: stdout)");
    cmd->add_option("--cluster", f->cluster, "Cluster to describe when the NameServers list several");
    cmd->add_option("--to", f->to, "Target version (targetVersion; target homes are derived from it)");
    cmd->add_option("--transport", f->transport, "How hosts are reached")
        ->check(CLI::IsMember({"ssh", "local"}))
        ->capture_default_str();
    cmd->add_option("--ssh-user", f->ssh_user, "SSH user (default: $USER)");
    cmd->add_option("--ssh-port", f->ssh_port, "SSH port of every host")->capture_default_str()->check(CLI::Range(1, 65535));
    cmd->add_option("--identity-file", f->identity_file, "SSH private key (default: ssh-agent)");
    cmd->add_option("--known-hosts", f->known_hosts, "known_hosts file (strict host key checking)");
    cmd->add_flag("--sudo", f->sudo, "Read other users' processes through sudo -n (written as sudo: true)");
    cmd->add_option("--timeout-ms", f->timeout_ms, "Connect and request timeout per remoting request")
        ->capture_default_str()
        ->check(CLI::Range(1, 600000));
    add_acl_options(*cmd, g);
    cmd->callback([f, gp] { gp->exit_code = run_discover(*f, *gp); });
}

}  // namespace rmqup::cli
