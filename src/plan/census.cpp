// Client census: consumer groups are found from %RETRY%<group> topics (every consumer group that
// subscribed once has one); the admin protocol of 4.x has no way to list producer groups. Also the
// 4.x ACL white-list rules the census is compared with when ACL is switched on.
#include "rmqup/plan/census.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

#include "rmqup/core/version.hpp"

namespace rmqup {

namespace {

// "4.9.7" for a known MQVersion ordinal (SNAPSHOT ordinals name their release), else "".
std::string version_name(int ordinal) {
    auto v = RmqVersion::from_ordinal(ordinal);
    return v ? v->str() : std::string();
}

void add_connections(ClientCensus& census, ClientGroupKind kind, const std::string& group, const std::string& broker,
                     const std::vector<rmq::Connection>& conns, std::set<std::string>& seen) {
    for (const auto& c : conns) {
        // The same client is connected to every broker (from another local port each): list it once
        // per group, by its clientId.
        if (!seen.insert(group + "\n" + c.client_id).second) continue;
        census.clients.push_back(ClientEntry{kind, group, broker, c.client_id, c.client_addr, c.language, c.version,
                                             version_name(c.version)});
    }
}

}  // namespace

ClientCensus take_census(BrokerAdmin& admin, const std::vector<std::string>& master_addresses,
                         const std::vector<std::string>& producer_groups) {
    ClientCensus census;
    std::set<std::string> seen;
    // consumer group -> masters where it has a retry topic
    std::map<std::string, std::vector<std::string>> consumer_groups;
    for (const auto& addr : master_addresses) {
        auto table = admin.all_topic_config(addr);
        if (!table) {
            census.notes.push_back("master " + addr + " did not answer GET_ALL_TOPIC_CONFIG: " + table.error().describe());
            continue;
        }
        for (const auto& [topic, tc] : table->topic_config_table) {
            if (topic.rfind("%RETRY%", 0) == 0) consumer_groups[topic.substr(7)].push_back(addr);
        }
    }
    for (const auto& [group, brokers] : consumer_groups) {
        bool answered = false;
        for (const auto& b : brokers) {
            auto conns = admin.consumer_connections(b, group);
            if (!conns) continue;  // no online consumer of this group on that broker
            answered = true;
            add_connections(census, ClientGroupKind::consumer, group, b, conns->connection_set, seen);
        }
        if (!answered) census.notes.push_back("consumer group " + group + ": no online consumers");
    }
    for (const auto& group : producer_groups) {
        bool answered = false;
        for (const auto& b : master_addresses) {
            auto conns = admin.producer_connections(b, group);
            if (!conns) continue;
            answered = true;
            add_connections(census, ClientGroupKind::producer, group, b, conns->connection_set, seen);
        }
        if (!answered) census.notes.push_back("producer group " + group + ": no online producers");
    }
    if (producer_groups.empty()) {
        census.notes.push_back("producer groups cannot be listed through the admin protocol: name them with --producer-group");
    }
    std::sort(census.clients.begin(), census.clients.end(), [](const ClientEntry& a, const ClientEntry& b) {
        return std::tie(a.kind, a.group, a.client_addr, a.client_id) < std::tie(b.kind, b.group, b.client_addr, b.client_id);
    });
    return census;
}

std::string census_to_text(const ClientCensus& census) {
    std::ostringstream out;
    out << "Clients (" << census.clients.size() << "):\n";
    for (const auto& c : census.clients) {
        out << "  " << (c.kind == ClientGroupKind::consumer ? "consumer " : "producer ") << c.group << "  " << c.client_addr
            << "  " << c.language << "  " << (c.version_name.empty() ? "ordinal " + std::to_string(c.version) : c.version_name)
            << "  " << c.client_id << "\n";
    }
    std::map<std::string, int> by_version;
    for (const auto& c : census.clients) ++by_version[c.language + " " + (c.version_name.empty() ? std::to_string(c.version) : c.version_name)];
    if (!by_version.empty()) {
        out << "Client versions:\n";
        for (const auto& [v, count] : by_version) out << "  " << v << ": " << count << "\n";
    }
    for (const auto& n : census.notes) out << "Note: " << n << "\n";
    return out.str();
}

ClientSigning client_signing(const std::string& language, int version_ordinal) {
    // The Java client signs (AclClientRPCHook) from rocketmq-all-4.4.0, where the acl module arrived.
    const auto first = RmqVersion{4, 4, 0};
    const auto v = RmqVersion::from_ordinal(version_ordinal);
    const bool before_acl = !v || *v < first;
    if (language == "JAVA") return before_acl ? ClientSigning::cannot_sign : ClientSigning::can_sign;
    return before_acl ? ClientSigning::cannot_sign : ClientSigning::unknown;
}

Result<PlainAclRules> parse_plain_acl(std::string_view text, const std::string& source) {
    PlainAclRules rules;
    try {
        YAML::Node root = YAML::Load(std::string(text));
        if (!root || root.IsNull()) return rules;
        if (!root.IsMap()) return make_error(ErrorKind::invalid_input, source + ": not a YAML mapping");
        if (auto g = root["globalWhiteRemoteAddresses"]; g && g.IsSequence()) {
            for (const auto& e : g) rules.global_white_remote_addresses.push_back(e.as<std::string>(""));
        } else if (g && g.IsScalar()) {
            rules.global_white_remote_addresses.push_back(g.as<std::string>(""));
        }
        if (auto accounts = root["accounts"]; accounts && accounts.IsSequence()) {
            for (const auto& a : accounts) {
                PlainAclRules::Account acc;
                acc.access_key = a["accessKey"].as<std::string>("");
                acc.white_remote_address = a["whiteRemoteAddress"].as<std::string>("");
                acc.admin = a["admin"].as<bool>(false);
                rules.accounts.push_back(std::move(acc));
            }
        }
    } catch (const YAML::Exception& e) {
        // The parser's message may quote the file: say where, not what (secret keys live there).
        return make_error(ErrorKind::invalid_input, source + ": not valid YAML (line " + std::to_string(e.mark.line + 1) + ")");
    }
    return rules;
}

namespace {

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const auto next = s.find(sep, pos);
        out.push_back(trim(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos)));
        if (next == std::string_view::npos) return out;
        pos = next + 1;
    }
}

std::optional<int> octet(const std::string& s) {
    int v = -1;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 255) return std::nullopt;
    return v;
}

bool is_ipv4(const std::string& s) {
    const auto parts = split(s, '.');
    return parts.size() == 4 && std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return octet(p).has_value(); });
}

// "10.1.*.*" / "10.1.1.1-9": the first of the 2nd..4th octets that is "*" or "a-b" is the range,
// the octets before it must be equal, the ones after it are not compared (4.8.0 semantics).
bool range_matches(const std::vector<std::string>& pattern, const std::vector<std::string>& ip) {
    for (std::size_t i = 1; i < 4; ++i) {
        int lo = 0, hi = 255;
        const std::string& seg = pattern[i];
        const auto dash = seg.find('-');
        const bool star = seg == "*";
        if (!star && (dash == std::string::npos || dash == 0)) continue;
        if (!star) {
            auto a = octet(seg.substr(0, dash));
            auto b = octet(seg.substr(dash + 1));
            if (!a || !b || *a > *b) return false;
            lo = *a;
            hi = *b;
        }
        for (std::size_t j = 0; j < i; ++j)
            if (pattern[j] != ip[j]) return false;
        const auto v = octet(ip[i]);
        return v && *v >= lo && *v <= hi;
    }
    return false;
}

}  // namespace

bool white_address_matches(const std::string& pattern_text, const std::string& ip) {
    const std::string pattern = trim(pattern_text);
    if (pattern.empty() || !is_ipv4(ip)) return false;
    if (pattern == "*" || pattern == "*.*.*.*") return true;
    if (pattern.back() == '}') {
        const auto brace = pattern.rfind('{');
        if (brace == std::string::npos || brace == 0 || pattern[brace - 1] != '.') return false;
        const std::string head = pattern.substr(0, brace);
        for (const auto& last : split(std::string_view(pattern).substr(brace + 1, pattern.size() - brace - 2), ','))
            if (head + last == ip) return true;
        return false;
    }
    if (pattern.find(',') != std::string::npos) {
        for (const auto& one : split(pattern, ','))
            if (one == ip) return true;
        return false;
    }
    if (pattern.find('*') != std::string::npos || pattern.find('-') != std::string::npos) {
        const auto parts = split(pattern, '.');
        return parts.size() == 4 && range_matches(parts, split(ip, '.'));
    }
    return pattern == ip;
}

std::optional<std::string> global_white_entry(const PlainAclRules& rules, const std::string& ip) {
    for (const auto& entry : rules.global_white_remote_addresses)
        if (white_address_matches(entry, ip)) return entry;
    return std::nullopt;
}

}  // namespace rmqup
