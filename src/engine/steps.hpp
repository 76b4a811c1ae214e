// Internal: the action of each phase (no transitions here: node_flow.cpp drives them), the
// safety net that never leaves a running broker read-only, rollback and resume entry points.
#pragma once

#include <string>
#include <vector>

#include "run_context.hpp"

namespace rmqup::engine::detail {

inline constexpr int k_perm_read_only = 4;
inline constexpr int k_perm_read_write = 6;

// The phases a node goes through, in order, ending before `done`.
//   master: set_read_only .. verify;  slave: stop .. await_registration, verify (no perm changes);
//   NameServer: stop, [restore_config], start, await_registration.
std::vector<Phase> flow_for(const PlanNode& n);

// Where a phase stands in the full (master) flow, for mapping a journaled phase onto a shorter
// flow (slave, NameServer); -1 for phases outside the flow (pending, done, failure phases).
int flow_rank(Phase p);
// The first phase of n's flow at or after entry in the master flow (done when none is).
Phase first_in_flow_from(const PlanNode& n, Phase entry);

// Performs the work of phase p for n.
Status run_step(Context& ctx, NodeRun& n, Phase p);

// UPDATE_BROKER_CONFIG brokerPermission=perm, then waits until every NameServer's route shows
// the broker's queues with (perm 6) or without (perm 4) the write bit.
// The upgrade flow requires every NameServer (fail); safety actions (rollback, restoring perm 6)
// skip NameServers that are unreachable, with a warning naming them.
enum class DownNameServers { fail, skip };
// Makes the broker at n, running release `version`, read-only (perm 4) or read-write (6) the way
// that release honours in the routes (version matrix, docs/versions.md): brokerPermission through
// UPDATE_BROKER_CONFIG from 4.0 on; WIPE_WRITE_PERM_OF_BROKER on every NameServer for 3.x, whose
// routes never see brokerPermission (fixtures/rocketmq-3.2.6/FINDINGS.md).
Status set_perm(Context& ctx, NodeRun& n, int perm, const std::string& version);
Status confirm_perm(Context& ctx, NodeRun& n, int perm, DownNameServers down = DownNameServers::fail);

// After a failure or interrupt: if n is a running master that is not read-write (read from the
// broker itself), restore perm 6 (unless it is mid-stop); if that is impossible, say loudly which
// broker is read-only and why (ctx.read_only_left) and return false. True: nothing is left read-only.
bool ensure_not_left_read_only(Context& ctx, NodeRun& n);

// Puts n back on node.current (same store, pristine config), perm 6, verified. Transitions
// rolling_back -> rolled_back, or failed with a message saying what the operator must do.
Status rollback_node(Context& ctx, NodeRun& n, const std::string& reason);

// Where a node caught mid-flow (journal state st) continues, after checking the live state.
Result<Phase> resume_entry(Context& ctx, NodeRun& n, Phase journaled);

// Phase tables (phase_tables.cpp; explicit, so that inserting a phase cannot silently change
// rollback or safety):
// whether the old process may already have been stopped when a node is in phase p ...
bool old_process_may_be_stopped(Phase p);
// ... and whether the node may be serving writes on the target version (a rollback drains it).
bool target_may_be_serving(Phase p);

// The process of spec on node's host (identified by its listening socket, fact 32), or nullopt
// when nothing listens on its address.
Result<std::optional<ProcessIdentity>> identify(Context& ctx, const PlanNode& node, const ProcessSpec& spec);
// Before the first change to n: the process listening on its address must be the inventory's
// (config and home); a node that answers without an identifiable process is a conflict; a master
// that is not running is an error; a stopped slave or NameServer is simply started later.
Status identify_step(Context& ctx, NodeRun& n);
// The error for a process that came up from another home than spec.home, naming the likely cause
// (an inherited ROCKETMQ_HOME, a start command or service unit pointing at the old home).
Error wrong_home_error(const PlanNode& node, const ProcessSpec& spec, const ProcessIdentity& found);

// True when GET_BROKER_CLUSTER_INFO of NameServer ns lists b's brokerName/brokerId at b's address.
Result<bool> lists_broker(Context& ctx, const std::string& ns, const PlanNode& b);

// The individual step actions (process_steps.cpp, drain.cpp, registration.cpp, verify.cpp).
Status backup_step(Context& ctx, NodeRun& n);
// When the broker runs with ACL 1.0 (aclEnable=true in its pristine config) and the homes differ,
// the live conf/plain_acl.yml is carried into the target home (the shipped sample backed up
// first): the new home must not come up with the release's sample accounts (fact 31).
Status carry_acl_file_step(Context& ctx, NodeRun& n);
// After the final perm-6 call the broker has dumped every key into its -c file (fact 11): write
// the pristine config + overrides back so the next restart does not pin this version's defaults.
Status rewrite_config_step(Context& ctx, NodeRun& n, rmq::Properties overrides);
Status drain_step(Context& ctx, NodeRun& n);
Status stop_step(Context& ctx, NodeRun& n);
Status restore_config_step(Context& ctx, NodeRun& n, rmq::Properties overrides);
Status start_step(Context& ctx, NodeRun& n, const ProcessSpec& spec);
// Waits until n runs `version` and is registered (broker) or lists every broker (NameServer).
Status await_registration_step(Context& ctx, NodeRun& n, const std::string& version);
Status verify_step(Context& ctx, NodeRun& n);
// The start timeout for n (longer after an unclean stop).
Millis start_timeout(const Context& ctx, const NodeRun& n);

// The value of key in a broker's GET_BROKER_CONFIG answer (nullopt when absent).
std::optional<std::string> config_value(const rmq::Properties& config, const std::string& key);
// The broker's own brokerPermission (GET_BROKER_CONFIG), or nullopt when it cannot be read.
std::optional<int> live_perm(Context& ctx, const PlanNode& node);

// Runtime version of the broker at n (retrying not-ready answers up to timeout); empty if it does
// not answer.
std::string probe_version(Context& ctx, NodeRun& n, Millis timeout);

}  // namespace rmqup::engine::detail
