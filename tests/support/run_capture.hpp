// Runs a command to its end (or a deadline) and returns its exit status and what it printed: the
// tests' one way to run rmq-upgrade or a shell line and read its output (on proc::Child::capture).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace rmqup::test {

enum class Stderr {
    separate,  // stderr captured in CommandOutput::err
    merged,    // stderr interleaved into out (2>&1)
};

struct CommandOutput {
    int exit_code = -1;  // exit code or 128 + signal; -1 if it could not start or outlived the timeout
    std::string out;
    std::string err;
};

// Runs argv (stdin /dev/null, its own process group) for at most timeout; a command still running
// then is killed with its group and reported as exit_code -1.
CommandOutput run_capture(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                          Stderr stderr_to = Stderr::separate);

// run_capture of `/bin/sh -c line`.
CommandOutput run_shell(const std::string& line, std::chrono::milliseconds timeout,
                        Stderr stderr_to = Stderr::separate);

}  // namespace rmqup::test
