// Default RocketMQ start commands and match strings (see rocketmq_commands.hpp).
#include "rmqup/hostops/rocketmq_commands.hpp"

#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {
namespace {

std::string java_home_prefix(const std::string& java_home) {
    if (java_home.empty()) return {};
    return "JAVA_HOME=" + shell_quote(java_home) + " ";
}

std::string script_path(const std::string& home, const char* script) {
    std::string path = home;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path + "/bin/" + script;
}

}  // namespace

std::string render_broker_start_command(const std::string& rocketmq_home, const std::string& config_path,
                                        const std::string& java_home) {
    return java_home_prefix(java_home) + "sh " + shell_quote(script_path(rocketmq_home, "mqbroker")) + " -c " +
           shell_quote(config_path);
}

std::string render_nameserver_start_command(const std::string& rocketmq_home, const std::string& config_path,
                                            const std::string& java_home) {
    std::string command = java_home_prefix(java_home) + "sh " + shell_quote(script_path(rocketmq_home, "mqnamesrv"));
    if (!config_path.empty()) command += " -c " + shell_quote(config_path);
    return command;
}

std::string default_broker_match(const std::string& config_path) { return "-c " + config_path; }

std::string default_nameserver_match(const std::string& config_path) {
    return config_path.empty() ? std::string("NamesrvStartup") : "-c " + config_path;
}

std::string render_detached_start(const std::string& start_command, const std::string& log_path) {
    // setsid: the process leaves our session and process group, so neither a command timeout
    // (which kills the probe's group) nor the end of the SSH session reaches it.
    return "setsid nohup sh -c " + shell_quote(start_command) + " >> " + shell_quote(log_path) +
           " 2>&1 < /dev/null &";
}

}  // namespace rmqup
