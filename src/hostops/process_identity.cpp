// Parsers of socket listings, /proc dumps and RocketMQ command lines (see process_identity.hpp).
#include "rmqup/hostops/process_identity.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace rmqup {
namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const auto end = s.find(sep, pos);
        out.push_back(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return out;
}

std::optional<int> to_int(const std::string& s, int base = 10) {
    if (s.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        const long v = std::stol(s, &used, base);
        if (used != s.size() || v < 0 || v > 0x7fffffff) return std::nullopt;
        return static_cast<int>(v);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// "[::ffff:127.0.0.1]" / "127.0.0.1%lo" / "::ffff:10.0.0.1" -> the plain address.
std::string normalize_ip(std::string ip) {
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (const auto pct = ip.find('%'); pct != std::string::npos) ip = ip.substr(0, pct);
    if (starts_with(ip, "::ffff:") && ip.find('.') != std::string::npos) ip = ip.substr(7);
    return ip;
}

// Four bytes of /proc/net/tcp hex as the kernel printed them (one 32-bit word, host order).
std::string ipv4_from_word(const std::string& hex8) {
    const auto word = std::stoul(hex8, nullptr, 16);
    char buf[20];
    std::snprintf(buf, sizeof buf, "%lu.%lu.%lu.%lu", word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff,
                  (word >> 24) & 0xff);
    return buf;
}

// 32 hex digits of /proc/net/tcp6: four words, each in host (little-endian) order.
std::string ipv6_from_words(const std::string& hex32) {
    unsigned char bytes[16];
    for (int w = 0; w < 4; ++w) {
        const auto word = std::stoul(hex32.substr(static_cast<std::size_t>(w) * 8, 8), nullptr, 16);
        for (int b = 0; b < 4; ++b) bytes[w * 4 + b] = static_cast<unsigned char>((word >> (8 * b)) & 0xff);
    }
    bool mapped = true;
    for (int i = 0; i < 10; ++i) mapped = mapped && bytes[i] == 0;
    mapped = mapped && bytes[10] == 0xff && bytes[11] == 0xff;
    char buf[64];
    if (mapped) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
        return buf;
    }
    // RFC 5952 text: the longest run of two or more zero groups becomes "::".
    int groups[8];
    for (int i = 0; i < 8; ++i) groups[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
    int best = -1;
    int best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ":";
        std::snprintf(buf, sizeof buf, "%x", groups[i]);
        out += buf;
    }
    return out;
}

bool is_wildcard(const std::string& ip) { return ip == "0.0.0.0" || ip == "::" || ip == "*" || ip.empty(); }

bool is_ipv6(const std::string& ip) { return ip.find(':') != std::string::npos; }

}  // namespace

std::optional<std::pair<std::string, int>> split_address(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const auto port = to_int(address.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) return std::nullopt;
    return std::make_pair(normalize_ip(address.substr(0, colon)), *port);
}

std::vector<ListeningSocket> parse_ss_listeners(const std::string& output) {
    std::vector<ListeningSocket> out;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        const auto w = words(line);
        // State Recv-Q Send-Q Local:Port Peer:Port [Process]
        if (w.size() < 5 || w[0] == "State") continue;
        auto local = split_address(w[3]);
        if (!local) continue;
        ListeningSocket s;
        s.ip = local->first;
        s.port = local->second;
        for (auto at = line.find("pid="); at != std::string::npos; at = line.find("pid=", at + 4)) {
            std::size_t end = at + 4;
            while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end]))) ++end;
            if (auto pid = to_int(line.substr(at + 4, end - at - 4))) {
                if (std::find(s.pids.begin(), s.pids.end(), *pid) == s.pids.end()) s.pids.push_back(*pid);
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<ListeningSocket> parse_proc_net_tcp(const std::string& text) {
    std::vector<ListeningSocket> out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        const auto w = words(line);
        if (w.size() < 10 || w[3] != "0A") continue;
        const auto colon = w[1].find(':');
        if (colon == std::string::npos) continue;
        const std::string hex_ip = w[1].substr(0, colon);
        const auto port = to_int(w[1].substr(colon + 1), 16);
        if (!port) continue;
        ListeningSocket s;
        try {
            if (hex_ip.size() == 8) {
                s.ip = ipv4_from_word(hex_ip);
            } else if (hex_ip.size() == 32) {
                s.ip = ipv6_from_words(hex_ip);
            } else {
                continue;
            }
            s.inode = std::stoul(w[9]);
        } catch (const std::exception&) {
            continue;
        }
        s.port = *port;
        out.push_back(std::move(s));
    }
    return out;
}

bool listens_for(const std::string& socket_ip, const std::string& want_ip) {
    const std::string s = normalize_ip(socket_ip);
    const std::string w = normalize_ip(want_ip);
    if (s == w) return true;
    if (s == "0.0.0.0") return !is_ipv6(w);
    return is_wildcard(s);  // "::" and "*" (dual-stack) take IPv4 and IPv6
}

std::vector<std::string> split_cmdline(const std::string& raw) {
    std::vector<std::string> argv;
    if (raw.empty()) return argv;
    std::string text = raw;
    if (text.back() == '\0') text.pop_back();
    return split(text, '\0');
}

std::optional<std::string> decode_hex(const std::string& hex) {
    std::string out;
    int high = -1;
    for (char c : hex) {
        int v;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
        } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            continue;
        } else {
            return std::nullopt;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<char>(high * 16 + v));
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

CommandLineFacts parse_command_line(const std::vector<std::string>& argv, const std::string& env_home) {
    CommandLineFacts f;
    std::string cp_home;
    std::string ext_home;
    std::string prop_home;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        const bool has_next = i + 1 < argv.size();
        if ((a == "-cp" || a == "-classpath" || a == "--class-path") && has_next) {
            for (const auto& entry : split(argv[i + 1], ':')) {
                if (cp_home.empty() && ends_with(entry, "/lib/*")) cp_home = entry.substr(0, entry.size() - 6);
            }
            ++i;
        } else if (starts_with(a, "-Djava.ext.dirs=")) {
            // ${JAVA_HOME}/jre/lib/ext:${BASE_DIR}/lib:${JAVA_HOME}/lib/ext: the one ending in /lib.
            for (const auto& entry : split(a.substr(16), ':')) {
                if (ext_home.empty() && ends_with(entry, "/lib")) ext_home = entry.substr(0, entry.size() - 4);
            }
        } else if (starts_with(a, "-Drocketmq.home.dir=")) {
            prop_home = a.substr(20);
        } else if ((a == "-c" || a == "--configFile" || a == "--config") && has_next) {
            if (f.config_arg.empty()) f.config_arg = argv[i + 1];
            ++i;
        } else if (starts_with(a, "--configFile=") || starts_with(a, "--config=")) {
            if (f.config_arg.empty()) f.config_arg = a.substr(a.find('=') + 1);
        } else if (!f.kind && (ends_with(a, "BrokerStartup") || ends_with(a, "BrokerContainerStartup") ||
                                  ends_with(a, "ProxyStartup") || (i == 1 && a == "broker"))) {
            f.kind = ProcessKind::broker;
        } else if (!f.kind && (ends_with(a, "NamesrvStartup") || (i == 1 && a == "namesrv"))) {
            f.kind = ProcessKind::nameserver;
        }
    }
    const std::pair<const std::string*, HomeSource> order[] = {{&cp_home, HomeSource::classpath_lib},
                                                               {&ext_home, HomeSource::ext_dirs},
                                                               {&prop_home, HomeSource::home_dir_property},
                                                               {&env_home, HomeSource::environment}};
    for (const auto& [home, source] : order) {
        if (!home->empty()) {
            f.home = *home;
            f.home_source = source;
            break;
        }
    }
    return f;
}

Result<ListenerProbe> parse_listener_probe(const std::string& output) {
    ListenerProbe probe;
    std::string raw_sockets;
    std::vector<std::pair<unsigned long, int>> inode_pids;
    bool ended = false;
    auto hex_value = [](const std::string& line, std::size_t skip) -> std::string {
        if (line.size() <= skip) return {};
        return decode_hex(line.substr(skip)).value_or(std::string());
    };
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (starts_with(line, "= ")) {
            raw_sockets += line.substr(2) + "\n";
        } else if (line == "@ss") {
            probe.ss_available = true;
        } else if (starts_with(line, "@user ")) {
            probe.user = line.substr(6);
        } else if (starts_with(line, "@spec-config")) {
            probe.spec_config = hex_value(line, 13);
        } else if (starts_with(line, "@spec-home")) {
            probe.spec_home = hex_value(line, 11);
        } else if (starts_with(line, "@inode ")) {
            const auto w = words(line);
            const auto pid = w.size() == 3 ? to_int(w[2]) : std::nullopt;
            if (pid) inode_pids.emplace_back(std::stoul(w[1]), *pid);
        } else if (starts_with(line, "@pid ")) {
            ProcessDump d;
            d.pid = to_int(line.substr(5)).value_or(0);
            probe.processes.push_back(std::move(d));
        } else if (!probe.processes.empty() && starts_with(line, "@cmdline")) {
            probe.processes.back().argv = split_cmdline(hex_value(line, 9));
            probe.processes.back().readable = true;
        } else if (!probe.processes.empty() && starts_with(line, "@cwd")) {
            probe.processes.back().cwd = hex_value(line, 5);
        } else if (!probe.processes.empty() && starts_with(line, "@env-home")) {
            probe.processes.back().env_home = hex_value(line, 10);
        } else if (line == "@end") {
            ended = true;
        }
    }
    if (!ended) return make_error(ErrorKind::protocol, "the listener probe printed no end marker (is sh/od available?)");
    probe.sockets = probe.ss_available ? parse_ss_listeners(raw_sockets) : parse_proc_net_tcp(raw_sockets);
    if (!probe.ss_available) {
        for (auto& s : probe.sockets) {
            for (const auto& [inode, pid] : inode_pids) {
                if (inode == s.inode && std::find(s.pids.begin(), s.pids.end(), pid) == s.pids.end()) s.pids.push_back(pid);
            }
        }
    }
    return probe;
}

const char* to_string(HomeSource source) {
    switch (source) {
        case HomeSource::classpath_lib: return "classpath";
        case HomeSource::ext_dirs: return "java.ext.dirs";
        case HomeSource::home_dir_property: return "-Drocketmq.home.dir";
        case HomeSource::environment: return "ROCKETMQ_HOME";
        case HomeSource::none: break;
    }
    return "";
}

std::string describe_identity(const ProcessIdentity& identity) {
    std::string out = "pid " + std::to_string(identity.pid) + " (home ";
    out += identity.home.empty() ? std::string("unknown") : identity.home;
    if (!identity.home_source.empty()) out += " from " + identity.home_source;
    out += ", config " + (identity.config_path.empty() ? std::string("none") : identity.config_path) + ")";
    return out;
}

std::optional<std::string> jar_version(const std::string& file_name, const std::string& module) {
    const std::string prefix = module + "-";
    if (!starts_with(file_name, prefix) || !ends_with(file_name, ".jar")) return std::nullopt;
    const std::string version = file_name.substr(prefix.size(), file_name.size() - prefix.size() - 4);
    // "rocketmq-broker-4.9.7.jar" but not "rocketmq-broker-ext-1.0.jar" for module rocketmq-broker.
    if (version.empty() || !std::isdigit(static_cast<unsigned char>(version[0]))) return std::nullopt;
    return version;
}

}  // namespace rmqup
