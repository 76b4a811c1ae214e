// Dry-run HostOps: records each call; processes "stop" and "start" only in this object's memory.
#include <cstdio>

#include "rmqup/engine/recording.hpp"

namespace rmqup::engine {

namespace {
constexpr int k_fake_pid = 4242;
}

RecordingHostOps::RecordingHostOps(std::string host, const Plan& plan, CallLog& log, RecordingAdmin* admin)
    : m_host(std::move(host)), m_plan(plan), m_log(log), m_admin(admin) {}

Result<std::optional<ProcessIdentity>> RecordingHostOps::identify(const ProcessSpec& spec) {
    m_log.calls.push_back("[" + m_host + "] identify " + spec.address);
    // A dry run assumes the inventory is right: the node's process is there until stopped.
    if (m_stopped[spec.match])
        return std::optional<ProcessIdentity>{};
    ProcessIdentity id;
    id.pid = k_fake_pid;
    id.home = spec.home;
    id.config_path = spec.config_path;
    id.config_matches = true;
    id.home_matches = true;
    return std::optional<ProcessIdentity>{id};
}

Status RecordingHostOps::stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) {
    m_log.calls.push_back("[" + m_host + "] stop '" + spec.match + "' timeout " + std::to_string(timeout.count()) +
                          " ms" + (policy == KillPolicy::kill_after_term ? " then KILL" : ""));
    m_stopped[spec.match] = true;
    return ok_status();
}

Result<int> RecordingHostOps::start(const ProcessSpec& spec) {
    m_log.calls.push_back("[" + m_host + "] start " + spec.start_command);
    m_stopped[spec.match] = false;
    if (m_admin != nullptr) {
        for (const auto& n : m_plan.nodes) {
            if (n.host != m_host || n.kind != NodeKind::broker)
                continue;
            if (&spec == &n.target || (spec.match == n.target.match && spec.start_command == n.target.start_command))
                m_admin->set_version(n.address, n.target_version);
            else if (spec.match == n.current.match && spec.start_command == n.current.start_command)
                m_admin->set_version(n.address, n.current_version);
        }
    }
    return k_fake_pid;
}

Result<bool> RecordingHostOps::abort_marker_present(const ProcessSpec& spec) {
    m_log.calls.push_back("[" + m_host + "] abort_marker_present " + spec.store_path);
    return false;
}

Result<std::string> RecordingHostOps::read_file(const std::string& path) {
    m_log.calls.push_back("[" + m_host + "] read_file " + path);
    return std::string("brokerPermission=6\n");
}

Status RecordingHostOps::write_file(const std::string& path, const std::string& content, int mode) {
    char m[8];
    std::snprintf(m, sizeof m, "%04o", static_cast<unsigned>(mode));
    m_log.calls.push_back("[" + m_host + "] write_file " + path + " (" + std::to_string(content.size()) +
                          " bytes, mode " + m + ")");
    return ok_status();
}

Status RecordingHostOps::backup_once(const std::string& path, const std::string& backup_path) {
    m_log.calls.push_back("[" + m_host + "] backup_once " + path + " -> " + backup_path);
    return ok_status();
}

Result<bool> RecordingHostOps::path_exists(const std::string& path) {
    m_log.calls.push_back("[" + m_host + "] path_exists " + path);
    return true;
}

Result<HostFacts> RecordingHostOps::facts(const FactsRequest& request) {
    std::string homes;
    for (const auto& h : request.homes) homes += " " + h;
    m_log.calls.push_back("[" + m_host + "] facts " + request.java_home + homes);
    HostFacts f;
    for (const auto& h : request.homes) {
        HomeFacts home;
        home.home = h;
        home.present = true;
        f.homes.push_back(home);
    }
    f.store_free_bytes.resize(request.store_paths.size());
    return f;
}

}  // namespace rmqup::engine
