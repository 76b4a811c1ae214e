// The rehearsal's hosts: one real OpenSSH sshd per host address when sshd is available (the
// orchestrator then reaches every node over SSH exactly as in production), else the local
// transport; and the HostOps the planner and engine use for each host name.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <string>

#include "cli/rehearse_inventory.hpp"
#include "cli/rehearse_layout.hpp"
#include "cli/rehearse_run.hpp"
#include "cli/rehearse_topology.hpp"
#include "rmqup/hostops/host_ops.hpp"

namespace rmqup::cli::rehearse {

class RehearsalHosts {
public:
    // Starts the sshd instances (ssh, or automatic when sshd_available()); progress to err.
    static Result<std::unique_ptr<RehearsalHosts>> create(const Topology& t, const Layout& layout,
                                                          TransportChoice choice, std::ostream& err);
    ~RehearsalHosts();
    RehearsalHosts(const RehearsalHosts&) = delete;
    RehearsalHosts& operator=(const RehearsalHosts&) = delete;

    // "ssh" or "local".
    const std::string& transport() const { return m_transport; }
    // The transport part of the inventory (endpoints, ssh user, key, known_hosts).
    const InventoryOptions& inventory_options() const { return m_inventory; }
    // HostOps for an inventory host name (created on first use; owned here).
    Result<HostOps*> ops(const std::string& host);

private:
    RehearsalHosts() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_transport;
    InventoryOptions m_inventory;
    std::map<std::string, std::unique_ptr<HostOps>> m_ops;
};

}  // namespace rmqup::cli::rehearse
