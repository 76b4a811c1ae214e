// ShellHostOps: the engine's host operations as sh commands over a RemoteShell.
#include "rmqup/hostops/shell_host_ops.hpp"

#include <algorithm>
#include <sstream>
#include <thread>

#include "rmqup/hostops/host_scripts.hpp"

namespace rmqup {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string kind_name(ProcessKind kind) { return kind == ProcessKind::broker ? "broker" : "nameserver"; }

std::string subject(const ProcessSpec& spec) {
    std::string s = kind_name(spec.kind) + " " + spec.name;
    if (!spec.host.empty()) s += " on host " + spec.host;
    return s;
}

std::string pid_list(const std::vector<int>& pids) {
    std::string out;
    for (int pid : pids) {
        if (!out.empty()) out += ", ";
        out += std::to_string(pid);
    }
    return out;
}

int polls_for(std::chrono::milliseconds wait, std::chrono::milliseconds interval) {
    const auto step = interval.count() > 0 ? interval.count() : 1;
    return static_cast<int>((wait.count() + step - 1) / step);
}

// The one process owning the sockets that accept connections for ip:port: nullopt when none
// listens; conflict when two processes do or an owner is not visible (sudo_hint says why).
Result<std::optional<int>> listener_pid(const ListenerProbe& probe, const std::string& ip, int port,
                                        const std::string& sudo_hint) {
    std::vector<int> pids;
    std::string unreadable;
    for (const auto& socket : probe.sockets) {
        if (socket.port != port || !listens_for(socket.ip, ip)) continue;
        if (socket.pids.empty()) unreadable = socket.ip + ":" + std::to_string(socket.port);
        for (int pid : socket.pids) {
            if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
        }
    }
    if (!unreadable.empty()) {
        return make_error(ErrorKind::conflict, "a process listens on " + unreadable + " but its PID cannot be read" +
                                                   sudo_hint);
    }
    if (pids.empty()) return std::optional<int>{};
    if (pids.size() > 1) {
        return make_error(ErrorKind::conflict, std::to_string(pids.size()) + " processes listen on port " +
                                                   std::to_string(port) + " for " + ip + " (PIDs " + pid_list(pids) +
                                                   "); refusing to guess which one is the node");
    }
    return std::optional<int>{pids.front()};
}

}  // namespace

ShellHostOps::ShellHostOps(RemoteShell& shell, ShellHostOpsOptions options)
    : m_shell(shell), m_options(options) {}

ShellHostOps::ShellHostOps(std::unique_ptr<RemoteShell> shell, ShellHostOpsOptions options)
    : m_owned(std::move(shell)), m_shell(*m_owned), m_options(options) {}

Result<ExecResult> ShellHostOps::run(const std::string& command, std::chrono::milliseconds timeout) {
    ExecOptions opts;
    opts.timeout = timeout;
    auto r = m_shell.exec(command, opts);
    if (!r.ok()) return std::move(r).error().with(m_shell.describe());
    if (r->exit_status != 0) {
        Error e = make_error(ErrorKind::rejected, "command exited with status " + std::to_string(r->exit_status));
        e.remark = trim(r->err.empty() ? r->out : r->err);
        e.code = r->exit_status;
        return std::move(e).with(m_shell.describe());
    }
    return r;
}

namespace {
// ip when it is a literal address (a host name: "" = every listener of the port is looked at).
std::string literal_ip(const std::string& ip) {
    if (ip.empty()) return ip;
    const bool v4 = ip.find_first_not_of("0123456789.") == std::string::npos;
    const bool v6 = ip.find(':') != std::string::npos && ip.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
    return v4 || v6 ? ip : std::string();
}
}  // namespace

Result<std::optional<ProcessIdentity>> ShellHostOps::identify(const ProcessSpec& spec) {
    const auto where = split_address(spec.address);
    if (!where) {
        return make_error(ErrorKind::invalid_input, "address '" + spec.address + "' is not ip:port")
            .with(subject(spec))
            .with("identify");
    }
    // A socket seen while its process starts or exits can have no readable owner for a moment:
    // probe again a few times before calling it another user's process.
    constexpr int k_probes = 3;
    for (int attempt = 1;; ++attempt) {
        auto r = run(host_scripts::identify_listeners(where->second, spec.config_path, spec.home,
                                                      literal_ip(where->first)),
                     m_options.command_timeout);
        if (!r.ok()) return std::move(r).error().with(subject(spec)).with("identify");
        auto probe = parse_listener_probe(r->out);
        if (!probe.ok()) {
            Error e = std::move(probe).error();
            e.remark = trim(r->err);
            return std::move(e).with(m_shell.describe()).with(subject(spec)).with("identify");
        }
        auto found = identify_in(spec, *probe, where->first, where->second);
        if (found.ok()) return found;
        const bool unreadable = found.error().kind == ErrorKind::conflict &&
                                found.error().describe().find("(another user's process)") != std::string::npos;
        if (!unreadable || attempt >= k_probes) return std::move(found).error().with(subject(spec)).with("identify");
        std::this_thread::sleep_for(m_options.poll_interval);
    }
}

Result<std::optional<ProcessIdentity>> ShellHostOps::identify_in(const ProcessSpec& spec, const ListenerProbe& probe,
                                                                 const std::string& ip, int port) {
    const std::string sudo_hint = "; its owner is not visible to user '" + probe.user + "' on " + m_shell.describe() +
                                  " (another user's process): set `sudo: true` for host " + spec.host +
                                  " in the inventory";
    auto owner = listener_pid(probe, ip, port, sudo_hint);
    if (!owner.ok()) return std::move(owner).error();
    if (!owner->has_value()) return std::optional<ProcessIdentity>{};
    const int pid = **owner;
    const ProcessDump* dump = nullptr;
    for (const auto& d : probe.processes) {
        if (d.pid == pid && d.readable) dump = &d;
    }
    if (dump == nullptr) {
        return make_error(ErrorKind::conflict, "pid " + std::to_string(pid) + " listens on " + spec.address +
                                                   " but /proc/" + std::to_string(pid) + " cannot be read" + sudo_hint);
    }
    const CommandLineFacts cmd = parse_command_line(dump->argv, dump->env_home);
    std::string args;
    for (const auto& a : dump->argv) args += (args.empty() ? "" : " ") + a;
    if (!cmd.kind || *cmd.kind != spec.kind) {
        const std::string what = !cmd.kind                                 ? "not a RocketMQ process"
                                 : *cmd.kind == ProcessKind::nameserver ? "a NameServer (NamesrvStartup)"
                                                                         : "a broker (BrokerStartup)";
        Error e = make_error(ErrorKind::conflict, "pid " + std::to_string(pid) + " listening on " + spec.address +
                                                      " is " + what + ", not the " + kind_name(spec.kind) + " expected");
        e.remark = args.substr(0, 600);
        return e;
    }
    auto resolved = run(host_scripts::resolve_paths(dump->cwd, {cmd.config_arg, cmd.home, dump->env_home}),
                        m_options.command_timeout);
    if (!resolved.ok()) return std::move(resolved).error().with("resolve paths of pid " + std::to_string(pid));
    std::vector<std::string> paths;
    std::istringstream lines(resolved->out);
    std::string line;
    while (std::getline(lines, line) && line != "@end") paths.push_back(decode_hex(line).value_or(std::string()));
    if (paths.size() != 3) {
        Error e = make_error(ErrorKind::protocol, "unexpected path resolution output");
        e.remark = trim(resolved->out + resolved->err);
        return std::move(e).with(m_shell.describe());
    }
    ProcessIdentity id;
    id.pid = pid;
    id.args = args;
    id.cwd = dump->cwd;
    id.config_path = paths[0];
    id.home = paths[1];
    id.home_env = paths[2];
    id.home_source = to_string(cmd.home_source);
    id.expected_config = probe.spec_config;
    id.expected_home = probe.spec_home;
    id.config_matches = spec.config_path.empty() || (!id.config_path.empty() && id.config_path == probe.spec_config);
    id.home_matches = spec.home.empty() || (!id.home.empty() && id.home == probe.spec_home);
    return std::optional<ProcessIdentity>{std::move(id)};
}

Status ShellHostOps::stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) {
    auto found = identify(spec);
    if (!found.ok()) return std::move(found).error().with("stop");
    if (!found->has_value()) return ok_status();
    const ProcessIdentity& id = **found;
    if (!id.config_matches || !id.home_matches) {
        // Never stop a process that is not the node's: a wrong guess stops another broker.
        return make_error(ErrorKind::conflict,
                          "the process listening on " + spec.address + " is " + describe_identity(id) +
                              ", not the expected one (home " + (spec.home.empty() ? "any" : id.expected_home) +
                              ", config " + (spec.config_path.empty() ? "any" : id.expected_config) +
                              "); nothing was stopped")
            .with(subject(spec))
            .with("stop");
    }
    RMQUP_TRY(end_process(spec, id.pid, timeout, policy));
    return check_not_restarted(spec, id.pid);
}

Status ShellHostOps::end_process(const ProcessSpec& spec, int pid, std::chrono::milliseconds timeout,
                                 KillPolicy policy) {
    const int polls = polls_for(timeout, m_options.poll_interval);
    const std::string pid_text = "pid " + std::to_string(pid);
    if (!spec.stop_command.empty()) {
        auto r = run(host_scripts::stop_command_and_wait(spec.stop_command, pid, polls, m_options.poll_interval,
                                                         m_options.restart_watch),
                     timeout + m_options.restart_watch + m_options.command_timeout);
        if (!r.ok()) return std::move(r).error().with("stop command for " + pid_text).with(subject(spec));
        const std::string out = trim(r->out);
        if (out.rfind("stop-failed", 0) == 0) {
            Error e = make_error(ErrorKind::rejected, "stop command failed (" + out.substr(0, out.find('\n')) +
                                                          "): " + spec.stop_command);
            e.remark = out.find('\n') == std::string::npos ? std::string() : trim(out.substr(out.find('\n') + 1));
            return std::move(e).with(subject(spec)).with("stop");
        }
        if (out != "gone") {
            return make_error(ErrorKind::timeout, pid_text + " still running " + std::to_string(timeout.count()) +
                                                      " ms after the stop command: " + spec.stop_command)
                .with(subject(spec))
                .with("stop");
        }
        return ok_status();
    }
    auto term = run(host_scripts::signal_and_wait(pid, "TERM", polls, m_options.poll_interval, m_options.restart_watch),
                    timeout + m_options.restart_watch + m_options.command_timeout);
    if (!term.ok()) return std::move(term).error().with("SIGTERM " + pid_text).with(subject(spec));
    if (trim(term->out) == "gone") return ok_status();
    if (policy == KillPolicy::term_only) {
        return make_error(ErrorKind::timeout, pid_text + " still running " + std::to_string(timeout.count()) +
                                                  " ms after SIGTERM (kill policy term_only: left running)")
            .with(subject(spec))
            .with("stop");
    }
    const int kill_polls = polls_for(m_options.kill_wait, m_options.poll_interval);
    auto kill = run(host_scripts::signal_and_wait(pid, "KILL", kill_polls, m_options.poll_interval,
                                                  m_options.restart_watch),
                    m_options.kill_wait + m_options.restart_watch + m_options.command_timeout);
    if (!kill.ok()) return std::move(kill).error().with("SIGKILL " + pid_text).with(subject(spec));
    if (trim(kill->out) != "gone") {
        return make_error(ErrorKind::timeout, pid_text + " still running after SIGKILL").with(subject(spec)).with("stop");
    }
    return ok_status();
}

Status ShellHostOps::check_not_restarted(const ProcessSpec& spec, int old_pid) {
    // The wait script lingered restart_watch after the exit, so a restarted process listens by now.
    auto again = identify(spec);
    if (!again.ok()) return std::move(again).error().with("after stopping pid " + std::to_string(old_pid));
    if (!again->has_value()) return ok_status();
    const std::string how = spec.stop_command.empty()
                                ? "something restarted it (a service manager?): declare its stop command in the "
                                  "inventory (commands.brokerStop / nameServerStop)"
                                : "the service behind `" + spec.stop_command +
                                      "` restarted it: check the unit (Restart=, ExecStart=)";
    return make_error(ErrorKind::conflict, "pid " + std::to_string(old_pid) + " exited, but " +
                                               describe_identity(**again) + " listens on " + spec.address +
                                               " now; " + how)
        .with(subject(spec))
        .with("stop");
}

Result<int> ShellHostOps::start(const ProcessSpec& spec) {
    if (spec.start_command.empty() || spec.log_path.empty()) {
        return make_error(ErrorKind::invalid_input, "start command and log path are required").with(subject(spec));
    }
    auto r = run(host_scripts::start_detached(spec.start_command, spec.log_path, m_options.start_settle,
                                              m_options.log_tail_lines),
                 m_options.start_settle + m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with(subject(spec)).with("start");
    const std::string out = r->out;
    const auto eol = out.find('\n');
    const std::string status = trim(out.substr(0, eol));
    // "exited <pid> <status>": a command that hands the process over (a service manager's start)
    // returns 0 at once; the engine then awaits the listener on the node's address.
    if (status.rfind("exited ", 0) == 0 && status.size() > 2 && status.compare(status.size() - 2, 2, " 0") == 0 &&
        status != "exited 0 1")
        return 0;
    if (status.rfind("exited ", 0) == 0) {
        Error e = make_error(ErrorKind::rejected, "process exited within " +
                                                      std::to_string(m_options.start_settle.count()) +
                                                      " ms of start; see " + spec.log_path);
        e.remark = eol == std::string::npos ? std::string() : trim(out.substr(eol + 1));
        return std::move(e).with(subject(spec)).with("start");
    }
    int pid = 0;
    if (status.rfind("started ", 0) == 0) {
        try {
            pid = std::stoi(status.substr(8));
        } catch (const std::exception&) {
            pid = 0;
        }
    }
    if (pid <= 0) {
        Error e = make_error(ErrorKind::protocol, "unexpected start output");
        e.remark = trim(out + r->err);
        return std::move(e).with(subject(spec)).with("start");
    }
    return pid;
}

Result<bool> ShellHostOps::yes_no(const std::string& command) {
    auto r = run(command, m_options.command_timeout);
    if (!r.ok()) return std::move(r).error();
    const std::string answer = trim(r->out);
    if (answer == "yes") return true;
    if (answer == "no") return false;
    Error e = make_error(ErrorKind::protocol, "expected yes/no from a path test");
    e.remark = answer;
    return std::move(e).with(m_shell.describe());
}

Result<bool> ShellHostOps::abort_marker_present(const ProcessSpec& spec) {
    if (spec.store_path.empty()) return false;  // NameServers have no store
    auto r = path_exists(spec.store_path + "/abort");
    if (!r.ok()) return std::move(r).error().with(subject(spec));
    return r;
}

Result<std::string> ShellHostOps::read_file(const std::string& path) {
    auto r = run(host_scripts::read_file(path), m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with("read " + path);
    if (r->out_truncated) {
        return make_error(ErrorKind::io, "file is larger than the output bound").with("read " + path);
    }
    return std::move(r->out);
}

Status ShellHostOps::write_file(const std::string& path, const std::string& content, int mode) {
    // Upload next to the target and rename: a reader never sees a half-written config.
    const std::string temp = path + ".rmqup-tmp";
    auto up = m_shell.upload(content, temp, mode);
    if (!up.ok()) return std::move(up).error().with(m_shell.describe()).with("write " + path);
    auto r = run(host_scripts::install_file(temp, path, mode), m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with("write " + path);
    return ok_status();
}

Status ShellHostOps::backup_once(const std::string& path, const std::string& backup_path) {
    auto r = run(host_scripts::backup_once(path, backup_path), m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with("back up " + path + " to " + backup_path);
    const std::string answer = trim(r->out);
    if (answer != "created" && answer != "kept") {
        Error e = make_error(ErrorKind::protocol, "unexpected backup output");
        e.remark = answer;
        return std::move(e).with("back up " + path + " to " + backup_path);
    }
    return ok_status();
}

Result<bool> ShellHostOps::path_exists(const std::string& path) {
    auto r = yes_no(host_scripts::test_path(path, "-e"));
    if (!r.ok()) return std::move(r).error().with("test " + path);
    return r;
}

Result<HostFacts> ShellHostOps::facts(const FactsRequest& request) {
    auto r = run(host_scripts::host_facts(request), m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with("facts");
    auto parsed = parse_host_facts(r->out, request);
    if (!parsed.ok()) {
        Error e = std::move(parsed).error();
        e.remark = trim(r->err);
        return std::move(e).with(m_shell.describe()).with("facts");
    }
    return parsed;
}

Result<HostFacts> parse_host_facts(const std::string& output, const FactsRequest& request) {
    HostFacts facts;
    enum class Section { none, java, home, store } section = Section::none;
    std::vector<std::string> store_text;
    bool ended = false;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("~ ", 0) == 0) {
            const std::string body = line.substr(2);
            if (section == Section::java && facts.java.version_output.empty()) facts.java.version_output = body;
            if (section == Section::java && !facts.java.version) facts.java.version = parse_java_version(body);
            if (section == Section::store) store_text.back() += body + "\n";
            if (section != Section::home) continue;
            HomeFacts& home = facts.homes.back();
            if (body == "present") home.present = true;
            if (body.rfind("missing ", 0) == 0) home.missing.push_back(body.substr(8));
            if (body.rfind("jar ", 0) == 0) {
                if (auto v = jar_version(body.substr(4), "rocketmq-broker")) home.broker_jar_version = v;
                if (auto v = jar_version(body.substr(4), "rocketmq-namesrv")) home.namesrv_jar_version = v;
            }
        } else if (line.rfind("@java-home ", 0) == 0) {
            section = Section::java;
            facts.java.java_home = decode_hex(line.substr(11)).value_or(std::string());
        } else if (line.rfind("@java ", 0) == 0) {
            facts.java.java = decode_hex(line.substr(6)).value_or(std::string());
        } else if (line.rfind("@java-source ", 0) == 0) {
            facts.java.source = line.substr(13);
        } else if (line == "@home") {
            section = Section::home;
            facts.homes.emplace_back();
            if (facts.homes.size() <= request.homes.size()) facts.homes.back().home = request.homes[facts.homes.size() - 1];
        } else if (line == "@store") {
            section = Section::store;
            store_text.emplace_back();
        } else if (line.rfind("@log-uncreatable ", 0) == 0) {
            facts.uncreatable_log_folders.push_back(decode_hex(line.substr(17)).value_or(std::string()));
        } else if (line.rfind("@snapshot ", 0) == 0) {
            facts.snapshots.push_back(decode_hex(line.substr(10)).value_or(std::string()));
        } else if (line == "@end") {
            ended = true;
        } else if (line.rfind("@", 0) == 0) {
            section = Section::none;
        }
    }
    if (!ended || facts.homes.size() != request.homes.size() || store_text.size() != request.store_paths.size()) {
        return make_error(ErrorKind::protocol, "the host facts script printed an incomplete answer");
    }
    for (const auto& text : store_text) facts.store_free_bytes.push_back(parse_df_available_bytes(text));
    return facts;
}

std::optional<std::string> parse_java_version(const std::string& output) {
    const auto at = output.find("version \"");
    if (at == std::string::npos) return std::nullopt;
    const auto begin = at + 9;
    const auto end = output.find('"', begin);
    if (end == std::string::npos || end == begin) return std::nullopt;
    return output.substr(begin, end - begin);
}

std::optional<long long> parse_df_available_bytes(const std::string& output) {
    std::istringstream lines(output);
    std::string header;
    std::string data;
    if (!std::getline(lines, header) || !std::getline(lines, data)) return std::nullopt;
    // "Filesystem 1024-blocks Used Available Capacity Mounted on"; a long device name may wrap
    // onto its own line, so read the fields of the rest of the output together.
    std::string rest;
    std::string more;
    rest = data;
    while (std::getline(lines, more)) rest += " " + more;
    std::istringstream fields(rest);
    std::string fs;
    long long blocks = 0;
    long long used = 0;
    long long avail = 0;
    if (!(fields >> fs >> blocks >> used >> avail)) return std::nullopt;
    return avail * 1024;
}

}  // namespace rmqup
