#include "rmqup/cli/cli.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"

namespace rmqup {

namespace {

// The diagnostic log goes to stderr (spdlog's default is stdout, which carries the command's
// output, e.g. --json). -v (debug) shows every remote request and command with its outcome;
// -vv (trace) adds each frame sent.
void configure_log(const cli::GlobalOptions& g) {
    auto logger = std::make_shared<spdlog::logger>("rmq-upgrade", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern("%^%Y-%m-%d %H:%M:%S.%e %l%$ %v");
    spdlog::set_default_logger(std::move(logger));
    spdlog::set_level(g.quiet ? spdlog::level::err
                      : g.verbosity >= 2 ? spdlog::level::trace
                      : g.verbosity == 1 ? spdlog::level::debug
                                         : spdlog::level::warn);
}

}  // namespace

int run_cli(int argc, char** argv, const std::string& version) {
    // The name is fixed so that --help (and the man page made from it) says "rmq-upgrade", not argv[0].
    CLI::App app{"rmq-upgrade: rolling, zero-downtime upgrades of Apache RocketMQ clusters", "rmq-upgrade"};
    app.require_subcommand(1);
    app.set_version_flag("--version", version, "Print the version and the git revision it was built from");
    cli::GlobalOptions g;
    app.add_flag("-v,--verbose", g.verbosity, "Log every remote request and command on stderr (-vv: also each frame sent)");
    app.add_flag("-q,--quiet", g.quiet, "Only errors on the diagnostic log");
    app.parse_complete_callback([&g] { configure_log(g); });

    cli::add_cluster_commands(app, g);
    cli::add_plan_commands(app, g);
    cli::add_apply_commands(app, g);
    cli::add_rehearse_commands(app, g);
    cli::add_discover_commands(app, g);

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
    return g.exit_code;
}

}  // namespace rmqup
