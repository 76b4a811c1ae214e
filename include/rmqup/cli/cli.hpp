// The command-line front end. main() only calls run_cli().
#pragma once

#include <string>

#include "rmqup/core/exit_code.hpp"

namespace rmqup {

// Parses the command line, runs the subcommand and returns the process exit code. version is what
// --version prints (main passes the version and git revision of the build).
int run_cli(int argc, char** argv, const std::string& version = "rmq-upgrade (version not recorded)");

}  // namespace rmqup
