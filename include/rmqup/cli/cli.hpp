// The command-line front end. main() only calls run_cli().
#pragma once

#include <string>

namespace rmqup {

// Exit codes, documented in the README.
enum class ExitCode : int {
    ok = 0,
    failed = 1,          // the operation failed, or `plan` found blocking checks
    invalid_input = 2,   // bad inventory, flags or plan file: nothing was contacted or changed
    unreachable = 3,     // the cluster or a host could not be reached
    awaiting_approval = 4,  // the run stopped at an approval gate: `rmq-upgrade resume --approve` continues
    interrupted = 130,   // Ctrl-C
};

// Parses the command line, runs the subcommand and returns the process exit code. version is what
// --version prints (main passes the version and git revision of the build).
int run_cli(int argc, char** argv, const std::string& version = "rmq-upgrade (version not recorded)");

}  // namespace rmqup
