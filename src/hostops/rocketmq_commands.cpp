// Default RocketMQ start commands and match strings (see rocketmq_commands.hpp).
#include "rmqup/hostops/rocketmq_commands.hpp"

#include "rmqup/hostops/remote_shell.hpp"

namespace rmqup {
namespace {

std::string trimmed_home(const std::string& home) {
    std::string path = home;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

// bin/mqbroker and bin/mqnamesrv keep an inherited ROCKETMQ_HOME (operations fact 29) and
// runbroker.sh/runserver.sh never look at PATH (fact 30): both are set for every start.
std::string environment_prefix(const std::string& home, const std::string& java_home) {
    std::string prefix = "ROCKETMQ_HOME=" + shell_quote(trimmed_home(home)) + " ";
    if (!java_home.empty()) prefix += "JAVA_HOME=" + shell_quote(java_home) + " ";
    return prefix;
}

std::string script_path(const std::string& home, const char* script) { return trimmed_home(home) + "/bin/" + script; }

std::string dirname_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace

std::string render_broker_start_command(const std::string& rocketmq_home, const std::string& config_path,
                                        const std::string& java_home) {
    return environment_prefix(rocketmq_home, java_home) + "sh " + shell_quote(script_path(rocketmq_home, "mqbroker")) + " -c " +
           shell_quote(config_path);
}

std::string render_nameserver_start_command(const std::string& rocketmq_home, const std::string& config_path,
                                            const std::string& java_home) {
    std::string command = environment_prefix(rocketmq_home, java_home) + "sh " + shell_quote(script_path(rocketmq_home, "mqnamesrv"));
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
    // mkdir: the release ships no logs/ folder (operations fact 28) and the redirection needs one.
    return "mkdir -p -- " + shell_quote(dirname_of(log_path)) + " && setsid nohup sh -c " + shell_quote(start_command) + " >> " + shell_quote(log_path) +
           " 2>&1 < /dev/null &";
}

}  // namespace rmqup
