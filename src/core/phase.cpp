#include "rmqup/core/phase.hpp"

namespace rmqup {

const char* phase_name(Phase p) {
    switch (p) {
    case Phase::pending: return "pending";
    case Phase::skipped: return "skipped";
    case Phase::set_read_only: return "set_read_only";
    case Phase::confirm_read_only: return "confirm_read_only";
    case Phase::drain: return "drain";
    case Phase::stop: return "stop";
    case Phase::restore_config: return "restore_config";
    case Phase::start: return "start";
    case Phase::await_registration: return "await_registration";
    case Phase::set_read_write: return "set_read_write";
    case Phase::confirm_read_write: return "confirm_read_write";
    case Phase::verify: return "verify";
    case Phase::done: return "done";
    case Phase::rolling_back: return "rolling_back";
    case Phase::rolled_back: return "rolled_back";
    case Phase::paused: return "paused";
    case Phase::failed: return "failed";
    }
    return "unknown";
}

}  // namespace rmqup
