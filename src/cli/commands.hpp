// Each command family registers its subcommands from its own file, so they can evolve apart.
#pragma once

#include <CLI/CLI.hpp>

namespace rmqup::cli {

// Options shared by every subcommand (logging, ACL credentials), and the exit code the chosen
// subcommand's callback sets.
struct GlobalOptions {
    int verbosity = 0;        // -v / -vv
    bool quiet = false;
    std::string access_key;   // --access-key (or RMQ_ACCESS_KEY)
    std::string secret_key_ref;  // --secret-key-file / RMQ_SECRET_KEY (never printed)
    int exit_code = 0;        // set by the subcommand's callback (ExitCode values, or 130)
};

void add_cluster_commands(CLI::App& app, GlobalOptions& g);   // cmd_cluster.cpp: cluster, broker, route
void add_plan_commands(CLI::App& app, GlobalOptions& g);      // cmd_plan.cpp: plan, census, diff-topics, validate
void add_apply_commands(CLI::App& app, GlobalOptions& g);     // cmd_apply.cpp: apply, resume, rollback
void add_rehearse_commands(CLI::App& app, GlobalOptions& g);  // cmd_rehearse.cpp: rehearse
void add_discover_commands(CLI::App& app, GlobalOptions& g);  // cmd_discover.cpp: discover


}  // namespace rmqup::cli
