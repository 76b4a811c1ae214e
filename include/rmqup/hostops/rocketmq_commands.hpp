// The default RocketMQ start commands and process match strings, rendered in one place so that the
// planner prints exactly the command text the engine (ShellHostOps::start) runs.
#pragma once

#include <string>

namespace rmqup {

// "ROCKETMQ_HOME='<home>' [JAVA_HOME='<java_home>' ]sh '<home>/bin/mqbroker' -c '<config>'": the home
// is always set (an inherited ROCKETMQ_HOME would start another home), JAVA_HOME when not empty.
// Every value is shell-quoted. Goes into ProcessSpec::start_command.
std::string render_broker_start_command(const std::string& rocketmq_home, const std::string& config_path,
                                        const std::string& java_home = "");

// "ROCKETMQ_HOME='<home>' [JAVA_HOME=...] sh '<home>/bin/mqnamesrv'" plus " -c '<config>'" when
// config_path is not empty.
std::string render_nameserver_start_command(const std::string& rocketmq_home, const std::string& config_path,
                                            const std::string& java_home = "");

// The text that identifies one broker's processes: "-c <config_path>" (matched up to a word end,
// so "-c /a/broker.properties" does not match "-c /a/broker.properties.bak").
std::string default_broker_match(const std::string& config_path);

// "-c <config_path>" for a NameServer started with a config, else "NamesrvStartup" (the main class).
std::string default_nameserver_match(const std::string& config_path);

// The exact command ShellHostOps::start runs in the background for a start command:
// "mkdir -p -- '<log folder>' && setsid nohup sh -c '<start_command>' >> '<log_path>' 2>&1 < /dev/null &".
std::string render_detached_start(const std::string& start_command, const std::string& log_path);

}  // namespace rmqup
