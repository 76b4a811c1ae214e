// The host operations an upgrade needs, expressed over a RemoteShell. The engine depends only on
// this interface; tests use a fake.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"

namespace rmqup {

enum class ProcessKind { broker, nameserver };

// What to do when a process does not exit after SIGTERM within the timeout.
enum class KillPolicy {
    term_only,      // report a timeout, leave it running
    kill_after_term // send SIGKILL after the timeout
};

// How to find and run one RocketMQ process on a host.
struct ProcessSpec {
    ProcessKind kind = ProcessKind::broker;
    std::string name;          // brokerName@id or NameServer address, for messages
    std::string host;          // inventory host name, for messages
    std::string match;         // text that appears in exactly this process's command line (e.g. "-c /opt/conf/broker-a.properties")
    std::string config_path;   // broker.properties (empty for a NameServer without one)
    std::string store_path;    // storePathRootDir (abort marker lives here); empty for NameServers
    std::string log_path;      // where start output goes
    std::string start_command; // fully rendered start command (detached by HostOps)
};

struct HostFacts {
    std::optional<std::string> java_version;   // "1.8.0_392", "17.0.15"
    bool target_home_present = false;
    std::optional<long long> store_free_bytes;
    std::vector<int> broker_pids;
};

class HostOps {
public:
    virtual ~HostOps() = default;
    // PIDs of processes whose command line contains spec.match (excluding our own probes).
    virtual Result<std::vector<int>> find_pids(const ProcessSpec& spec) = 0;
    // TERM the one matching process, wait up to timeout for exit; KILL only under kill_after_term.
    // Fails (conflict) if more than one process matches. Succeeds at once if none runs.
    virtual Status stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) = 0;
    // Starts detached with output to spec.log_path; returns the new PID; fails if it exits at once.
    virtual Result<int> start(const ProcessSpec& spec) = 0;
    // True if <store_path>/abort exists.
    virtual Result<bool> abort_marker_present(const ProcessSpec& spec) = 0;
    virtual Result<std::string> read_file(const std::string& path) = 0;
    virtual Status write_file(const std::string& path, const std::string& content, int mode) = 0;
    // Copies path to backup_path unless backup_path exists already (keeps the pristine copy).
    virtual Status backup_once(const std::string& path, const std::string& backup_path) = 0;
    virtual Result<bool> path_exists(const std::string& path) = 0;
    virtual Result<HostFacts> facts(const std::string& java_home, const std::string& target_home,
                                    const std::string& store_path) = 0;
};

}  // namespace rmqup
