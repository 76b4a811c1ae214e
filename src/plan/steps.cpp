// The engine's steps for one node, rendered for review. The sequence mirrors the engine's flow:
// master set_read_only .. verify; slave stop .. await_registration, verify (no permission changes);
// NameServer stop, start, await_registration.
#include <algorithm>

#include "duration_text.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"
#include "rmqup/plan/render.hpp"

namespace rmqup {

namespace {

using std::chrono::milliseconds;
using plan_detail::duration_text;

std::string version_desc(const std::string& version) {
    auto v = RmqVersion::parse(version);
    return v ? v->desc() : version;
}

bool has_slaves(const PlanNode& master, const Plan& plan) {
    return std::any_of(plan.nodes.begin(), plan.nodes.end(), [&](const PlanNode& n) {
        return n.kind == NodeKind::broker && n.broker_name == master.broker_name && n.broker_id != 0;
    });
}

std::string on_every_ns(const Plan& plan) {
    std::string out;
    for (const auto& ns : plan.nameservers) out += (out.empty() ? "" : ", ") + ns;
    return out;
}

// The process is the one listening on the node's address (operations fact 32), checked against the
// inventory's config and home before anything changes; a stop template (service unit) replaces the kill.
std::string stop_command(const ProcessSpec& spec) {
    if (!spec.stop_command.empty()) return spec.stop_command;
    return "kill -TERM <pid of the process listening on " + spec.address + ", identified by its socket>";
}

std::vector<StepView> nameserver_steps(const PlanNode& n, const Plan& plan) {
    const auto& p = plan.policy;
    std::vector<StepView> steps;
    StepView stop{Phase::stop, "stop the old NameServer", {}, {stop_command(n.current)},
                  "the process has exited", p.timeouts.stop, milliseconds(5000), {}};
    if (p.kill_policy == KillPolicy::kill_after_term) stop.commands.push_back("kill -KILL <pid> if still alive after " + duration_text(p.timeouts.stop));
    steps.push_back(stop);
    steps.push_back(StepView{Phase::start, "start " + n.target_version, {},
                             {render_detached_start(n.target.start_command, n.target.log_path)},
                             "the process is still running shortly after start", milliseconds(0), milliseconds(5000), {}});
    steps.push_back(StepView{Phase::await_registration, "wait until it lists every broker",
                             {"GET_BROKER_CLUSTER_INFO -> " + n.address + " every " + duration_text(p.drain.poll_interval)}, {},
                             "NameServer " + n.address + " lists every broker of the plan at its address (brokers register every 30 s)",
                             p.timeouts.registration, milliseconds(30000), {}});
    return steps;
}

std::vector<StepView> broker_steps(const PlanNode& n, const Plan& plan) {
    const auto& p = plan.policy;
    const bool master = n.broker_id == 0;
    const std::vector<std::string>& lost = n.topics_losing_writable;
    std::vector<StepView> steps;
    if (master) {
        steps.push_back(StepView{Phase::set_read_only, "set read-only",
                                 {"UPDATE_BROKER_CONFIG brokerPermission=4 -> " + n.address},
                                 {"cp " + n.current.config_path + " " + n.pristine_config_backup + "  (once: keeps the pristine config)"},
                                 "", milliseconds(0), milliseconds(1000), lost});
        steps.push_back(StepView{Phase::confirm_read_only, "confirm read-only on every NameServer",
                                 {"GET_ROUTEINFO_BY_TOPIC " + n.broker_name + " -> " + on_every_ns(plan)}, {},
                                 "every NameServer's route shows " + n.broker_name + " without the write bit",
                                 p.timeouts.registration, milliseconds(2000), lost});
        std::string drain = "at least " + duration_text(p.drain.min_wait) +
                            " (clients refresh routes every 30 s), then put and consume TPS (10 s) below " +
                            plan_detail::number_text(p.drain.tps_threshold) + " and msgPutTotalTodayNow unchanged for " +
                            duration_text(p.drain.quiet_period);
        if (has_slaves(n, plan)) {
            drain += ", and every slave within " + std::to_string(p.drain.slave_lag_bytes) + " bytes of commitLogMaxOffset";
        }
        steps.push_back(StepView{Phase::drain, "drain",
                                 {"GET_BROKER_RUNTIME_INFO -> " + n.address + (has_slaves(n, plan) ? " (and its slaves)" : "") + " every " +
                                  duration_text(p.drain.poll_interval)},
                                 {}, drain, p.drain.timeout, p.drain.min_wait + p.drain.poll_interval, lost});
    }
    StepView stop{Phase::stop, "stop the old broker", {}, {}, "", p.timeouts.stop, milliseconds(10000), master ? lost : std::vector<std::string>{}};
    if (!master) stop.commands.push_back("cp " + n.current.config_path + " " + n.pristine_config_backup + "  (once: keeps the pristine config)");
    stop.commands.push_back(stop_command(n.current));
    if (p.kill_policy == KillPolicy::kill_after_term) stop.commands.push_back("kill -KILL <pid> if still alive after " + duration_text(p.timeouts.stop));
    stop.wait = "the process has exited and " + n.current.store_path + "/abort is gone (clean shutdown)";
    steps.push_back(stop);

    std::string overrides;
    for (const auto& [k, v] : n.config_overrides) overrides += (overrides.empty() ? "" : ", ") + k + "=" + v;
    steps.push_back(StepView{Phase::restore_config, "restore the pristine config",
                             {},
                             {"write " + n.target.config_path + " = " + n.pristine_config_backup +
                              (overrides.empty() ? std::string() : " + overrides " + overrides)},
                             "", milliseconds(0), milliseconds(1000), master ? lost : std::vector<std::string>{}});
    steps.push_back(StepView{Phase::start, "start " + n.target_version, {},
                             {render_detached_start(n.target.start_command, n.target.log_path)},
                             "the process is still running shortly after start", milliseconds(0), milliseconds(5000),
                             master ? lost : std::vector<std::string>{}});
    steps.push_back(StepView{Phase::await_registration, "wait for registration at " + n.target_version,
                             {"GET_BROKER_CLUSTER_INFO -> " + on_every_ns(plan), "GET_BROKER_RUNTIME_INFO -> " + n.address},
                             {},
                             n.broker_name + "@" + std::to_string(n.broker_id) + " registered at " + n.address +
                                 " on every NameServer and brokerVersionDesc is " + version_desc(n.target_version),
                             p.timeouts.start, milliseconds(30000), master ? lost : std::vector<std::string>{}});
    if (master) {
        steps.push_back(StepView{Phase::set_read_write, "set read-write",
                                 {"UPDATE_BROKER_CONFIG brokerPermission=6 -> " + n.address}, {}, "",
                                 milliseconds(0), milliseconds(1000), lost});
        steps.push_back(StepView{Phase::confirm_read_write, "confirm read-write on every NameServer",
                                 {"GET_ROUTEINFO_BY_TOPIC " + n.broker_name + " -> " + on_every_ns(plan)}, {},
                                 "every NameServer's route shows " + n.broker_name + " with the write bit",
                                 p.timeouts.registration, milliseconds(2000), lost});
        if (p.probe_topic) {
            steps.push_back(StepView{Phase::verify, "verify with a probe message",
                                     {"SEND_MESSAGE_V2 " + *p.probe_topic + " -> " + n.address,
                                      "PULL_MESSAGE " + *p.probe_topic + " <- " + n.address},
                                     {}, "the probe message is read back; traffic resumes", p.timeouts.verify,
                                     milliseconds(5000), {}});
        } else {
            steps.push_back(StepView{Phase::verify, "verify traffic resumes",
                                     {"GET_BROKER_RUNTIME_INFO -> " + n.address}, {},
                                     "put or get TPS above zero again (a warning only if traffic stays away)",
                                     p.timeouts.verify, milliseconds(5000), {}});
        }
    } else {
        steps.push_back(StepView{Phase::verify, "verify replication",
                                 {"GET_BROKER_RUNTIME_INFO -> master and " + n.address}, {},
                                 "commitLogMaxOffset within " + std::to_string(p.drain.slave_lag_bytes) +
                                     " bytes of the master's (a warning only if it lags)",
                                 p.timeouts.verify, milliseconds(5000), {}});
    }
    return steps;
}

}  // namespace

std::vector<StepView> steps_for(const PlanNode& node, const Plan& plan) {
    if (node.skip) return {};
    return node.kind == NodeKind::nameserver ? nameserver_steps(node, plan) : broker_steps(node, plan);
}

std::chrono::milliseconds expected_duration(const PlanNode& node, const Plan& plan) {
    milliseconds total{0};
    for (const auto& s : steps_for(node, plan)) total += s.expected;
    return total;
}

}  // namespace rmqup
