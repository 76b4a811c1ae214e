// Registers `rmq-upgrade rehearse`: the rolling upgrade rehearsed on a local simulated cluster.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "rmqup/rehearsal/rehearsal.hpp"

namespace rmqup::cli {

namespace {

struct RehearseFlags {
    rehearsal::RehearseOptions opts;
    bool json = false;
    bool setup_only = false;
    bool target_fails = false;
    bool fast = false;
    bool masters_only = false;
    bool enable_acl = false;
    std::string transport = "auto";
};

}  // namespace

void add_rehearse_commands(CLI::App& app, GlobalOptions& g) {
    auto flags = std::make_shared<RehearseFlags>();
    auto* cmd = app.add_subcommand(
        "rehearse",
        "Rehearse the rolling upgrade on a local simulated cluster (rmq-sim: 2 NameServers, 2 broker groups of "
        "master + slave) under live traffic, and report lost messages, send failures, duplicates and versions");
    cmd->add_option("--workdir", flags->opts.workdir, "Work directory (default: a fresh temporary directory)");
    cmd->add_flag("--json", flags->json, "Print the report as one JSON object (with a 'lost' count)");
    cmd->add_flag("--keep", flags->opts.keep, "Keep the whole work directory (configs, stores, logs, journal); by default only the reports stay after a success");
    cmd->add_option("--from", flags->opts.from_version, "Version the cluster starts at")->capture_default_str();
    cmd->add_option("--to", flags->opts.to_version, "Version to upgrade to")->capture_default_str();
    cmd->add_option("--rate", flags->opts.rate, "Messages per second sent throughout")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--transport", flags->transport, "How the orchestrator reaches the hosts")
        ->check(CLI::IsMember({"auto", "ssh", "local"}))
        ->capture_default_str();
    cmd->add_option("--load-seconds", flags->opts.load_seconds,
                    "How long the traffic sends (default: the plan's expected duration plus a margin)")
        ->check(CLI::Range(5, 3600));
    cmd->add_option("--first-address", flags->opts.first_address,
                    "First of the six loopback addresses the nodes use (another cluster may use the defaults)")
        ->capture_default_str()
        ->check(CLI::ValidIPV4);
    cmd->add_option("--sim", flags->opts.sim_bin, "Path of rmq-sim (default: next to rmq-upgrade)");
    cmd->add_flag("--setup-only", flags->setup_only,
                  "Start the cluster and the traffic, write the inventory (path in <workdir>/ready), and wait "
                  "for SIGINT/SIGTERM while you run `rmq-upgrade apply` yourself; then verify and report");
    cmd->add_flag("--fast", flags->fast,
                  "Shortened timings for tests (routes refreshed every 1 s, registration every 2 s, 3 s drain); "
                  "the default is production timings (30 s route refresh, >= 45 s drain)");
    cmd->add_flag("--masters-only", flags->masters_only,
                  "Broker groups without slaves: 2 NameServers and 2 masters, the smallest cluster that keeps a "
                  "writable group while one master drains (version-path tests)");
    cmd->add_flag("--enable-acl", flags->enable_acl,
                  "Switch ACL on at the restart (aclEnable=true, a prepared plain_acl.yml in the target home): the "
                  "traffic and rmq-upgrade sign, and one client of --from without credentials must be reported by "
                  "the plan (then it is stopped and the cluster planned again)");
    cmd->add_flag("--target-fails-to-start", flags->target_fails,
                  "Make the new version's brokers fail at start (rehearses the automatic rollback)");
    cmd->callback([flags, &g] {
        auto o = flags->opts;
        o.format = flags->json ? rehearsal::OutputFormat::json : rehearsal::OutputFormat::text;
        o.scope = flags->setup_only ? rehearsal::RunScope::setup_only : rehearsal::RunScope::full;
        o.timing = flags->fast ? rehearsal::InventoryOptions::Timing::rehearsal
                               : rehearsal::InventoryOptions::Timing::production;
        o.target_start = flags->target_fails ? rehearsal::TargetStart::fails : rehearsal::TargetStart::normal;
        o.shape = flags->masters_only ? rehearsal::GroupShape::master_only : rehearsal::GroupShape::master_and_slave;
        o.acl = flags->enable_acl ? rehearsal::AclChange::switch_on : rehearsal::AclChange::none;
        o.transport = flags->transport == "ssh"     ? rehearsal::TransportChoice::ssh
                      : flags->transport == "local" ? rehearsal::TransportChoice::local
                                                    : rehearsal::TransportChoice::automatic;
        g.exit_code = rehearsal::run_rehearsal(o, std::cout, std::cerr);
    });
}

}  // namespace rmqup::cli
