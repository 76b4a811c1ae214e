// Whether host commands run through sudo (configured per host in the inventory).
#pragma once

namespace rmqup {

enum class SudoMode {
    off,             // run as the login user
    non_interactive  // prefix "sudo -n": fails instead of prompting when a password would be needed
};

}  // namespace rmqup
