// Schema of the inventory (docs/inventory.md) and the cross-field checks that need source
// locations. Everything is collected so one run shows every mistake.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <unistd.h>

#include "rmqup/core/version.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "yaml_reader.hpp"

namespace rmqup {

using inventory_detail::closest;
using inventory_detail::join;
using inventory_detail::Need;
using inventory_detail::YamlReader;

namespace {

const std::vector<std::string> k_top_keys = {
    "cluster", "targetVersion", "currentVersion", "defaults", "hosts", "nameServers", "brokerGroups",
    "commands", "acl", "allowPlaintextSecrets", "policy"};
const std::vector<std::string> k_host_setting_keys = {
    "user", "port", "identityFile", "passphrase", "knownHosts", "acceptNewHostKeys", "sudo", "transport",
    "currentHome", "targetHome", "javaHome"};
const std::vector<std::string> k_ns_keys = {"address", "host", "config", "processMatch"};
const std::vector<std::string> k_group_keys = {"brokerName", "members"};
const std::vector<std::string> k_member_keys = {"brokerName", "brokerId", "role", "address", "host", "config",
                                                "storePathRootDir", "overrides"};
const std::vector<std::string> k_command_keys = {"brokerStart", "nameServerStart", "brokerStop", "nameServerStop",
                                                 "nameServerMatch", "brokerLog", "nameServerLog"};
const std::vector<std::string> k_acl_keys = {"accessKey", "secretKey"};
const std::vector<std::string> k_policy_keys = {"nameServerOrder", "slavesFirst", "parallel", "maxPerHost",
                                                "batchSize", "canary", "pauseAfterCanary", "pauseAfter",
                                                "healthGate", "drain", "timeouts", "probeTopic",
                                                "onFailure", "killPolicy", "carryAclFile"};
const std::vector<std::string> k_health_gate_keys = {"minPutTpsRatio"};
const std::vector<std::string> k_drain_keys = {"tpsThreshold", "minWait", "quietPeriod", "timeout", "pollInterval",
                                               "slaveLagBytes", "allowShortDrainForTests"};
const std::vector<std::string> k_timeout_keys = {"stop", "start", "registration", "request", "verify"};
const std::vector<std::string> k_placeholders = {"{home}", "{config}", "{log}", "{javaHome}", "{brokerName}",
                                                 "{brokerId}", "{address}"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

bool is_env_ref(std::string_view s) {
    if (s.size() < 4 || s.substr(0, 2) != "${" || s.back() != '}') return false;
    for (std::size_t i = 2; i + 1 < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (i > 2 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

bool is_file_ref(std::string_view s) { return s.size() > 6 && s.substr(0, 6) == "file:/"; }

bool valid_address(std::string_view a) {
    auto colon = a.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 >= a.size()) return false;
    int port = 0;
    for (char c : a.substr(colon + 1)) {
        if (c < '0' || c > '9') return false;
        port = port * 10 + (c - '0');
        if (port > 65535) return false;
    }
    return port > 0;
}

std::string expand_home(const std::string& path) {
    if (path.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        return std::string(home ? home : "") + path.substr(1);
    }
    return path;
}

class InventoryParser {
public:
    InventoryParser(const std::string& source, Inventory& inv) : m_r(source), m_inv(inv) {}

    void parse(const YAML::Node& root);
    const std::vector<std::string>& diagnostics() const { return m_r.diagnostics(); }

private:
    struct HostSettings {
        std::optional<std::string> user, identity, passphrase, known_hosts, transport, current_home, target_home, java_home;
        std::optional<std::int64_t> port;
        std::optional<bool> accept_new, sudo;
        YAML::Mark mark;
    };
    HostSettings read_host_settings(const YAML::Node& n);
    void parse_hosts(const YAML::Node& root);
    void parse_nameservers(const YAML::Node& root);
    void parse_groups(const YAML::Node& root);
    void parse_member(const YAML::Node& m, InvBrokerGroup& g);
    void parse_commands(const YAML::Node& n);
    void parse_acl(const YAML::Node& n);
    void parse_policy(const YAML::Node& n);
    void parse_waves(const YAML::Node& n);
    void parse_pause_after(const YAML::Node& n);
    void parse_pause_after_canary(const YAML::Node& n);
    void parse_health_gate(const YAML::Node& n);
    void check_secret_ref(const YAML::Node& map, const char* key, const std::string& value);
    bool check_host_ref(const YAML::Node& map, const std::string& host);
    void check_address(const YAML::Node& map, const std::string& address, const std::string& who);
    void check_absolute(const YAML::Node& map, const char* key, const std::string& path);
    void check_template(const YAML::Node& map, const char* key, const std::string& text);

    YamlReader m_r;
    Inventory& m_inv;
    bool m_allow_plaintext = false;
    std::map<std::string, std::pair<std::string, YAML::Mark>> m_addresses;  // address -> (who, where)
    std::map<std::pair<std::string, std::string>, std::string> m_host_configs;   // (host, config) -> who
    std::map<std::pair<std::string, std::string>, std::string> m_host_stores;    // (host, store) -> who
};

void InventoryParser::check_secret_ref(const YAML::Node& map, const char* key, const std::string& value) {
    if (value.empty() || is_env_ref(value) || is_file_ref(value)) return;
    if (m_allow_plaintext) return;
    m_r.error(map[key].Mark(), std::string("'") + key +
                                   "' holds a plain-text secret, refused (set allowPlaintextSecrets: true to allow it); "
                                   "allowed: \"${ENV_VAR}\" or \"file:/absolute/path\"");
}

bool InventoryParser::check_host_ref(const YAML::Node& map, const std::string& host) {
    if (m_inv.find_host(host)) return true;
    std::vector<std::string> names;
    for (const auto& h : m_inv.hosts) names.push_back(h.access.name);
    std::string msg = "unknown host '" + host + "'";
    if (auto hint = closest(host, names)) msg += " (did you mean '" + *hint + "'?)";
    m_r.error(map["host"].Mark(), msg + "; allowed: " + join(names, ", "));
    return false;
}

void InventoryParser::check_address(const YAML::Node& map, const std::string& address, const std::string& who) {
    auto mark = map["address"].Mark();
    if (!valid_address(address)) {
        m_r.error(mark, "invalid address '" + address + "' for " + who + "; allowed: host:port, e.g. 127.0.0.1:10911");
        return;
    }
    auto [it, inserted] = m_addresses.emplace(address, std::make_pair(who, mark));
    if (!inserted) {
        m_r.error(mark, "address " + address + " of " + who + " is listed twice (also " + it->second.first + " at " +
                            m_r.location(it->second.second) + "); allowed: each address once");
    }
}

void InventoryParser::check_absolute(const YAML::Node& map, const char* key, const std::string& path) {
    if (!path.empty() && path[0] == '/') return;
    m_r.error(map[key].Mark(), std::string("'") + key + "' must be an absolute path, got '" + path +
                                   "'; allowed: a path starting with /");
}

void InventoryParser::check_template(const YAML::Node& map, const char* key, const std::string& text) {
    for (std::size_t pos = text.find('{'); pos != std::string::npos; pos = text.find('{', pos + 1)) {
        auto end = text.find('}', pos);
        if (end == std::string::npos) break;
        auto ph = text.substr(pos, end - pos + 1);
        if (std::find(k_placeholders.begin(), k_placeholders.end(), ph) == k_placeholders.end()) {
            m_r.error(map[key].Mark(), std::string("unknown placeholder ") + ph + " in '" + key +
                                           "'; allowed: " + join(k_placeholders, " "));
        }
    }
}

InventoryParser::HostSettings InventoryParser::read_host_settings(const YAML::Node& n) {
    HostSettings s;
    s.mark = n.Mark();
    s.user = m_r.str(n, "user", Need::optional, "host");
    s.port = m_r.integer(n, "port", 1, 65535);
    s.identity = m_r.str(n, "identityFile", Need::optional, "host");
    s.passphrase = m_r.str(n, "passphrase", Need::optional, "host");
    if (s.passphrase) check_secret_ref(n, "passphrase", *s.passphrase);
    s.known_hosts = m_r.str(n, "knownHosts", Need::optional, "host");
    s.accept_new = m_r.boolean(n, "acceptNewHostKeys");
    s.sudo = m_r.boolean(n, "sudo");
    s.transport = m_r.choice(n, "transport", {"ssh", "local"});
    s.current_home = m_r.str(n, "currentHome", Need::optional, "host");
    if (s.current_home) check_absolute(n, "currentHome", *s.current_home);
    s.target_home = m_r.str(n, "targetHome", Need::optional, "host");
    if (s.target_home) check_absolute(n, "targetHome", *s.target_home);
    s.java_home = m_r.str(n, "javaHome", Need::optional, "host");
    if (s.java_home) check_absolute(n, "javaHome", *s.java_home);
    if (s.identity && !s.identity->empty()) {
        auto path = expand_home(*s.identity);
        if (::access(path.c_str(), R_OK) != 0) {
            m_r.error(n["identityFile"].Mark(), "identity file '" + *s.identity +
                                                    "' is not readable; allowed: a readable private key file");
        }
    }
    return s;
}

void InventoryParser::parse_hosts(const YAML::Node& root) {
    HostSettings defaults;
    if (auto d = root["defaults"]; d && !d.IsNull()) {
        if (m_r.expect_map(d, "defaults", k_host_setting_keys)) defaults = read_host_settings(d);
    }
    auto hosts = root["hosts"];
    if (!hosts || hosts.IsNull()) {
        m_r.error(root.Mark(), "missing key 'hosts'; allowed: a list of hosts with name and address");
        return;
    }
    if (!m_r.expect_sequence(hosts, "hosts")) return;
    for (const auto& h : hosts) {
        if (!m_r.expect_map(h, "hosts[]", with({"name", "address"}, k_host_setting_keys))) continue;
        auto s = read_host_settings(h);
        InvHost host;
        host.access.name = m_r.str(h, "name", Need::required, "host").value_or("");
        host.access.address = m_r.str(h, "address", Need::required, "host").value_or("");
        if (host.access.name.empty()) continue;
        if (m_inv.find_host(host.access.name)) {
            m_r.error(h["name"].Mark(), "host '" + host.access.name + "' is listed twice; allowed: each host name once");
            continue;
        }
        auto pick = [](const auto& own, const auto& def, auto fallback) { return own ? *own : def ? *def : fallback; };
        host.access.user = pick(s.user, defaults.user, std::string());
        host.access.port = static_cast<int>(pick(s.port, defaults.port, std::int64_t{22}));
        host.access.identity_file = pick(s.identity, defaults.identity, std::string());
        host.access.passphrase_ref = pick(s.passphrase, defaults.passphrase, std::string());
        host.access.known_hosts = pick(s.known_hosts, defaults.known_hosts, std::string());
        host.access.accept_new_host_keys = pick(s.accept_new, defaults.accept_new, false);
        host.access.sudo = pick(s.sudo, defaults.sudo, false);
        host.access.transport = pick(s.transport, defaults.transport, std::string("ssh")) == "local"
                                    ? HostAccess::Transport::local
                                    : HostAccess::Transport::ssh;
        host.access.java_home = pick(s.java_home, defaults.java_home, std::string());
        host.current_home = pick(s.current_home, defaults.current_home, std::string());
        host.target_home = pick(s.target_home, defaults.target_home, std::string());
        for (auto [key, value] : {std::pair{"currentHome", &host.current_home}, std::pair{"targetHome", &host.target_home}}) {
            if (value->empty()) {
                m_r.error(h.Mark(), "host '" + host.access.name + "' has no " + key +
                                        " (set it on the host or in defaults); allowed: an absolute path");
            }
        }
        m_inv.hosts.push_back(std::move(host));
    }
}

void InventoryParser::parse_nameservers(const YAML::Node& root) {
    auto list = root["nameServers"];
    if (!list || list.IsNull() || (list.IsSequence() && list.size() == 0)) {
        m_r.error(list ? list.Mark() : root.Mark(), "no NameServers listed ('nameServers'); allowed: a non-empty list");
        return;
    }
    if (!m_r.expect_sequence(list, "nameServers")) return;
    std::map<std::pair<std::string, std::string>, std::string> matches;
    for (const auto& n : list) {
        if (!m_r.expect_map(n, "nameServers[]", k_ns_keys)) continue;
        InvNameServer ns;
        ns.address = m_r.str(n, "address", Need::required, "nameServers[]").value_or("");
        ns.host = m_r.str(n, "host", Need::required, "nameServers[]").value_or("");
        ns.config = m_r.str(n, "config", Need::optional, "nameServers[]").value_or("");
        if (!ns.config.empty()) check_absolute(n, "config", ns.config);
        ns.process_match = m_r.str(n, "processMatch", Need::optional, "nameServers[]").value_or("");
        if (!ns.address.empty()) check_address(n, ns.address, "NameServer " + ns.address);
        if (!ns.host.empty() && check_host_ref(n, ns.host)) {
            std::string match = !ns.process_match.empty()             ? ns.process_match
                              : !m_inv.commands.nameserver_match.empty() ? m_inv.commands.nameserver_match
                              : !ns.config.empty()                        ? "-c " + ns.config
                                                                          : std::string("NamesrvStartup");
            auto [it, inserted] = matches.emplace(std::make_pair(ns.host, match), ns.address);
            if (!inserted) {
                m_r.error(n.Mark(), "NameServers " + it->second + " and " + ns.address + " on host '" + ns.host +
                                        "' share the process match '" + match +
                                        "': stop must target exactly one process; allowed: a distinct processMatch "
                                        "(or config) per NameServer on a host");
            }
        }
        m_inv.nameservers.push_back(std::move(ns));
    }
}

void InventoryParser::parse_member(const YAML::Node& m, InvBrokerGroup& g) {
    if (!m_r.expect_map(m, "members[]", k_member_keys)) return;
    InvBroker b;
    b.broker_name = g.broker_name;
    if (auto name = m_r.str(m, "brokerName", Need::optional, "members[]"); name && *name != g.broker_name) {
        m_r.error(m["brokerName"].Mark(), "member brokerName '" + *name + "' differs from its group's '" +
                                              g.broker_name + "'; allowed: " + g.broker_name);
    }
    auto id = m_r.integer(m, "brokerId", 0, 1000000);
    if (!m["brokerId"]) m_r.error(m.Mark(), "missing key 'brokerId' in members[]; allowed: 0 (master) or 1.. (slave)");
    b.broker_id = id.value_or(-1);
    auto role = m_r.choice(m, "role", {"ASYNC_MASTER", "SYNC_MASTER", "SLAVE"});
    if (!m["role"]) m_r.error(m.Mark(), "missing key 'role' in members[]; allowed: ASYNC_MASTER, SYNC_MASTER, SLAVE");
    b.role = role == "SYNC_MASTER" ? BrokerRole::sync_master : role == "SLAVE" ? BrokerRole::slave : BrokerRole::async_master;
    std::string who = g.broker_name + "@" + std::to_string(b.broker_id);
    if (role && id) {
        bool master_role = b.role != BrokerRole::slave;
        if (master_role != (b.broker_id == 0)) {
            m_r.error(m["role"].Mark(), "broker " + who + " has role " + *role + " but brokerId " + std::to_string(b.broker_id) +
                                            "; allowed: brokerId 0 with ASYNC_MASTER/SYNC_MASTER, brokerId > 0 with SLAVE");
        }
    }
    b.address = m_r.str(m, "address", Need::required, "members[]").value_or("");
    b.host = m_r.str(m, "host", Need::required, "members[]").value_or("");
    b.config = m_r.str(m, "config", Need::required, "members[]").value_or("");
    b.store_path = m_r.str(m, "storePathRootDir", Need::required, "members[]").value_or("");
    if (!b.config.empty()) check_absolute(m, "config", b.config);
    if (!b.store_path.empty()) check_absolute(m, "storePathRootDir", b.store_path);
    if (!b.address.empty()) check_address(m, b.address, "broker " + who);
    if (!b.host.empty() && check_host_ref(m, b.host)) {
        if (!b.config.empty()) {
            auto [it, inserted] = m_host_configs.emplace(std::make_pair(b.host, b.config), who);
            if (!inserted) {
                m_r.error(m["config"].Mark(), "brokers " + it->second + " and " + who + " on host '" + b.host +
                                                  "' use the same config " + b.config +
                                                  ": stop must target exactly one process; allowed: a distinct config path per broker on a host");
            }
        }
        if (!b.store_path.empty()) {
            auto [it, inserted] = m_host_stores.emplace(std::make_pair(b.host, b.store_path), who);
            if (!inserted) {
                m_r.error(m["storePathRootDir"].Mark(), "brokers " + it->second + " and " + who + " on host '" + b.host +
                                                            "' share storePathRootDir " + b.store_path +
                                                            "; allowed: a distinct store per broker on a host");
            }
        }
    }
    if (auto o = m["overrides"]; o && !o.IsNull()) {
        if (!o.IsMap()) {
            m_r.error(o.Mark(), "'overrides' must be a mapping of broker.properties keys to values; allowed: e.g. aclEnable: true");
        } else {
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (!it->second.IsScalar()) {
                    m_r.error(it->second.Mark(), "override '" + it->first.Scalar() + "' must be a scalar value; allowed: a string, number or boolean");
                    continue;
                }
                b.overrides.emplace_back(it->first.Scalar(), it->second.Scalar());
            }
        }
    }
    for (const auto& other : g.members) {
        if (id && other.broker_id == b.broker_id) {
            m_r.error(m["brokerId"].Mark(), "duplicate brokerId " + std::to_string(b.broker_id) + " in group " + g.broker_name +
                                                "; allowed: each brokerId once per group");
        } else if (role && b.role != BrokerRole::slave && other.role != BrokerRole::slave) {
            m_r.error(m["role"].Mark(), "two masters in group " + g.broker_name + " (" + other.broker_name + "@" +
                                            std::to_string(other.broker_id) + " and " + who + "); allowed: one master (brokerId 0) per group");
        }
    }
    g.members.push_back(std::move(b));
}

void InventoryParser::parse_groups(const YAML::Node& root) {
    auto list = root["brokerGroups"];
    if (!list || list.IsNull() || (list.IsSequence() && list.size() == 0)) {
        m_r.error(list ? list.Mark() : root.Mark(), "no broker groups listed ('brokerGroups'); allowed: a non-empty list");
        return;
    }
    if (!m_r.expect_sequence(list, "brokerGroups")) return;
    for (const auto& n : list) {
        if (!m_r.expect_map(n, "brokerGroups[]", k_group_keys)) continue;
        InvBrokerGroup g;
        g.broker_name = m_r.str(n, "brokerName", Need::required, "brokerGroups[]").value_or("");
        if (g.broker_name.empty()) continue;
        if (m_inv.find_group(g.broker_name)) {
            m_r.error(n["brokerName"].Mark(), "broker group '" + g.broker_name + "' is listed twice; allowed: each brokerName once");
            continue;
        }
        auto members = n["members"];
        if (!members || !members.IsSequence() || members.size() == 0) {
            m_r.error(members ? members.Mark() : n.Mark(), "group " + g.broker_name + " has no members; allowed: a non-empty list of members");
            continue;
        }
        for (const auto& m : members) parse_member(m, g);
        bool has_master = std::any_of(g.members.begin(), g.members.end(), [](const InvBroker& b) { return b.broker_id == 0; });
        if (!has_master && !g.members.empty()) {
            m_r.error(members.Mark(), "group " + g.broker_name + " has no master; allowed: exactly one member with brokerId 0");
        }
        m_inv.broker_groups.push_back(std::move(g));
    }
}

void InventoryParser::parse_commands(const YAML::Node& n) {
    if (!n || n.IsNull() || !m_r.expect_map(n, "commands", k_command_keys)) return;
    auto& c = m_inv.commands;
    auto read = [&](const char* key, std::string& out) {
        if (auto v = m_r.str(n, key, Need::optional, "commands")) {
            check_template(n, key, *v);
            out = *v;
        }
    };
    read("brokerStart", c.broker_start);
    read("nameServerStart", c.nameserver_start);
    read("brokerStop", c.broker_stop);
    read("nameServerStop", c.nameserver_stop);
    read("nameServerMatch", c.nameserver_match);
    read("brokerLog", c.broker_log);
    read("nameServerLog", c.nameserver_log);
}

void InventoryParser::parse_acl(const YAML::Node& n) {
    if (!n || n.IsNull() || !m_r.expect_map(n, "acl", k_acl_keys)) return;
    m_inv.acl.access_key = m_r.str(n, "accessKey", Need::required, "acl").value_or("");
    m_inv.acl.secret_key_ref = m_r.str(n, "secretKey", Need::required, "acl").value_or("");
    check_secret_ref(n, "secretKey", m_inv.acl.secret_key_ref);
}

// parallel (batchSize is its deprecated alias) and maxPerHost.
void InventoryParser::parse_waves(const YAML::Node& n) {
    auto& p = m_inv.policy;
    auto parallel = m_r.integer(n, "parallel", 1, 1000);
    if (auto batch = m_r.integer(n, "batchSize", 1, 1000)) {
        m_inv.warnings.push_back(m_r.location(n["batchSize"].Mark()) +
                                 ": 'batchSize' is deprecated; it is read as 'parallel' (broker groups restarted together "
                                 "in one wave): write parallel: " + std::to_string(*batch));
        if (parallel) {
            m_r.error(n["batchSize"].Mark(), "both 'batchSize' and 'parallel' are set; allowed: parallel only "
                                             "(batchSize is its deprecated alias)");
        } else {
            parallel = batch;
        }
    }
    if (parallel) p.parallel = p.batch_size = static_cast<int>(*parallel);
    if (auto v = m_r.integer(n, "maxPerHost", 1, 1000)) p.max_per_host = static_cast<int>(*v);
}

// true: stop for approval once the canary group is done; a duration: observe the cluster that
// long, then stop for approval; false: neither.
void InventoryParser::parse_pause_after_canary(const YAML::Node& n) {
    auto v = n["pauseAfterCanary"];
    if (!v || v.IsNull()) return;
    auto& p = m_inv.policy;
    if (!n["canary"] || n["canary"].IsNull()) {
        m_r.error(v.Mark(), "'pauseAfterCanary' without 'canary': there is no canary group to stop after; allowed: "
                            "set canary (the group rolled first, alone), or use pauseAfter with wave numbers");
        return;
    }
    if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false")) {
        p.approve_after_canary = v.Scalar() == "true";
        return;
    }
    auto d = v.IsScalar() ? inventory_detail::parse_duration(v.Scalar()) : std::nullopt;
    if (!d) {
        m_r.error(v.Mark(), "'pauseAfterCanary' must be true, false or a duration" +
                                (v.IsScalar() ? ", got '" + v.Scalar() + "'" : std::string()) +
                                "; allowed: true (stop for approval after the canary), a duration such as 10m (observe "
                                "that long, then stop for approval), false");
        return;
    }
    p.pause_after_canary = *d;
    p.approve_after_canary = true;
}

// A list of wave numbers (from 1, as the plan prints them) or the word every.
void InventoryParser::parse_pause_after(const YAML::Node& n) {
    auto v = n["pauseAfter"];
    if (!v || v.IsNull()) return;
    auto& p = m_inv.policy;
    const std::string allowed = "; allowed: a list of wave numbers from 1 (as the plan prints them), e.g. [2, 5], or every";
    if (v.IsScalar()) {
        if (v.Scalar() == "every") p.pause_after_every_wave = true;
        else m_r.error(v.Mark(), "invalid value for 'pauseAfter': '" + v.Scalar() + "'" + allowed);
        return;
    }
    if (!v.IsSequence()) {
        m_r.error(v.Mark(), "'pauseAfter' must be a list of wave numbers or every" + allowed);
        return;
    }
    for (const auto& item : v) {
        long long wave = 0;
        if (!item.IsScalar() || !YAML::convert<long long>::decode(item, wave) || wave < 1 || wave > 1000000) {
            m_r.error(item.Mark(), "'pauseAfter' holds " + (item.IsScalar() ? "'" + item.Scalar() + "'" : std::string("a non-number")) +
                                       ", not a wave number" + allowed);
            continue;
        }
        p.pause_after_waves.push_back(static_cast<int>(wave));
    }
    std::sort(p.pause_after_waves.begin(), p.pause_after_waves.end());
    p.pause_after_waves.erase(std::unique(p.pause_after_waves.begin(), p.pause_after_waves.end()), p.pause_after_waves.end());
}

void InventoryParser::parse_health_gate(const YAML::Node& n) {
    auto h = n["healthGate"];
    if (!h || h.IsNull() || !m_r.expect_map(h, "policy.healthGate", k_health_gate_keys)) return;
    auto v = m_r.number(h, "minPutTpsRatio", 0);
    if (!v) return;
    if (*v > 1) {
        m_r.error(h["minPutTpsRatio"].Mark(), "'minPutTpsRatio' must be between 0 and 1, got '" + h["minPutTpsRatio"].Scalar() +
                                                  "'; allowed: a fraction of the pre-roll put TPS, e.g. 0.5 (0 disables the TPS part)");
        return;
    }
    m_inv.policy.health_gate.min_put_tps_ratio = *v;
}

void InventoryParser::parse_policy(const YAML::Node& n) {
    if (!n || n.IsNull() || !m_r.expect_map(n, "policy", k_policy_keys)) return;
    auto& p = m_inv.policy;
    if (auto v = m_r.choice(n, "nameServerOrder", {"first", "last"})) p.nameserver_order = *v == "last" ? NameServerOrder::last : NameServerOrder::first;
    if (auto v = m_r.boolean(n, "slavesFirst")) p.slaves_first = *v;
    parse_waves(n);
    if (auto v = m_r.str(n, "canary", Need::optional, "policy")) {
        p.canary_group = *v;
        if (!m_inv.broker_groups.empty() && !m_inv.find_group(*v)) {
            std::vector<std::string> names;
            for (const auto& g : m_inv.broker_groups) names.push_back(g.broker_name);
            std::string msg = "canary group '" + *v + "' is not a broker group of the inventory";
            if (auto hint = closest(*v, names)) msg += " (did you mean '" + *hint + "'?)";
            m_r.error(n["canary"].Mark(), msg + "; allowed: " + join(names, ", "));
        }
    }
    parse_pause_after_canary(n);
    parse_pause_after(n);
    parse_health_gate(n);
    if (auto v = m_r.str(n, "probeTopic", Need::optional, "policy")) p.probe_topic = *v;
    if (auto v = m_r.boolean(n, "carryAclFile")) p.carry_acl_file = *v;
    if (auto v = m_r.choice(n, "onFailure", {"rollback", "pause", "abort"})) {
        p.on_failure = *v == "pause" ? FailurePolicy::pause : *v == "abort" ? FailurePolicy::abort : FailurePolicy::rollback;
    }
    if (auto v = m_r.choice(n, "killPolicy", {"term-only", "kill-after-term"})) {
        p.kill_policy = *v == "kill-after-term" ? KillPolicy::kill_after_term : KillPolicy::term_only;
    }
    if (auto d = n["drain"]; d && !d.IsNull() && m_r.expect_map(d, "policy.drain", k_drain_keys)) {
        if (auto v = m_r.number(d, "tpsThreshold", 0)) p.drain.tps_threshold = *v;
        if (auto v = m_r.duration(d, "quietPeriod")) p.drain.quiet_period = *v;
        if (auto v = m_r.duration(d, "timeout")) p.drain.timeout = *v;
        if (auto v = m_r.duration(d, "pollInterval")) p.drain.poll_interval = *v;
        if (auto v = m_r.integer(d, "slaveLagBytes", 0, std::int64_t{1} << 50)) p.drain.slave_lag_bytes = *v;
        if (auto v = m_r.boolean(d, "allowShortDrainForTests")) m_inv.allow_short_drain_for_tests = *v;
        if (auto v = m_r.duration(d, "minWait")) {
            p.drain.min_wait = *v;
            if (*v < k_min_drain_wait && !m_inv.allow_short_drain_for_tests) {
                m_r.error(d["minWait"].Mark(), "drain minWait " + d["minWait"].Scalar() +
                                                   " is shorter than the clients' 30 s route refresh plus a 5 s margin; allowed: >= 35s "
                                                   "(allowShortDrainForTests: true only for rehearsals)");
            }
        }
        if (p.drain.timeout < p.drain.min_wait + p.drain.quiet_period) {
            m_r.error(d.Mark(), "drain timeout is shorter than minWait + quietPeriod; allowed: timeout >= minWait + quietPeriod");
        }
    }
    if (auto t = n["timeouts"]; t && !t.IsNull() && m_r.expect_map(t, "policy.timeouts", k_timeout_keys)) {
        auto& to = p.timeouts;
        if (auto v = m_r.duration(t, "stop")) to.stop = *v;
        if (auto v = m_r.duration(t, "start")) to.start = *v;
        if (auto v = m_r.duration(t, "registration")) to.registration = *v;
        if (auto v = m_r.duration(t, "request")) to.request = *v;
        if (auto v = m_r.duration(t, "verify")) to.verify = *v;
    }
}

void InventoryParser::parse(const YAML::Node& root) {
    if (!root.IsMap()) {
        m_r.error(root.Mark(), "the inventory must be a mapping; allowed keys: " + join(k_top_keys, ", "));
        return;
    }
    m_r.expect_map(root, "the inventory", k_top_keys);
    m_allow_plaintext = m_r.boolean(root, "allowPlaintextSecrets").value_or(false);
    m_inv.allow_plaintext_secrets = m_allow_plaintext;
    m_inv.cluster = m_r.str(root, "cluster", Need::required, "the inventory").value_or("");
    if (auto v = m_r.str(root, "targetVersion", Need::required, "the inventory")) {
        if (!RmqVersion::parse(*v)) {
            m_r.error(root["targetVersion"].Mark(), "targetVersion '" + *v + "' is not a RocketMQ version; allowed: x.y.z, e.g. 4.9.7 or 5.3.1");
        } else {
            m_inv.target_version = RmqVersion::parse(*v)->str();
        }
    }
    if (auto v = m_r.str(root, "currentVersion", Need::optional, "the inventory")) {
        if (!RmqVersion::parse(*v)) {
            m_r.error(root["currentVersion"].Mark(), "currentVersion '" + *v + "' is not a RocketMQ version; allowed: x.y.z, e.g. 4.8.0");
        } else {
            m_inv.current_version = RmqVersion::parse(*v)->str();
        }
    }
    parse_commands(root["commands"]);
    parse_hosts(root);
    parse_nameservers(root);
    parse_groups(root);
    parse_acl(root["acl"]);
    parse_policy(root["policy"]);
}

}  // namespace

Result<Inventory> parse_inventory(std::string_view text, const std::string& source_name) {
    Inventory inv;
    inv.source = source_name;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
        return make_error(ErrorKind::invalid_input, source_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                        std::to_string(e.mark.column + 1) + ": syntax error: " + e.msg +
                                                        "; allowed: YAML or JSON");
    }
    if (!root || root.IsNull()) {
        return make_error(ErrorKind::invalid_input, source_name + ":1:1: the inventory is empty; allowed keys: " + join(k_top_keys, ", "));
    }
    InventoryParser parser(source_name, inv);
    parser.parse(root);
    if (!parser.diagnostics().empty()) return make_error(ErrorKind::invalid_input, join(parser.diagnostics(), "\n"));
    return inv;
}

}  // namespace rmqup
