// rmq-sim command line: `namesrv`, `broker` and `load` subcommands.
#pragma once

namespace rmqsim {

// Parses argv and runs the chosen role; returns the process exit code.
int run_sim_cli(int argc, char** argv);

}  // namespace rmqsim
