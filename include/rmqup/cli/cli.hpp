// The command-line front end. main() only calls run_cli().
#pragma once

namespace rmqup {

// Exit codes, documented in the README.
enum class ExitCode : int {
    ok = 0,
    failed = 1,          // the operation failed, or `plan` found blocking checks
    invalid_input = 2,   // bad inventory, flags or plan file: nothing was contacted or changed
    unreachable = 3,     // the cluster or a host could not be reached
    interrupted = 130,   // Ctrl-C
};

int run_cli(int argc, char** argv);

}  // namespace rmqup
