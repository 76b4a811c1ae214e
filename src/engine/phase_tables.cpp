// The engine's phase tables, written once: the master's flow (every other flow is a part of it),
// and which phases mean the old process may be gone or the target may be serving. Nothing in the
// engine compares phases by their order in the enum (docs/engine.md, "Phase tables").
#include <array>

#include "steps.hpp"

namespace rmqup::engine::detail {

namespace {

// A master's flow, in order. A slave's and a NameServer's flows are this one without the phases
// their kind does not go through (in_flow), so every flow shares this order.
constexpr std::array k_master_flow = {Phase::set_read_only,      Phase::confirm_read_only, Phase::drain,
                                      Phase::stop,               Phase::restore_config,    Phase::start,
                                      Phase::await_registration, Phase::set_read_write,    Phase::confirm_read_write,
                                      Phase::verify};

// Whether node n goes through phase p (every phase listed, no default: a new phase must be placed
// here to compile under -Werror=switch): slaves never change brokerPermission nor drain (they take no
// writes); a NameServer has no permission, no drain and no probe, and rewrites its config only when
// the plan keeps a pristine copy of it.
bool in_flow(const PlanNode& n, Phase p) {
    if (is_master(n))
        return true;
    switch (p) {
    case Phase::set_read_only:
    case Phase::confirm_read_only:
    case Phase::drain:
    case Phase::set_read_write:
    case Phase::confirm_read_write: return false;
    case Phase::restore_config:
        return n.kind == NodeKind::broker || (!n.target.config_path.empty() && !n.pristine_config_backup.empty());
    case Phase::verify: return n.kind == NodeKind::broker;
    case Phase::stop:
    case Phase::start:
    case Phase::await_registration: return true;
    // Never part of a flow (k_master_flow does not hold them).
    case Phase::pending:
    case Phase::skipped:
    case Phase::done:
    case Phase::rolling_back:
    case Phase::rolled_back:
    case Phase::paused:
    case Phase::failed: return false;
    }
    return false;
}

}  // namespace

std::vector<Phase> flow_for(const PlanNode& n) {
    std::vector<Phase> flow;
    for (Phase p : k_master_flow)
        if (in_flow(n, p))
            flow.push_back(p);
    return flow;
}

int flow_rank(Phase p) {
    for (std::size_t i = 0; i < k_master_flow.size(); ++i)
        if (k_master_flow[i] == p)
            return static_cast<int>(i);
    return -1;
}

Phase first_in_flow_from(const PlanNode& n, Phase entry) {
    for (Phase p : flow_for(n))
        if (flow_rank(p) >= flow_rank(entry))
            return p;
    return Phase::done;
}

bool old_process_may_be_stopped(Phase p) {
    switch (p) {
    case Phase::pending:
    case Phase::skipped:
    case Phase::set_read_only:
    case Phase::confirm_read_only:
    case Phase::drain: return false;
    case Phase::stop:
    case Phase::restore_config:
    case Phase::start:
    case Phase::await_registration:
    case Phase::set_read_write:
    case Phase::confirm_read_write:
    case Phase::verify:
    case Phase::done:
    case Phase::rolling_back:
    case Phase::rolled_back:
    case Phase::paused:
    case Phase::failed: return true;
    }
    return true;
}

bool target_may_be_serving(Phase p) {
    switch (p) {
    case Phase::set_read_write:
    case Phase::confirm_read_write:
    case Phase::verify:
    case Phase::done: return true;
    case Phase::pending:
    case Phase::skipped:
    case Phase::set_read_only:
    case Phase::confirm_read_only:
    case Phase::drain:
    case Phase::stop:
    case Phase::restore_config:
    case Phase::start:
    case Phase::await_registration:
    case Phase::rolling_back:
    case Phase::rolled_back:
    case Phase::paused:
    case Phase::failed: return false;
    }
    return false;
}

}  // namespace rmqup::engine::detail
