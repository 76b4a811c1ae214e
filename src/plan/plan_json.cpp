#include "plan_json.hpp"

namespace rmqup::plan_detail {

using nlohmann::json;

const char* severity_name(Severity s) {
    switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    }
    return "info";
}

const char* failure_policy_name(FailurePolicy p) {
    switch (p) {
    case FailurePolicy::rollback: return "rollback";
    case FailurePolicy::pause: return "pause";
    case FailurePolicy::abort: return "abort";
    }
    return "rollback";
}

const char* kill_policy_name(KillPolicy p) { return p == KillPolicy::kill_after_term ? "kill-after-term" : "term-only"; }

namespace {

json spec_tree(const ProcessSpec& s) {
    return json{{"kind", s.kind == ProcessKind::broker ? "broker" : "nameserver"},
                {"name", s.name},
                {"host", s.host},
                {"match", s.match},
                {"configPath", s.config_path},
                {"storePath", s.store_path},
                {"logPath", s.log_path},
                {"startCommand", s.start_command},
                {"stopCommand", s.stop_command},
                {"address", s.address},
                {"home", s.home},
                {"javaHome", s.java_home}};
}

ProcessSpec spec_from(const json& j) {
    ProcessSpec s;
    s.kind = j.at("kind").get<std::string>() == "broker" ? ProcessKind::broker : ProcessKind::nameserver;
    s.name = j.at("name").get<std::string>();
    s.host = j.at("host").get<std::string>();
    s.match = j.at("match").get<std::string>();
    s.config_path = j.at("configPath").get<std::string>();
    s.store_path = j.at("storePath").get<std::string>();
    s.log_path = j.at("logPath").get<std::string>();
    s.start_command = j.at("startCommand").get<std::string>();
    s.stop_command = j.value("stopCommand", std::string());
    s.address = j.value("address", std::string());
    s.home = j.value("home", std::string());
    s.java_home = j.value("javaHome", std::string());
    return s;
}

std::chrono::milliseconds ms(const json& j, const char* key) { return std::chrono::milliseconds(j.at(key).get<std::int64_t>()); }

json policy_tree(const Policy& p) {
    return json{{"nameServerOrder", p.nameserver_order == NameServerOrder::first ? "first" : "last"},
                {"slavesFirst", p.slaves_first},
                {"batchSize", p.batch_size},
                {"parallel", p.parallel},
                {"maxPerHost", p.max_per_host},
                {"canaryGroup", p.canary_group ? json(*p.canary_group) : json(nullptr)},
                {"pauseAfterCanaryMs", p.pause_after_canary.count()},
                {"approveAfterCanary", p.approve_after_canary},
                {"pauseAfterWaves", p.pause_after_waves},
                {"pauseAfterEveryWave", p.pause_after_every_wave},
                {"healthGate", {{"minPutTpsRatio", p.health_gate.min_put_tps_ratio}}},
                {"drain", {{"minWaitMs", p.drain.min_wait.count()},
                           {"quietPeriodMs", p.drain.quiet_period.count()},
                           {"timeoutMs", p.drain.timeout.count()},
                           {"pollIntervalMs", p.drain.poll_interval.count()},
                           {"tpsThreshold", p.drain.tps_threshold},
                           {"slaveLagBytes", p.drain.slave_lag_bytes}}},
                {"timeouts", {{"stopMs", p.timeouts.stop.count()},
                              {"startMs", p.timeouts.start.count()},
                              {"registrationMs", p.timeouts.registration.count()},
                              {"requestMs", p.timeouts.request.count()},
                              {"verifyMs", p.timeouts.verify.count()}}},
                {"probeTopic", p.probe_topic ? json(*p.probe_topic) : json(nullptr)},
                {"carryAclFile", p.carry_acl_file},
                {"onFailure", failure_policy_name(p.on_failure)},
                {"killPolicy", kill_policy_name(p.kill_policy)}};
}

json host_tree(const HostAccess& h) {
    return json{{"name", h.name},
                {"address", h.address},
                {"transport", h.transport == HostAccess::Transport::local ? "local" : "ssh"},
                {"user", h.user},
                {"port", h.port},
                {"identityFile", h.identity_file},
                {"passphraseRef", h.passphrase_ref},
                {"knownHosts", h.known_hosts},
                {"acceptNewHostKeys", h.accept_new_host_keys},
                {"sudo", h.sudo},
                {"javaHome", h.java_home}};
}

json node_tree(const PlanNode& n) {
    json overrides = json::array();
    for (const auto& [k, v] : n.config_overrides) overrides.push_back(json::array({k, v}));
    return json{{"kind", n.kind == NodeKind::broker ? "broker" : "nameserver"},
                {"id", n.id},
                {"cluster", n.cluster},
                {"brokerName", n.broker_name},
                {"brokerId", n.broker_id},
                {"address", n.address},
                {"host", n.host},
                {"currentVersion", n.current_version},
                {"targetVersion", n.target_version},
                {"currentHome", n.current_home},
                {"targetHome", n.target_home},
                {"current", spec_tree(n.current)},
                {"target", spec_tree(n.target)},
                {"pristineConfigBackup", n.pristine_config_backup},
                {"configOverrides", overrides},
                {"topicsLosingWritable", n.topics_losing_writable},
                {"skip", n.skip},
                {"skipReason", n.skip_reason}};
}

json finding_tree(const CheckFinding& f) {
    return json{{"id", f.id},
                {"severity", severity_name(f.severity)},
                {"subject", f.subject},
                {"message", f.message},
                {"accepted", f.accepted}};
}

}  // namespace

json plan_to_tree(const Plan& plan) {
    json hosts = json::array();
    for (const auto& h : plan.hosts) hosts.push_back(host_tree(h));
    json nodes = json::array();
    for (const auto& n : plan.nodes) nodes.push_back(node_tree(n));
    json findings = json::array();
    for (const auto& f : plan.findings) findings.push_back(finding_tree(f));
    return json{{"formatVersion", plan.format_version},
                {"cluster", plan.cluster},
                {"nameServers", plan.nameservers},
                {"targetVersion", plan.target_version},
                {"policy", policy_tree(plan.policy)},
                {"hosts", hosts},
                {"nodes", nodes},
                {"batches", plan.batches},
                {"batchProofs", plan.batch_proofs},
                {"findings", findings},
                {"aclAccessKeyRef", plan.acl_access_key_ref},
                {"aclSecretKeyRef", plan.acl_secret_key_ref},
                {"createdAt", plan.created_at},
                {"runId", plan.run_id},
                {"inventoryPath", plan.inventory_path}};
}

namespace {

Policy policy_from(const json& p) {
    Policy pol;
    pol.nameserver_order = p.at("nameServerOrder").get<std::string>() == "last" ? NameServerOrder::last : NameServerOrder::first;
    pol.slaves_first = p.at("slavesFirst").get<bool>();
    pol.batch_size = p.at("batchSize").get<int>();
    // Plan files written before waves carry none of the wave keys: one group at a time.
    pol.parallel = p.value("parallel", 1);
    pol.max_per_host = p.value("maxPerHost", 1);
    if (!p.at("canaryGroup").is_null()) pol.canary_group = p.at("canaryGroup").get<std::string>();
    pol.pause_after_canary = ms(p, "pauseAfterCanaryMs");
    pol.approve_after_canary = p.value("approveAfterCanary", false);
    pol.pause_after_waves = p.value("pauseAfterWaves", std::vector<int>{});
    pol.pause_after_every_wave = p.value("pauseAfterEveryWave", false);
    if (p.contains("healthGate")) pol.health_gate.min_put_tps_ratio = p.at("healthGate").at("minPutTpsRatio").get<double>();
    const auto& d = p.at("drain");
    pol.drain.min_wait = ms(d, "minWaitMs");
    pol.drain.quiet_period = ms(d, "quietPeriodMs");
    pol.drain.timeout = ms(d, "timeoutMs");
    pol.drain.poll_interval = ms(d, "pollIntervalMs");
    pol.drain.tps_threshold = d.at("tpsThreshold").get<double>();
    pol.drain.slave_lag_bytes = d.at("slaveLagBytes").get<std::int64_t>();
    const auto& t = p.at("timeouts");
    pol.timeouts.stop = ms(t, "stopMs");
    pol.timeouts.start = ms(t, "startMs");
    pol.timeouts.registration = ms(t, "registrationMs");
    pol.timeouts.request = ms(t, "requestMs");
    pol.timeouts.verify = ms(t, "verifyMs");
    if (!p.at("probeTopic").is_null()) pol.probe_topic = p.at("probeTopic").get<std::string>();
    pol.carry_acl_file = p.value("carryAclFile", true);
    auto fp = p.at("onFailure").get<std::string>();
    pol.on_failure = fp == "pause" ? FailurePolicy::pause : fp == "abort" ? FailurePolicy::abort : FailurePolicy::rollback;
    pol.kill_policy = p.at("killPolicy").get<std::string>() == "kill-after-term" ? KillPolicy::kill_after_term : KillPolicy::term_only;
    return pol;
}

HostAccess host_from(const json& h) {
    HostAccess a;
    a.name = h.at("name").get<std::string>();
    a.address = h.at("address").get<std::string>();
    a.transport = h.at("transport").get<std::string>() == "local" ? HostAccess::Transport::local : HostAccess::Transport::ssh;
    a.user = h.at("user").get<std::string>();
    a.port = h.at("port").get<int>();
    a.identity_file = h.at("identityFile").get<std::string>();
    a.passphrase_ref = h.at("passphraseRef").get<std::string>();
    a.known_hosts = h.at("knownHosts").get<std::string>();
    a.accept_new_host_keys = h.at("acceptNewHostKeys").get<bool>();
    a.sudo = h.at("sudo").get<bool>();
    a.java_home = h.at("javaHome").get<std::string>();
    return a;
}

PlanNode node_from(const json& n) {
    PlanNode node;
    node.kind = n.at("kind").get<std::string>() == "broker" ? NodeKind::broker : NodeKind::nameserver;
    node.id = n.at("id").get<std::string>();
    node.cluster = n.at("cluster").get<std::string>();
    node.broker_name = n.at("brokerName").get<std::string>();
    node.broker_id = n.at("brokerId").get<std::int64_t>();
    node.address = n.at("address").get<std::string>();
    node.host = n.at("host").get<std::string>();
    node.current_version = n.at("currentVersion").get<std::string>();
    node.target_version = n.at("targetVersion").get<std::string>();
    node.current_home = n.at("currentHome").get<std::string>();
    node.target_home = n.at("targetHome").get<std::string>();
    node.current = spec_from(n.at("current"));
    node.target = spec_from(n.at("target"));
    node.pristine_config_backup = n.at("pristineConfigBackup").get<std::string>();
    for (const auto& kv : n.at("configOverrides")) node.config_overrides.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
    node.topics_losing_writable = n.at("topicsLosingWritable").get<std::vector<std::string>>();
    node.skip = n.at("skip").get<bool>();
    node.skip_reason = n.at("skipReason").get<std::string>();
    return node;
}

CheckFinding finding_from(const json& f) {
    CheckFinding c;
    c.id = f.at("id").get<std::string>();
    auto sev = f.at("severity").get<std::string>();
    c.severity = sev == "error" ? Severity::error : sev == "warning" ? Severity::warning : Severity::info;
    c.subject = f.at("subject").get<std::string>();
    c.message = f.at("message").get<std::string>();
    c.accepted = f.at("accepted").get<bool>();
    return c;
}

}  // namespace

Result<Plan> plan_from_tree(const json& j) {
    // nlohmann reports a missing or mistyped field by exception; it stays inside this function.
    try {
        Plan plan;
        plan.format_version = j.at("formatVersion").get<int>();
        if (plan.format_version != 1) {
            return make_error(ErrorKind::invalid_input, "unsupported plan formatVersion " + std::to_string(plan.format_version));
        }
        plan.cluster = j.at("cluster").get<std::string>();
        plan.nameservers = j.at("nameServers").get<std::vector<std::string>>();
        plan.target_version = j.at("targetVersion").get<std::string>();
        plan.policy = policy_from(j.at("policy"));
        for (const auto& h : j.at("hosts")) plan.hosts.push_back(host_from(h));
        for (const auto& n : j.at("nodes")) plan.nodes.push_back(node_from(n));
        plan.batches = j.at("batches").get<std::vector<std::vector<std::string>>>();
        plan.batch_proofs = j.value("batchProofs", std::vector<std::string>{});
        if (!plan.batch_proofs.empty() && plan.batch_proofs.size() != plan.batches.size()) {
            return make_error(ErrorKind::invalid_input, "malformed plan: " + std::to_string(plan.batch_proofs.size()) +
                                                            " batchProofs for " + std::to_string(plan.batches.size()) + " batches");
        }
        for (const auto& f : j.at("findings")) plan.findings.push_back(finding_from(f));
        plan.acl_access_key_ref = j.at("aclAccessKeyRef").get<std::string>();
        plan.acl_secret_key_ref = j.at("aclSecretKeyRef").get<std::string>();
        plan.created_at = j.at("createdAt").get<std::string>();
        plan.run_id = j.value("runId", std::string());
        plan.inventory_path = j.at("inventoryPath").get<std::string>();
        return plan;
    } catch (const json::exception& e) {
        return make_error(ErrorKind::invalid_input, std::string("malformed plan: ") + e.what());
    }
}

}  // namespace rmqup::plan_detail
