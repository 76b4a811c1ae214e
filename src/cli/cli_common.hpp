// Helpers shared by command families: NameServer/broker address lists, ACL credential options,
// remoting client options, and turning an Error into a message and an exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "rmqup/cli/cli.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/acl.hpp"

namespace rmqup::cli {

// Splits "ns1:9876;ns2:9876" (';' or ',' separated, blanks trimmed) and checks each is host:port.
Result<std::vector<std::string>> parse_addr_list(std::string_view text);
// Checks one "host:port" address.
Status check_addr(std::string_view addr);

// Adds --access-key and --secret-key-file to sub, stored in g.
void add_acl_options(CLI::App& sub, GlobalOptions& g);
// ACL credentials from the flags and the environment: access key from --access-key or
// RMQ_ACCESS_KEY; secret from RMQ_SECRET_KEY or the first line of --secret-key-file.
// None when no access key is given; invalid_input when a key is given without a secret.
Result<std::optional<rmq::AclCredentials>> resolve_acl(const GlobalOptions& g);

// Client options with both timeouts set to `timeout` and the resolved ACL credentials.
net::ClientOptions client_options(std::chrono::milliseconds timeout, std::optional<rmq::AclCredentials> acl);

// The process exit code for an error kind (unreachable/timeout = 3, invalid input = 2, else 1).
ExitCode exit_code_for(ErrorKind kind);
// Prints "rmq-upgrade: <error>" to stderr and returns the exit code for it.
int report_error(const Error& e);

}  // namespace rmqup::cli
