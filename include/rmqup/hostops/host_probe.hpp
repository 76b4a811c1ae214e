// What the planner and discover read from a host, without changing it: the process listening on a
// node's address, a file, and the facts the start scripts depend on. HostOps (the engine's) extends
// it; ShellHostOps implements both over a RemoteShell. Errors: unreachable (the host or its shell),
// timeout, rejected (a command failed; its stderr in the message), conflict (see identify).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"

namespace rmqup {

enum class ProcessKind { broker, nameserver };

// How to find and run one RocketMQ process on a host.
struct ProcessSpec {
    ProcessKind kind = ProcessKind::broker;
    std::string name;          // brokerName@id or NameServer address, for messages
    std::string host;          // inventory host name, for messages
    std::string match;         // text that appears in exactly this process's command line (e.g. "-c /opt/conf/broker-a.properties")
    std::string config_path;   // broker.properties (empty for a NameServer without one)
    std::string store_path;    // storePathRootDir (abort marker lives here); empty for NameServers
    std::string log_path;      // where start output goes (its folder is created by the start)
    std::string start_command; // fully rendered start command (detached by HostOps::start)
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
                                 // (true when the spec names no home)
    std::string home_source;     // where home was read: "classpath", "java.ext.dirs",
                                 // "-Drocketmq.home.dir", "ROCKETMQ_HOME" ("" unknown)
    std::string expected_config; // spec.config_path resolved on the host (for messages)
    std::string expected_home;   // spec.home resolved on the host (for messages)
};

// What the planner asks a host about, in one facts() call.
struct FactsRequest {
    std::string java_home;                 // inventory javaHome ("" = whatever the session's JAVA_HOME is)
    std::vector<std::string> homes;        // RocketMQ homes to inspect (target and current)
    std::vector<std::string> log_paths;    // start logs (ProcessSpec::log_path) whose folder must be creatable
    std::vector<std::string> store_paths;  // stores whose free space to read
    std::vector<std::string> config_paths; // configs whose rmqup snapshots to list
};

// The Java RocketMQ's runbroker.sh/runserver.sh would run: $JAVA_HOME (javaHome, else the
// session's), else $HOME/jdk/java, else /usr/java, else none (operations fact 30).
struct JavaFacts {
    std::string java;                    // the java they run: "$JAVA_HOME/bin/java" ("" none found; an
                                         // empty JAVA_HOME runs /bin/java when that exists)
    std::string java_home;               // the JAVA_HOME the scripts end with (may be "")
    std::string source;                  // "javaHome", "JAVA_HOME of the session", "JAVA_HOME unset",
                                         // "$HOME/jdk/java", "/usr/java"
    std::optional<std::string> version;  // from `java -version`: "1.8.0_392", "17.0.15"
    std::string version_output;          // first line of `java -version` (for messages)
};

// One RocketMQ home as the default start command will use it.
struct HomeFacts {
    std::string home;                     // as asked
    bool present = false;                 // the folder exists
    std::vector<std::string> missing;     // of bin/mqbroker, bin/mqnamesrv, bin/runbroker.sh, bin/runserver.sh, lib
    std::optional<std::string> broker_jar_version;   // X of lib/rocketmq-broker-X.jar
    std::optional<std::string> namesrv_jar_version;  // X of lib/rocketmq-namesrv-X.jar
};

struct HostFacts {
    JavaFacts java;
    std::vector<HomeFacts> homes;                          // FactsRequest::homes order
    std::vector<std::optional<long long>> store_free_bytes; // FactsRequest::store_paths order
    std::vector<std::string> uncreatable_log_folders;     // folders of log_paths that cannot be created
    std::vector<std::string> snapshots;                    // existing <config>.rmqup-pristine, <config>.rmqup-*.pristine
};

class HostProbe {
public:
    virtual ~HostProbe() = default;
    // The process listening on spec.address's port: nullopt when nothing listens there; an error
    // of kind conflict when two processes listen or the listener's process cannot be read
    // (e.g. another user's process without sudo) - never a guess.
    virtual Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) = 0;
    // The whole file: rejected (cat's stderr as the remark) when it cannot be read, io when it is
    // larger than the shell's output bound.
    virtual Result<std::string> read_file(const std::string& path) = 0;
    // Java, homes, log folders, free disk and config snapshots, read without changing the host.
    virtual Result<HostFacts> facts(const FactsRequest& request) = 0;
};

}  // namespace rmqup
