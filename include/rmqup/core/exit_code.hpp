// The process exit codes of rmq-upgrade, one list for every command (README "Exit codes", the man
// page's EXIT STATUS).
#pragma once

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

}  // namespace rmqup
