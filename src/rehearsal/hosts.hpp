// The rehearsal's hosts: one real OpenSSH sshd per host address when sshd is available (the
// orchestrator then reaches every node over SSH exactly as in production), else the local
// transport; and the HostOps the planner and engine use for each host.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rehearsal/layout.hpp"
#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/plan/plan.hpp"
#include "rmqup/rehearsal/inventory.hpp"
#include "rmqup/rehearsal/rehearsal.hpp"
#include "rmqup/rehearsal/topology.hpp"

namespace rmqup {
class SshdInstance;
}

namespace rmqup::rehearsal {

class RehearsalHosts {
public:
    // Starts one sshd per host address (ssh, or automatic when sshd_available()); progress to err.
    static Result<std::unique_ptr<RehearsalHosts>> create(const Topology& t, TransportChoice choice, std::ostream& err);
    ~RehearsalHosts();  // stops the sshd instances
    RehearsalHosts(const RehearsalHosts&) = delete;
    RehearsalHosts& operator=(const RehearsalHosts&) = delete;

    // "ssh" or "local".
    const std::string& transport() const { return m_transport; }
    // The transport part of the inventory (endpoints, ssh user, keys, known_hosts per host).
    const InventoryOptions& inventory_options() const { return m_inventory; }
    // HostOps for a host as the inventory describes it (created on first use, cached by name).
    Result<HostOps*> ops(const HostAccess& access);
    // HostOps for a host name of hosts (the plan's); not_found as invalid_input.
    Result<HostOps*> ops(const std::vector<HostAccess>& hosts, const std::string& name);

private:
    RehearsalHosts() = default;
    std::string m_transport;
    InventoryOptions m_inventory;
    std::vector<std::unique_ptr<SshdInstance>> m_sshd;
    std::map<std::string, std::unique_ptr<HostOps>> m_ops;
};

}  // namespace rmqup::rehearsal
