#include "rmqup/cli/cli.hpp"

int main(int argc, char** argv) { return rmqup::run_cli(argc, argv); }
