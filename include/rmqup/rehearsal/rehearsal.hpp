// `rmq-upgrade rehearse`: a local simulated cluster at the old version (rmq-sim daemons started
// from release-shaped homes, one private sshd per host), traffic throughout, the full rolling
// upgrade run in-process by the real planner and engine, and a verdict. The library's public API:
// options in, the process exit code out, the report (text or one JSON object) on a stream.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/rehearsal/inventory.hpp"
#include "rmqup/rehearsal/topology.hpp"

namespace rmqup::rehearsal {

// How the orchestrator reaches the rehearsal's hosts.
enum class TransportChoice {
    automatic,  // ssh when OpenSSH's sshd and ssh-keygen are installed, else local
    ssh,        // one private sshd per host address; an error when sshd is missing
    local,      // commands run as local processes
};

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

enum class TargetStart {
    normal,  // the target version starts as usual
    fails,   // the target version's start script passes rmq-sim --fail-start (rollback rehearsal)
};

struct RehearseOptions {
    std::string workdir;  // "" = a fresh temporary directory (removed afterwards unless kept)
    OutputFormat format = OutputFormat::text;
    bool keep = false;    // leave the work directory (it is always kept after a failure)
    std::string from_version = "4.8.0";
    std::string to_version = "4.9.7";
    int rate = 100;       // messages per second sent throughout
    TransportChoice transport = TransportChoice::automatic;
    RunScope scope = RunScope::full;
    TargetStart target_start = TargetStart::normal;
    std::string sim_bin;  // "" = $RMQ_SIM, else found next to this executable or in ../sim
    std::string first_address = "127.0.0.2";  // six consecutive loopback addresses from here
    int load_seconds = 0; // send phase of the traffic in seconds; 0 = the plan's expected duration + margin
    // production: clients refresh routes every 30 s, brokers register every 30 s, the drain waits
    // >= 45 s (what a real roll needs); rehearsal (--fast): a few seconds each (tests only, said in the output).
    InventoryOptions::Timing timing = InventoryOptions::Timing::production;
    GroupShape shape = GroupShape::master_and_slave;  // master_only: --masters-only (4 nodes)
    AclChange acl = AclChange::none;
};

// What one node looks like at the end of a rehearsal.
struct NodeState {
    std::string kind;         // "nameserver" / "broker"
    std::string name;         // "ns1" / "broker-a@0"
    std::string host;
    std::string address;      // ip:port
    std::string version;      // observed; "" when not running
    int processes = 0;        // processes matching the node's config (must be 1)
    std::optional<int> perm;  // brokers: brokerPermission reported by the broker
    bool registered_everywhere = false;  // brokers: on every NameServer's cluster info
    bool routes_writable = false;        // brokers: every NameServer's route for the topic has W
    std::string problem;      // why this node is not as expected ("" when fine)
};

// The traffic's final counts, as `rmq-sim load --json` reports them.
struct LoadCounts {
    std::int64_t sent = 0;        // send attempts
    std::int64_t acked = 0;       // SEND_OK from a broker
    std::int64_t failed = 0;      // sends that failed after the client's retries
    std::int64_t received = 0;    // distinct messages consumed
    std::int64_t duplicates = 0;  // redeliveries of a message already consumed
    std::int64_t lost = 0;        // acked but never consumed
    std::map<std::string, std::int64_t> failed_by_broker;  // brokerName -> sends that failed there
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
    std::int64_t total_ms = 0;    // milliseconds from the start to the verdict
    std::int64_t roll_ms = 0;     // milliseconds of the roll (setup-only: until the signal)
    std::string report_markdown;  // paths of the written reports ("" when not written)
    std::string report_html;
    bool passed = false;          // 0 lost, every node at the target, every broker perm 6
};

// Runs a rehearsal; progress goes to err, the report (text or one JSON object) to out and to
// <workdir>/rehearsal.json. Returns the process exit code (rmqup/core/exit_code.hpp): ok passed,
// failed (or could not set up: the error on err, the work directory kept), invalid_input rmq-sim
// not found (nothing started), interrupted (full scope).
int run_rehearsal(const RehearseOptions& opts, std::ostream& out, std::ostream& err);

// The report as operator text and as one JSON object (what run_rehearsal prints).
std::string render_result_text(const RehearsalResult& r);
std::string render_result_json(const RehearsalResult& r);

}  // namespace rmqup::rehearsal
