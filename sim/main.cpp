// rmq-sim entry point: everything lives in the rmqsim library.
#include "sim_cli.hpp"

int main(int argc, char** argv) { return rmqsim::run_sim_cli(argc, argv); }
