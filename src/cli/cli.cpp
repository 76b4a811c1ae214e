#include "rmqup/cli/cli.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"

namespace rmqup {

namespace cli {
int& exit_code() {
    static int code = 0;
    return code;
}
}  // namespace cli

int run_cli(int argc, char** argv) {
    CLI::App app{"rmq-upgrade: rolling, zero-downtime upgrades of Apache RocketMQ clusters"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "rmq-upgrade 0.1.0");
    cli::GlobalOptions g;
    app.add_flag("-v,--verbose", g.verbosity, "More diagnostic logging (-vv for debug)");
    app.add_flag("-q,--quiet", g.quiet, "Only errors on the diagnostic log");
    app.parse_complete_callback([&g] {
        spdlog::set_level(g.quiet ? spdlog::level::err
                          : g.verbosity >= 2 ? spdlog::level::debug
                          : g.verbosity == 1 ? spdlog::level::info
                                             : spdlog::level::warn);
    });

    cli::add_cluster_commands(app, g);
    cli::add_plan_commands(app, g);
    cli::add_apply_commands(app, g);
    cli::add_rehearse_commands(app, g);

    // The one top-level handler: a parse error exits 2, anything unexpected is a bug report.
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : static_cast<int>(ExitCode::invalid_input);
    } catch (const std::exception& e) {
        std::cerr << "rmq-upgrade: internal error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::failed);
    }
    return cli::exit_code();
}

}  // namespace rmqup
