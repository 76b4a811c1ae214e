// Builds the HostOps for one inventory host: a ShellHostOps over an SshShell or a LocalShell,
// owning its shell. The engine's apply and rehearse commands use this.
#pragma once

#include <memory>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/core/secret.hpp"
#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/hostops/shell_host_ops.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup {

// HostOps for access: Transport::local -> LocalShell, Transport::ssh -> SshShell (lazy connect on
// first use; known_hosts strict unless access.accept_new_host_keys). Fails on a bad passphrase_ref
// or missing address/user.
Result<std::unique_ptr<HostOps>> make_host_ops(const HostAccess& access, ShellHostOpsOptions options = {});

}  // namespace rmqup
