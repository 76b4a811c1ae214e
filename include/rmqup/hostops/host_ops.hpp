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
    std::string log_path;      // where start output goes (its folder is created by the start)
    std::string start_command; // fully rendered start command (detached by HostOps)
    // Process identity (rocketmq-operations.md fact 32): the node's process is the one listening
    // on this address's port (on the IP itself or on a wildcard address), never a command-line grep.
    std::string address;       // "ip:port" the process listens on (broker listenPort, NameServer 9876)
    std::string home;          // RocketMQ home it must run from; starts set ROCKETMQ_HOME to it (fact 29)
    std::string java_home;     // JAVA_HOME every start passes ("" = none known; plan checks it, fact 30)
    std::string stop_command;  // rendered commands.brokerStop / nameServerStop (systemd etc.);
                               // "" = SIGTERM the identified PID
};

// The process listening on a node's address, as the host's kernel and /proc tell it.
struct ProcessIdentity {
    int pid = 0;
    std::string args;            // /proc/<pid>/cmdline with NULs as spaces
    std::string cwd;             // /proc/<pid>/cwd, resolved
    std::string home;            // the RocketMQ home it runs from, resolved: "<home>/lib/*" on the
                                 // classpath (runbroker.sh/runserver.sh), else -Drocketmq.home.dir,
                                 // else ROCKETMQ_HOME from /proc/<pid>/environ; "" when unknown
    std::string home_env;        // ROCKETMQ_HOME in /proc/<pid>/environ ("" unset or unreadable)
    std::string config_path;     // the -c argument resolved against cwd and symlinks ("" none)
    bool config_matches = false; // config_path equals spec.config_path resolved on the host
                                 // (true when the spec names no config)
    bool home_matches = false;   // home equals spec.home resolved on the host
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
    // The process listening on spec.address's port: nullopt when nothing listens there; an error
    // of kind conflict when two processes listen or the listener's process cannot be read
    // (e.g. another user's process without sudo) - never a guess.
    virtual Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) = 0;
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
