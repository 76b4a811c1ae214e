#include "rmqup/build_info.hpp"
#include "rmqup/cli/cli.hpp"

// The version header is generated at every build (cmake/BuildInfo.cmake) and included only here,
// so a new git revision recompiles this file and relinks rmq-upgrade, nothing else.
int main(int argc, char** argv) {
    return rmqup::run_cli(argc, argv,
                          std::string("rmq-upgrade ") + rmqup::build_info::k_version + " (git " +
                              rmqup::build_info::k_git_revision + ")");
}
