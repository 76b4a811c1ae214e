// The phases of one node's rollout. Shared by the planner (which renders them for review) and the
// engine (whose state machine moves through them); every transition goes through one engine function.
#pragma once

namespace rmqup {

enum class Phase {
    pending,             // not started
    skipped,             // already at the target version (or excluded by the operator)
    // --- broker ---
    set_read_only,       // UPDATE_BROKER_CONFIG brokerPermission=4
    confirm_read_only,   // every NameServer's route shows the broker's queues without W
    drain,               // >= route refresh + margin, then TPS under threshold, puts quiet, slave caught up
    stop,                // TERM the exact process (config path match), wait for exit, abort marker gone
    restore_config,      // pristine config + inventory overrides written back (brokers)
    start,               // start the target version detached; fail fast if it exits at once
    await_registration,  // broker: on every NameServer at the target version; NameServer: lists every broker
    set_read_write,      // UPDATE_BROKER_CONFIG brokerPermission=6
    confirm_read_write,  // every NameServer's route shows W again
    verify,              // probe message sent and pulled back (if a probe topic is set); traffic resumes
    done,                // finished at the target version
    // --- failure handling ---
    rolling_back,        // putting the old version back on the same store and config
    rolled_back,         // old version running, read-write, verified
    paused,              // stopped by policy with a precise message; resume continues
    failed,              // could not complete nor roll back: operator action needed (message says what)
};

// Stable lower-case name used in journals, events and reports ("set_read_only").
const char* phase_name(Phase p);

}  // namespace rmqup
