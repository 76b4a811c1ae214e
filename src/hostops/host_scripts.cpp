// Rendering of the sh snippets behind ShellHostOps (see host_scripts.hpp).
#include "rmqup/hostops/host_scripts.hpp"

#include <cstdio>

#include "rmqup/hostops/remote_shell.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"

namespace rmqup::host_scripts {
namespace {

// True while the pid names a live (non-zombie) process: orphans are not always reaped at once.
constexpr const char* k_alive_fn =
    "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) || return 1; case \"$s\" in *Z*|'') return 1;; esac; "
    "return 0; }; ";

// hx: stdin as one line of hex (od), so any byte of a path or argument survives the line protocol.
// rp: realpath -m (resolves symlinks and "..", tolerates missing parts), readlink -f where absent.
constexpr const char* k_path_fns =
    "hx() { od -An -v -tx1 | tr -d ' \\n'; echo; }; "
    "rp() { if [ -n \"$1\" ]; then realpath -m -- \"$1\" 2>/dev/null || readlink -f -- \"$1\" 2>/dev/null "
    "|| printf '%s' \"$1\"; fi; }; ";

// Nearest existing folder of $p (for df and "can this folder be created").
constexpr const char* k_nearest_existing = "while [ ! -e \"$p\" ]; do p=$(dirname -- \"$p\"); done; ";

std::string dirname_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace

std::string seconds_text(std::chrono::milliseconds d) {
    const long long ms = d.count() < 0 ? 0 : static_cast<long long>(d.count());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", ms / 1000, ms % 1000);
    return buf;
}

// "echo gone", after `sleep linger` when linger is set (see signal_and_wait).
static std::string gone_after(std::chrono::milliseconds linger) {
    return linger.count() > 0 ? "sleep " + seconds_text(linger) + "; echo gone" : std::string("echo gone");
}

std::string signal_and_wait(int pid, const char* signal, int max_polls, std::chrono::milliseconds interval,
                            std::chrono::milliseconds linger) {
    const std::string p = std::to_string(pid);
    return std::string(k_alive_fn) + "kill -" + signal + " " + p + " 2>/dev/null; n=0; while alive " + p +
           "; do if [ \"$n\" -ge " + std::to_string(max_polls) + " ]; then echo alive; exit 0; fi; sleep " +
           seconds_text(interval) + "; n=$((n+1)); done; " + gone_after(linger);
}

std::string identify_listeners(int port, const std::string& spec_config, const std::string& spec_home,
                               const std::string& ip) {
    std::string s = k_path_fns;
    // Only the listeners that can be the node's: its own address or a wildcard. Many brokers of one
    // machine share a port on different addresses; dumping every owner cost seconds per probe.
    const std::string keep =
        ip.empty() ? std::string()
                   : "out=$(printf '%s\\n' \"$out\" | awk -v ip=" + shell_quote(ip) +
                         " '{ a = $4; sub(/:[0-9]+$/, \"\", a); gsub(/\\[|\\]/, \"\", a); sub(/%.*/, \"\", a); "
                         "sub(/^::ffff:/, \"\", a); if (a == ip || a == \"0.0.0.0\" || a == \"*\" || a == \"::\") print }'); ";
    s += "port=" + std::to_string(port) + "; echo \"@user $(id -un 2>/dev/null)\"; ";
    s += "printf '@spec-config '; printf '%s' \"$(rp " + shell_quote(spec_config) + ")\" | hx; ";
    s += "printf '@spec-home '; printf '%s' \"$(rp " + shell_quote(spec_home) + ")\" | hx; ";
    // ss first; /proc/net/tcp{,6} plus a socket-inode search of /proc/<pid>/fd where ss is missing.
    s += "pids=; if command -v ss >/dev/null 2>&1 && out=$(ss -ltnpH \"sport = :$port\" 2>/dev/null); then " + keep +
         "echo @ss; [ -n \"$out\" ] && printf '%s\\n' \"$out\" | sed 's/^/= /'; "
         "pids=$(printf '%s\\n' \"$out\" | grep -o 'pid=[0-9]*' | cut -d= -f2); "
         "else echo @proc; hp=$(printf '%04X' \"$port\"); "
         "lines=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=\"$hp\" "
         "'$4 == \"0A\" { n = split($2, a, \":\"); if (toupper(a[n]) == p) print }'); "
         "[ -n \"$lines\" ] && printf '%s\\n' \"$lines\" | sed 's/^/= /'; "
         "for ino in $(printf '%s\\n' \"$lines\" | awk 'NF >= 10 { print $10 }'); do "
         "for f in $(find /proc/[0-9]*/fd -maxdepth 1 -lname \"socket:\\[$ino\\]\" 2>/dev/null); do "
         "p=${f#/proc/}; p=${p%%/*}; echo \"@inode $ino $p\"; pids=\"$pids $p\"; done; done; fi; ";
    s += "for p in $(printf '%s\\n' $pids | sort -un); do echo \"@pid $p\"; "
         "c=$(od -An -v -tx1 /proc/$p/cmdline 2>/dev/null | tr -d ' \\n'); d=$(readlink /proc/$p/cwd 2>/dev/null); "
         "if [ -n \"$c\" ] && [ -n \"$d\" ]; then echo \"@cmdline $c\"; printf '@cwd '; printf '%s' \"$d\" | hx; "
         "printf '@env-home '; tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | sed -n 's/^ROCKETMQ_HOME=//p' | "
         "head -n 1 | tr -d '\\n' | hx; fi; done; echo @end";
    return s;
}

std::string resolve_paths(const std::string& cwd, const std::vector<std::string>& paths) {
    std::string s = k_path_fns;
    s += "cd -- " + shell_quote(cwd.empty() ? std::string("/") : cwd) + " 2>/dev/null || cd /; for p in";
    for (const auto& p : paths) s += " " + shell_quote(p);
    s += "; do printf '%s' \"$(rp \"$p\")\" | hx; done; echo @end";
    return s;
}

std::string stop_command_and_wait(const std::string& stop_command, int pid, int max_polls,
                                  std::chrono::milliseconds interval, std::chrono::milliseconds linger) {
    const std::string p = std::to_string(pid);
    return std::string(k_alive_fn) + "out=$(sh -c " + shell_quote(stop_command) +
           " 2>&1 < /dev/null); rc=$?; if [ \"$rc\" -ne 0 ]; then echo \"stop-failed $rc\"; printf '%s\\n' \"$out\" | "
           "tail -n 20; exit 0; fi; n=0; while alive " + p + "; do if [ \"$n\" -ge " + std::to_string(max_polls) +
           " ]; then echo alive; exit 0; fi; sleep " + seconds_text(interval) + "; n=$((n+1)); done; " +
           gone_after(linger);
}

std::string host_facts(const FactsRequest& request) {
    std::string s = k_path_fns;
    // Exactly runbroker.sh/runserver.sh: an empty JAVA_HOME tests "/bin/java" as they do.
    s += "g=" + shell_quote(request.java_home) + "; src=; if [ -n \"$g\" ]; then JAVA_HOME=$g; src=javaHome; "
         "elif [ -n \"$JAVA_HOME\" ]; then src='JAVA_HOME of the session'; else src='JAVA_HOME unset'; fi; "
         "[ ! -e \"$JAVA_HOME/bin/java\" ] && { JAVA_HOME=$HOME/jdk/java; src='$HOME/jdk/java'; }; "
         "[ ! -e \"$JAVA_HOME/bin/java\" ] && { JAVA_HOME=/usr/java; src=/usr/java; }; "
         "if [ -e \"$JAVA_HOME/bin/java\" ]; then printf '@java-home '; printf '%s' \"$JAVA_HOME\" | hx; "
         "printf '@java '; printf '%s' \"$JAVA_HOME/bin/java\" | hx; "
         "echo \"@java-source $src\"; \"$JAVA_HOME/bin/java\" -version 2>&1 | head -n 5 | sed 's/^/~ /'; "
         "else echo @java-none; fi; ";
    for (const auto& home : request.homes) {
        s += "echo @home; h=" + shell_quote(home) +
             "; if [ -d \"$h\" ]; then echo '~ present'; for f in bin/mqbroker bin/mqnamesrv bin/runbroker.sh "
             "bin/runserver.sh; do [ -f \"$h/$f\" ] || echo \"~ missing $f\"; done; if [ -d \"$h/lib\" ]; then "
             "ls -1 \"$h/lib\" 2>/dev/null | grep '^rocketmq-' | sed 's/^/~ jar /'; else echo '~ missing lib'; fi; fi; ";
    }
    for (const auto& log : request.log_paths) {
        const std::string dir = dirname_of(log);
        s += "p=" + shell_quote(dir) + "; " + k_nearest_existing +
             "if [ ! -d \"$p\" ] || [ ! -w \"$p\" ]; then printf '@log-uncreatable '; printf '%s' " + shell_quote(dir) +
             " | hx; fi; ";
    }
    for (const auto& store : request.store_paths) {
        s += "echo @store; ";
        if (!store.empty()) {
            s += "p=" + shell_quote(store) + "; " + k_nearest_existing + "df -P -k -- \"$p\" 2>/dev/null | sed 's/^/~ /'; ";
        }
    }
    for (const auto& config : request.config_paths) {
        s += "c=" + shell_quote(config) + "; for f in \"$c.rmqup-pristine\" \"$c\".rmqup-*.pristine; do "
             "[ -e \"$f\" ] && { printf '@snapshot '; printf '%s' \"$f\" | hx; }; done; ";
    }
    return s + "echo @end";
}

std::string start_detached(const std::string& start_command, const std::string& log_path,
                           std::chrono::milliseconds settle, int tail_lines) {
    const std::string log = shell_quote(log_path);
    const std::string dir = shell_quote(dirname_of(log_path));
    // The release has no logs/ folder (operations fact 28): create it, and say so when that fails.
    return std::string(k_alive_fn) + "if ! mkdir -p -- " + dir + " 2>/dev/null; then echo 'exited 0 1'; " +
           "echo \"cannot create the log folder \"" + dir + "; exit 0; fi; " +
           "before=$(wc -c 2>/dev/null < " + log + ") || before=0; " +
           render_detached_start(start_command, log_path) + " pid=$!; sleep " + seconds_text(settle) +
           "; if alive \"$pid\"; then echo \"started $pid\"; else wait \"$pid\"; echo \"exited $pid $?\"; " +
           "tail -c +$((before + 1)) " +
           log + " 2>/dev/null | tail -n " + std::to_string(tail_lines) + "; fi";
}

std::string test_path(const std::string& path, const char* flag) {
    return std::string("if [ ") + flag + " " + shell_quote(path) + " ]; then echo yes; else echo no; fi";
}

std::string read_file(const std::string& path) { return "cat -- " + shell_quote(path); }

std::string install_file(const std::string& temp_path, const std::string& path, int mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode) & 07777u);
    return std::string("chmod ") + buf + " " + shell_quote(temp_path) + " && mv -f -- " + shell_quote(temp_path) +
           " " + shell_quote(path);
}

std::string backup_once(const std::string& path, const std::string& backup_path) {
    const std::string b = shell_quote(backup_path);
    const std::string tmp = shell_quote(backup_path + ".rmqup-tmp");
    return "if [ -e " + b + " ]; then echo kept; else cp -p -- " + shell_quote(path) + " " + tmp +
           " && mv -f -- " + tmp + " " + b + " && echo created; fi";
}

std::string java_version(const std::string& java_home) {
    if (java_home.empty()) return "java -version 2>&1";
    std::string home = java_home;
    while (home.size() > 1 && home.back() == '/') home.pop_back();
    return shell_quote(home + "/bin/java") + " -version 2>&1";
}

std::string disk_free(const std::string& path) {
    return "p=" + shell_quote(path) + "; while [ ! -e \"$p\" ]; do p=$(dirname -- \"$p\"); done; df -P -k -- \"$p\"";
}

}  // namespace rmqup::host_scripts
