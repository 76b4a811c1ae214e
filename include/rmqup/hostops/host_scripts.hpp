// The POSIX sh snippets ShellHostOps runs on a host, rendered from typed values. Every value is
// shell-quoted.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "rmqup/hostops/host_ops.hpp"

namespace rmqup::host_scripts {

// Sends signal ("TERM"/"KILL") to pid, then polls every interval until it is gone (prints "gone")
// or max_polls polls have passed (prints "alive").
// linger: once gone, wait this long more before printing "gone" (a restarted process can bind).
std::string signal_and_wait(int pid, const char* signal, int max_polls, std::chrono::milliseconds interval,
                            std::chrono::milliseconds linger = std::chrono::milliseconds(0));

// Runs start_command detached (render_detached_start), waits settle, and prints "started <pid>" or
// "exited <pid>" followed by the last tail_lines lines the process appended to log_path.
std::string start_detached(const std::string& start_command, const std::string& log_path,
                           std::chrono::milliseconds settle, int tail_lines);

// Lists the TCP sockets listening on port (`ss -ltnpH`, else /proc/net/tcp{,6} + /proc/<pid>/fd) and
// dumps cmdline, cwd and ROCKETMQ_HOME of every owner; resolves spec_config and spec_home (realpath).
// Output: see parse_listener_probe (process_identity.hpp); values are hex-encoded. With ip (a literal
// IPv4/IPv6 address), ss lines are kept only for ip itself or a wildcard (0.0.0.0, ::, *).
std::string identify_listeners(int port, const std::string& spec_config, const std::string& spec_home,
                               const std::string& ip = {});

// In folder cwd, prints the hex of realpath -m of each path, one line each (an empty path prints an
// empty line), so relative paths resolve as the process saw them.
std::string resolve_paths(const std::string& cwd, const std::vector<std::string>& paths);

// Runs stop_command (a service manager's stop), then polls every interval until pid is gone
// ("gone") or max_polls polls passed ("alive"); prints "stop-failed <status>" and the command's
// output when the command fails.
std::string stop_command_and_wait(const std::string& stop_command, int pid, int max_polls,
                                  std::chrono::milliseconds interval,
                                  std::chrono::milliseconds linger = std::chrono::milliseconds(0));

// Everything facts() reads, in one script (see ShellHostOps::facts for the output).
std::string host_facts(const FactsRequest& request);

// Prints "yes" if path exists (test flag "-e", "-f", "-d"), else "no".
std::string test_path(const std::string& path, const char* flag = "-e");

// cat of one file.
std::string read_file(const std::string& path);

// chmod the uploaded temp file and rename it over path (atomic within one file system).
std::string install_file(const std::string& temp_path, const std::string& path, int mode);

// Copies path to backup_path (via a temp file and rename) unless backup_path exists; prints
// "created" or "kept".
std::string backup_once(const std::string& path, const std::string& backup_path);

// "<java_home>/bin/java -version 2>&1" ("java -version 2>&1" when java_home is empty).
std::string java_version(const std::string& java_home);

// df -P -k of path, or of its nearest existing parent when path does not exist yet.
std::string disk_free(const std::string& path);

// Seconds with millisecond precision for sleep(1)/timeout(1): 1500 ms -> "1.500".
std::string seconds_text(std::chrono::milliseconds d);

}  // namespace rmqup::host_scripts
