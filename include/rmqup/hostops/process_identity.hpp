// Pure parsers behind ShellHostOps::identify: listening sockets (ss, /proc/net/tcp{,6}), a JVM's
// command line (the -c file, the RocketMQ home, the main class) and the probe's own output. No I/O:
// the host only lists sockets and resolves paths (host_scripts::identify_*).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rmqup/hostops/host_ops.hpp"

namespace rmqup {

// One listening TCP socket as the host lists it.
struct ListeningSocket {
    std::string ip;          // "127.0.0.1", "::", "0.0.0.0", "*" (IPv4-mapped IPv6 shown as IPv4)
    int port = 0;
    std::vector<int> pids;   // owners (ss users:(...) or /proc/<pid>/fd); empty = not readable
    unsigned long inode = 0; // /proc/net/tcp only
};

// Lines of `ss -ltnpH` (a header line is skipped): local address, port and every pid= of users:(...).
std::vector<ListeningSocket> parse_ss_listeners(const std::string& output);

// LISTEN lines (st 0A) of /proc/net/tcp and /proc/net/tcp6 (hex addresses of a little-endian host).
std::vector<ListeningSocket> parse_proc_net_tcp(const std::string& text);

// True when a socket bound to socket_ip accepts connections for want_ip: equal, or a wildcard
// (0.0.0.0, ::, *; an IPv6 wildcard also takes IPv4).
bool listens_for(const std::string& socket_ip, const std::string& want_ip);

// "127.0.0.1:9876" -> {"127.0.0.1", 9876}; "[::1]:9876" -> {"::1", 9876}; nullopt when malformed.
std::optional<std::pair<std::string, int>> split_address(const std::string& address);

// Where a process's home was read from, best first.
enum class HomeSource {
    none,
    classpath_lib,    // "<home>/lib/*" on -cp (runbroker.sh/runserver.sh from 4.9.3)
    ext_dirs,         // "<home>/lib" in -Djava.ext.dirs (the same scripts before 4.9.3)
    home_dir_property,// -Drocketmq.home.dir=<home>
    environment,      // ROCKETMQ_HOME in /proc/<pid>/environ
};

// "classpath", "java.ext.dirs", "-Drocketmq.home.dir", "ROCKETMQ_HOME", "" (ProcessIdentity::home_source).
const char* to_string(HomeSource source);

// What a RocketMQ command line says, unresolved (paths as written, maybe relative or with "..").
struct CommandLineFacts {
    std::string config_arg;          // the -c / --configFile / --config value ("" none)
    std::string home;                // home candidate from the source below ("" none)
    HomeSource home_source = HomeSource::none;
    std::optional<ProcessKind> kind; // BrokerStartup (ProxyStartup, BrokerContainerStartup) / NamesrvStartup,
                                     // or rmq-sim's broker / namesrv mode
};

// Reads argv of a JVM started by RocketMQ's scripts (or of rmq-sim); env_home is ROCKETMQ_HOME of
// its environment ("" unset), used when the command line names no home.
CommandLineFacts parse_command_line(const std::vector<std::string>& argv, const std::string& env_home);

// "/proc/<pid>/cmdline" bytes -> argv (NUL separated, trailing NUL optional).
std::vector<std::string> split_cmdline(const std::string& raw);

// Lower-case hex (od -An -tx1 output, blanks ignored) -> bytes; nullopt when malformed.
std::optional<std::string> decode_hex(const std::string& hex);

// What the identify probe printed about one pid (cmdline, cwd, ROCKETMQ_HOME), decoded.
struct ProcessDump {
    int pid = 0;
    bool readable = false;  // cmdline and cwd could be read
    std::vector<std::string> argv;
    std::string cwd;
    std::string env_home;
};

// Everything the identify probe printed: the socket listing and the /proc dumps.
struct ListenerProbe {
    bool ss_available = false;
    std::vector<ListeningSocket> sockets;  // on the port, any address
    std::vector<ProcessDump> processes;
    std::string spec_config;  // spec.config_path resolved on the host ("" none)
    std::string spec_home;    // spec.home resolved on the host ("" none)
    std::string user;         // who ran the probe (for the "needs sudo" message)
};

// Parses host_scripts::identify_listeners output; an error (protocol) when the end marker is missing.
Result<ListenerProbe> parse_listener_probe(const std::string& output);

// "pid 4242 (home /opt/rocketmq-4.9.7 from classpath, config /opt/conf/a.properties)" for messages.
std::string describe_identity(const ProcessIdentity& identity);

// "4.9.7" from "rocketmq-broker-4.9.7.jar" for module "rocketmq-broker"; nullopt when the name is
// another module's or carries no version.
std::optional<std::string> jar_version(const std::string& file_name, const std::string& module);

}  // namespace rmqup
