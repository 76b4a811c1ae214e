// ShellHostOps: the engine's host operations as sh commands over a RemoteShell.
#include "rmqup/hostops/shell_host_ops.hpp"

#include <sstream>

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

Result<std::vector<int>> ShellHostOps::find_by_match(const std::string& match) {
    if (trim(match).empty()) {
        return make_error(ErrorKind::invalid_input, "empty process match text would match every process");
    }
    auto r = run(host_scripts::find_processes(match), m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with("find processes matching '" + match + "'");
    std::vector<int> pids;
    bool complete = false;
    std::istringstream lines(r->out);
    std::string line;
    while (std::getline(lines, line)) {
        line = trim(line);
        if (line == "probe-ok") {
            complete = true;
        } else if (line.rfind("pid ", 0) == 0) {
            try {
                pids.push_back(std::stoi(line.substr(4)));
            } catch (const std::exception&) {
                return make_error(ErrorKind::protocol, "unexpected process probe line '" + line + "'");
            }
        }
    }
    // Without the sentinel ps or awk did not run: "no process" would be a lie that leads to
    // starting a second broker on the same store.
    if (!complete) {
        Error e = make_error(ErrorKind::protocol, "process probe printed no result (is ps/awk available?)");
        e.remark = trim(r->err);
        return std::move(e).with(m_shell.describe());
    }
    return pids;
}

Result<std::optional<ProcessIdentity>> ShellHostOps::identify(const ProcessSpec& spec) {
    return make_error(ErrorKind::invalid_input, "process identification is not implemented yet").with(subject(spec));
}

Result<std::vector<int>> ShellHostOps::find_pids(const ProcessSpec& spec) {
    auto r = find_by_match(spec.match);
    if (!r.ok()) return std::move(r).error().with(subject(spec));
    return r;
}

Status ShellHostOps::stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) {
    auto found = find_pids(spec);
    if (!found.ok()) return std::move(found).error().with("stop");
    if (found->empty()) return ok_status();
    if (found->size() > 1) {
        // Never guess which one: mqshutdown-style mass kills are exactly what this layer avoids.
        return make_error(ErrorKind::conflict, std::to_string(found->size()) + " processes match '" + spec.match +
                                                   "' (PIDs " + pid_list(*found) + "); refusing to stop any")
            .with(subject(spec))
            .with("stop");
    }
    const int pid = found->front();
    const int polls = polls_for(timeout, m_options.poll_interval);
    auto term = run(host_scripts::signal_and_wait(pid, "TERM", polls, m_options.poll_interval),
                    timeout + m_options.command_timeout);
    if (!term.ok()) return std::move(term).error().with("SIGTERM pid " + std::to_string(pid)).with(subject(spec));
    if (trim(term->out) == "gone") return ok_status();
    if (policy == KillPolicy::term_only) {
        return make_error(ErrorKind::timeout, "pid " + std::to_string(pid) + " still running " +
                                                  std::to_string(timeout.count()) +
                                                  " ms after SIGTERM (kill policy term_only: left running)")
            .with(subject(spec))
            .with("stop");
    }
    const int kill_polls = polls_for(m_options.kill_wait, m_options.poll_interval);
    auto kill = run(host_scripts::signal_and_wait(pid, "KILL", kill_polls, m_options.poll_interval),
                    m_options.kill_wait + m_options.command_timeout);
    if (!kill.ok()) return std::move(kill).error().with("SIGKILL pid " + std::to_string(pid)).with(subject(spec));
    if (trim(kill->out) != "gone") {
        return make_error(ErrorKind::timeout, "pid " + std::to_string(pid) + " still running after SIGKILL")
            .with(subject(spec))
            .with("stop");
    }
    return ok_status();
}

Result<int> ShellHostOps::start(const ProcessSpec& spec) {
    if (spec.start_command.empty() || spec.log_path.empty()) {
        return make_error(ErrorKind::invalid_input, "start command and log path are required").with(subject(spec));
    }
    auto before = find_pids(spec);
    if (!before.ok()) return std::move(before).error().with("start");
    if (!before->empty()) {
        return make_error(ErrorKind::conflict, "already running (PIDs " + pid_list(*before) + ")")
            .with(subject(spec))
            .with("start");
    }
    auto r = run(host_scripts::start_detached(spec.start_command, spec.log_path, m_options.start_settle,
                                              m_options.log_tail_lines),
                 m_options.start_settle + m_options.command_timeout);
    if (!r.ok()) return std::move(r).error().with(subject(spec)).with("start");
    const std::string out = r->out;
    const auto eol = out.find('\n');
    const std::string status = trim(out.substr(0, eol));
    if (status.rfind("exited ", 0) == 0) {
        Error e = make_error(ErrorKind::rejected, "process exited within " +
                                                      std::to_string(m_options.start_settle.count()) +
                                                      " ms of start; see " + spec.log_path);
        e.remark = eol == std::string::npos ? std::string() : trim(out.substr(eol + 1));
        return std::move(e).with(subject(spec)).with("start");
    }
    if (status.rfind("started ", 0) != 0) {
        Error e = make_error(ErrorKind::protocol, "unexpected start output");
        e.remark = trim(out + r->err);
        return std::move(e).with(subject(spec)).with("start");
    }
    // The wrapper's PID is a shell; the process to stop later is the innermost one that matches.
    auto after = find_pids(spec);
    if (!after.ok()) return std::move(after).error().with("start");
    if (after->empty()) {
        return make_error(ErrorKind::invalid_input, "started (" + status + ") but no process matches '" +
                                                        spec.match + "': the match text is wrong or the process "
                                                        "exited right after the check; see " + spec.log_path)
            .with(subject(spec))
            .with("start");
    }
    if (after->size() > 1) {
        return make_error(ErrorKind::conflict, "after start " + std::to_string(after->size()) +
                                                   " processes match (PIDs " + pid_list(*after) + ")")
            .with(subject(spec))
            .with("start");
    }
    return after->front();
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

Result<HostFacts> ShellHostOps::facts(const std::string& java_home, const std::string& target_home,
                                      const std::string& store_path) {
    HostFacts facts;
    // A missing or broken java is a fact (nullopt), not a transport error.
    ExecOptions opts;
    opts.timeout = m_options.command_timeout;
    auto java = m_shell.exec(host_scripts::java_version(java_home), opts);
    if (!java.ok()) return std::move(java).error().with(m_shell.describe()).with("facts: java -version");
    if (java->exit_status == 0) facts.java_version = parse_java_version(java->out + java->err);

    if (!target_home.empty()) {
        std::string home = target_home;
        while (home.size() > 1 && home.back() == '/') home.pop_back();
        auto present = yes_no(host_scripts::test_path(home + "/bin/mqbroker", "-f"));
        if (!present.ok()) return std::move(present).error().with("facts: target home " + target_home);
        facts.target_home_present = *present;
    }
    if (!store_path.empty()) {
        auto df = run(host_scripts::disk_free(store_path), m_options.command_timeout);
        if (!df.ok()) return std::move(df).error().with("facts: free disk of " + store_path);
        facts.store_free_bytes = parse_df_available_bytes(df->out);
    }
    auto brokers = find_by_match("BrokerStartup");
    if (!brokers.ok()) return std::move(brokers).error().with("facts: broker processes");
    facts.broker_pids = std::move(*brokers);
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
