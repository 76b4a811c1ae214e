// `rmq-upgrade rehearse`: a local simulated cluster at the old version, traffic throughout, the
// full rolling upgrade run in-process by the real planner and engine, and a verdict.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/rehearse_cluster.hpp"
#include "cli/rehearse_layout.hpp"
#include "cli/rehearse_inventory.hpp"
#include "cli/rehearse_load.hpp"

namespace rmqup::cli::rehearse {

enum class TransportChoice { automatic, ssh, local };

enum class RunScope {
    full,        // start, roll, verify, report, clean up
    setup_only,  // start the cluster and the traffic, write the inventory and <workdir>/ready, then
                 // wait for SIGINT/SIGTERM while a separate `rmq-upgrade apply` rolls; then verify and report
};

enum class OutputFormat { text, json };

enum class AclChange {
    none,       // ACL as the cluster has it (off)
    switch_on,  // the roll sets aclEnable=true (--enable-acl): clients given credentials, one old client without
};

struct RehearseOptions {
    std::string workdir;  // "" = a fresh temporary directory (removed afterwards unless kept)
    OutputFormat format = OutputFormat::text;
    bool keep = false;    // leave the work directory (it is always kept after a failure)
    std::string from_version = "4.8.0";
    std::string to_version = "4.9.7";
    int rate = 100;
    TransportChoice transport = TransportChoice::automatic;
    RunScope scope = RunScope::full;
    TargetStart target_start = TargetStart::normal;
    std::string sim_bin;  // "" = found next to this executable
    std::string first_address = "127.0.0.2";  // six consecutive loopback addresses from here
    int load_seconds = 0; // send phase of the traffic; 0 = the plan's expected duration + margin
    // production: clients refresh routes every 30 s, brokers register every 30 s, the drain waits
    // >= 35 s (what a real roll needs); fast: a few seconds each (tests only, said in the output).
    InventoryOptions::Timing timing = InventoryOptions::Timing::production;
    GroupShape shape = GroupShape::master_and_slave;  // master_only: --masters-only (4 nodes)
    AclChange acl = AclChange::none;
};

struct RehearsalResult {
    std::string workdir;
    std::string transport;        // "ssh" / "local"
    std::string engine_status;    // engine RunStatus name ("completed", "rolled_back", ...); "external" in setup-only
    std::string engine_message;
    std::vector<std::string> read_only_left;
    std::vector<std::string> failures;  // one line each: engine, load generator, verification
    std::vector<std::string> plan_notes;  // what the plan reported before the roll (accepted risks, acl-clients)
    std::vector<NodeState> nodes;
    LoadCounts load;
    bool load_ok = false;         // the generator ran and reported
    std::int64_t total_ms = 0;
    std::int64_t roll_ms = 0;
    std::string report_markdown;  // paths of the written reports
    std::string report_html;
    bool passed = false;          // 0 lost, every node at the target, every broker perm 6
};

// Runs a rehearsal; progress goes to err, the report (text or one JSON object) to out.
// Returns the process exit code (0 only when passed).
int run_rehearsal(const RehearseOptions& opts, std::ostream& out, std::ostream& err);

// The report as text and as one JSON object (exposed for tests).
std::string render_result_text(const RehearsalResult& r);
std::string render_result_json(const RehearsalResult& r);

}  // namespace rmqup::cli::rehearse
