// Rendering of the sh snippets behind ShellHostOps (see host_scripts.hpp).
#include "rmqup/hostops/host_scripts.hpp"

#include <cstdio>

#include "rmqup/hostops/remote_shell.hpp"
#include "rmqup/hostops/rocketmq_commands.hpp"

namespace rmqup::host_scripts {
namespace {

// awk program of find_processes. Fields: pid ppid stat args...; the match comes from the
// environment (RMQUP_MATCH), never from awk's own argv.
constexpr const char* k_find_awk =
    "function hit_at_word_end(s, m,   i, c) {"
    " while ((i = index(s, m)) > 0) {"
    " c = substr(s, i + length(m), 1);"
    " if (c == \"\" || c == \" \" || c == \"\\t\") return 1;"
    " s = substr(s, i + 1) }"
    " return 0 }"
    " BEGIN { m = ENVIRON[\"RMQUP_MATCH\"]; n = 0 }"
    " { n++; parent[$1] = $2; if ($3 ~ /Z/) next;"
    " line = $0; sub(/^[ \\t]*[0-9]+[ \\t]+[0-9]+[ \\t]+[^ \\t]+[ \\t]*/, \"\", line);"
    " if (m != \"\" && hit_at_word_end(line, m)) hit[$1] = 1 }"
    " END { p = self; k = 0;"
    " while (p != \"\" && p != \"0\" && k < 4096) { probe[p] = 1; p = parent[p]; k++ }"
    " for (q in hit) { r = parent[q]; k = 0;"
    " while (r != \"\" && r != \"0\" && k < 4096) { if (r in hit) inner[r] = 1; r = parent[r]; k++ } }"
    " for (q in hit) if (!(q in probe) && !(q in inner)) print \"pid \" q;"
    " if (n > 0) print \"probe-ok\" }";

// True while the pid names a live (non-zombie) process: orphans are not always reaped at once.
constexpr const char* k_alive_fn =
    "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) || return 1; case \"$s\" in *Z*|'') return 1;; esac; "
    "return 0; }; ";

std::string octal_escaped(const std::string& value) {
    std::string out;
    char buf[8];
    for (unsigned char c : value) {
        std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(c));
        out += buf;
    }
    return out;
}

}  // namespace

std::string seconds_text(std::chrono::milliseconds d) {
    const long long ms = d.count() < 0 ? 0 : static_cast<long long>(d.count());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", ms / 1000, ms % 1000);
    return buf;
}

std::string find_processes(const std::string& match) {
    return "RMQUP_MATCH=\"$(printf '" + octal_escaped(match) + "')\"; export RMQUP_MATCH; " +
           "ps -ww -eo pid=,ppid=,stat=,args= | awk -v self=\"$$\" " + shell_quote(k_find_awk);
}

std::string signal_and_wait(int pid, const char* signal, int max_polls, std::chrono::milliseconds interval) {
    const std::string p = std::to_string(pid);
    return std::string(k_alive_fn) + "kill -" + signal + " " + p + " 2>/dev/null; n=0; while alive " + p +
           "; do if [ \"$n\" -ge " + std::to_string(max_polls) + " ]; then echo alive; exit 0; fi; sleep " +
           seconds_text(interval) + "; n=$((n+1)); done; echo gone";
}

std::string start_detached(const std::string& start_command, const std::string& log_path,
                           std::chrono::milliseconds settle, int tail_lines) {
    const std::string log = shell_quote(log_path);
    return std::string(k_alive_fn) + "before=$(wc -c 2>/dev/null < " + log + ") || before=0; " +
           render_detached_start(start_command, log_path) + " pid=$!; sleep " + seconds_text(settle) +
           "; if alive \"$pid\"; then echo \"started $pid\"; else echo \"exited $pid\"; tail -c +$((before + 1)) " +
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
