// ACL transitions of a roll. acl-v2: rocketmq-all-5.3.3 removed ACL 1.0 (RIP-77, apache/rocketmq
// #9363): BrokerConfig still has aclEnable but nothing reads it, so a 4.x config with
// aclEnable=true starts a broker without authentication unless the ACL 2.0 keys (AuthConfig,
// read from the same -c file) are set. acl-clients: a restart that switches aclEnable on refuses
// every client that neither signs nor is in globalWhiteRemoteAddresses of the plain_acl.yml then
// live, so the client census is compared with that file before the roll.
#include <algorithm>
#include <map>
#include <set>

#include "preflight.hpp"
#include "rmqup/plan/census.hpp"

namespace rmqup::plan_detail {

namespace {

constexpr RmqVersion k_acl_v1_first{4, 4, 0};    // the acl module arrived in rocketmq-all-4.4.0
constexpr RmqVersion k_acl_v1_removed{5, 3, 3};  // aclEnable no longer read

// The ACL 2.0 settings equivalent to ACL 1.0 (AuthConfig at rocketmq-all-5.3.3): authentication
// and authorization on, the providers and the local metadata store, and the accounts of
// ${ROCKETMQ_HOME}/conf/plain_acl.yml imported at start (AuthMigrator, migrateAuthFromV1Enabled).
const std::pair<const char*, const char*> k_acl_v2_equivalent[] = {
    {"authenticationEnabled", "true"},
    {"authenticationProvider", "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider"},
    {"authenticationMetadataProvider",
     "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider"},
    {"authorizationEnabled", "true"},
    {"authorizationProvider", "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider"},
    {"authorizationMetadataProvider",
     "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider"},
    {"migrateAuthFromV1Enabled", "true"},
};

std::string who_of(const PlanNode& n) { return n.broker_name + "@" + std::to_string(n.broker_id); }

std::optional<std::string> override_of(const PlanNode& n, std::string_view key) {
    std::optional<std::string> v;
    for (const auto& [k, value] : n.config_overrides)
        if (k == key) v = value;
    return v;
}

// What the broker runs with after its restart: the plan's override, else its live (file) value.
std::optional<std::string> after_restart(const PlanNode& n, const PreflightView& view, std::string_view key) {
    if (auto o = override_of(n, key)) return o;
    return live_config(view, n.address, key);
}

bool is_true(const std::optional<std::string>& v) { return v && *v == "true"; }

void put_override(PlanNode& n, const std::string& key, const std::string& value) {
    for (auto& [k, v] : n.config_overrides) {
        if (k == key) {
            v = value;
            return;
        }
    }
    n.config_overrides.emplace_back(key, value);
}

std::optional<RmqVersion> current_of(const PlanNode& n) { return RmqVersion::parse(n.current_version); }

// The plain_acl.yml a broker reads after its restart and the one it reads now.
struct AclFiles {
    std::string live_after;  // path on the node's host
    std::string current;
    bool carried = false;    // the roll copies current into the target home (policy.carryAclFile)
};

AclFiles acl_files_of(const Inventory& inv, const PlanNode& n) {
    AclFiles f;
    f.current = n.current.home + "/conf/plain_acl.yml";
    f.carried = inv.policy.carry_acl_file && n.current.home != n.target.home;
    f.live_after = f.carried ? f.current : n.target.home + "/conf/plain_acl.yml";
    return f;
}

Result<std::string> read_on_host(const Inventory& inv, const PlanRequest& req, const PlanNode& n, const std::string& path) {
    if (!req.host_ops) return make_error(ErrorKind::invalid_input, "no host access in this plan");
    const InvHost* host = inv.find_host(n.host);
    if (!host) return make_error(ErrorKind::invalid_input, "host " + n.host + " is not in the inventory");
    auto ops = req.host_ops(host->access);
    if (!ops) return std::move(ops).error();
    return (*ops)->read_file(path);
}

// --- acl-v2 ---------------------------------------------------------------------------------

// The brokers' ACL 1.0 becomes ACL 2.0 on a release that no longer reads aclEnable.
void check_acl_v2_node(PlanNode& n, const PreflightView& view, std::vector<std::string>& converted, Findings& findings) {
    auto authn = after_restart(n, view, "authenticationEnabled");
    if (authn && *authn != "true") {
        findings.add("acl-v2", Severity::error, who_of(n),
                     "broker " + who_of(n) + " runs ACL 1.0 (aclEnable=true), which " + n.target_version +
                         " no longer reads, and its config sets authenticationEnabled=" + *authn +
                         ": it would come up without authentication. Remove that key (the plan then sets the ACL 2.0 "
                         "equivalent) or set it to true with the ACL 2.0 providers");
        return;
    }
    if (is_true(authn)) {  // the operator configured ACL 2.0 already
        if (!after_restart(n, view, "authenticationMetadataProvider"))
            findings.add("acl-v2", Severity::error, who_of(n),
                         "broker " + who_of(n) + " sets authenticationEnabled=true without authenticationMetadataProvider: "
                         "a " + n.target_version + " broker then refuses every request (\"The authenticationMetadataProvider "
                         "is not configured\"); add authenticationMetadataProvider=org.apache.rocketmq.auth.authentication."
                         "provider.LocalAuthenticationMetadataProvider");
        return;
    }
    for (const auto& [key, value] : k_acl_v2_equivalent)
        if (!override_of(n, key)) put_override(n, key, value);
    converted.push_back(who_of(n));
}

// Slaves sync from their master with the broker's own client, which signs only with
// innerClientAuthenticationCredentials once authentication is on (BrokerOuterAPI at 5.3.3). The
// plan never writes a secret into a config: the operator adds it to the config files.
void check_inner_credentials(const Inventory& inv, const std::vector<PlanNode>& nodes, const PreflightView& view,
                             const std::set<std::string>& converted_groups, Findings& findings) {
    for (const auto& g : inv.broker_groups) {
        if (converted_groups.count(g.broker_name) == 0 || g.members.size() < 2) continue;
        std::vector<std::string> missing;
        for (const auto& n : nodes)
            if (n.kind == NodeKind::broker && n.broker_name == g.broker_name && !n.skip &&
                !after_restart(n, view, "innerClientAuthenticationCredentials"))
                missing.push_back(who_of(n));
        if (missing.empty()) continue;
        findings.add("acl-v2", Severity::error, g.broker_name,
                     "group " + g.broker_name + " has slaves and goes to ACL 2.0: a slave's requests to its master are "
                     "signed only with innerClientAuthenticationCredentials, which " + list_some(missing, 4) +
                         " lack. Add innerClientAuthenticationCredentials={\"accessKey\":\"...\",\"secretKey\":\"...\"} "
                         "(an admin account of plain_acl.yml) to their config files before the roll (4.x ignores the "
                         "key; the plan never carries secrets)");
    }
}

// ACL 2.0 has no address white-list (authenticationWhitelist lists request codes): whoever
// globalWhiteRemoteAddresses let in unsigned is refused after the restart.
void check_v1_white_list(const Inventory& inv, const PlanRequest& req, const std::vector<PlanNode>& nodes,
                         const std::vector<std::string>& converted, Findings& findings) {
    std::set<std::string> hosts_read;
    for (const auto& n : nodes) {
        if (std::find(converted.begin(), converted.end(), who_of(n)) == converted.end()) continue;
        if (!hosts_read.insert(n.host).second) continue;
        const std::string path = n.current.home + "/conf/plain_acl.yml";
        auto text = read_on_host(inv, req, n, path);
        if (!text) {
            findings.add("acl-v2", Severity::warning, n.host,
                         path + " on host " + n.host + " could not be read (" + text.error().describe() +
                             "): whether clients rely on globalWhiteRemoteAddresses, which ACL 2.0 does not have, is "
                             "not checked; accept once you know they do not");
            continue;
        }
        auto rules = parse_plain_acl(*text, path);
        if (!rules) {
            findings.add("acl-v2", Severity::error, n.host, rules.error().describe());
            continue;
        }
        if (rules->global_white_remote_addresses.empty()) continue;
        findings.add("acl-v2", Severity::error, n.host,
                     path + " on host " + n.host + " admits unsigned clients by address (globalWhiteRemoteAddresses: " +
                         list_some(rules->global_white_remote_addresses, 5) + "); ACL 2.0 has no address white-list, so "
                         "they would be refused after the restart. Give those clients (and slaves) credentials and remove "
                         "the entries, then plan again");
    }
}

// --- acl-clients ----------------------------------------------------------------------------

struct ClientVerdict {
    std::map<std::string, std::vector<std::string>> cannot_sign;  // group -> "address (language version)"
    std::map<std::string, std::vector<std::string>> unknown;
    std::set<std::string> can_sign_groups;
    int can_sign = 0;
    int covered = 0;
};

std::string client_text(const ClientEntry& c, const std::vector<PlainAclRules>& files) {
    // A non-Java client reports the protocol ordinal it imitates, not its own release.
    const bool named = c.language == "JAVA" && !c.version_name.empty();
    std::string s = c.client_addr + " (" + c.language + " " +
                    (named ? c.version_name : "ordinal " + std::to_string(c.version)) + ")";
    const std::string ip = c.client_addr.substr(0, c.client_addr.rfind(':'));
    for (const auto& f : files)
        for (const auto& a : f.accounts)
            if (white_address_matches(a.white_remote_address, ip))
                return s + " [account " + a.access_key + "'s whiteRemoteAddress matches, but it admits only requests "
                           "carrying that AccessKey]";
    return s;
}

ClientVerdict judge_clients(const ClientCensus& census, const std::vector<PlainAclRules>& files) {
    ClientVerdict v;
    for (const auto& c : census.clients) {
        const std::string ip = c.client_addr.substr(0, c.client_addr.rfind(':'));
        const bool covered = !files.empty() && std::all_of(files.begin(), files.end(), [&](const PlainAclRules& f) {
            return global_white_entry(f, ip).has_value();
        });
        const std::string group = (c.kind == ClientGroupKind::consumer ? "consumer group " : "producer group ") + c.group;
        if (covered) {
            ++v.covered;
            continue;
        }
        switch (client_signing(c.language, c.version)) {
            case ClientSigning::can_sign:
                ++v.can_sign;
                v.can_sign_groups.insert(c.group);
                break;
            case ClientSigning::cannot_sign: v.cannot_sign[group].push_back(client_text(c, files)); break;
            case ClientSigning::unknown: v.unknown[group].push_back(client_text(c, files)); break;
        }
    }
    return v;
}

// The plain_acl.yml of every switching broker's host as it will be live; findings for files the
// roll cannot use.
std::vector<PlainAclRules> live_acl_files(const Inventory& inv, const PlanRequest& req, const std::vector<const PlanNode*>& switching,
                                          Findings& findings) {
    std::vector<PlainAclRules> files;
    std::set<std::string> read;
    for (const auto* n : switching) {
        const AclFiles f = acl_files_of(inv, *n);
        if (!read.insert(n->host + "\n" + f.live_after).second) continue;
        auto text = read_on_host(inv, req, *n, f.live_after);
        if (!text && f.carried) {
            findings.add("acl-file", Severity::error, n->host,
                         "ACL is switched on at the restart of " + who_of(*n) + " and policy.carryAclFile is true, but " +
                             f.current + " on host " + n->host + " cannot be read (" + text.error().describe() +
                             "): the roll would stop at the carry step. Put the prepared plain_acl.yml there, or set "
                             "policy.carryAclFile: false to use " + n->target.home + "/conf/plain_acl.yml");
            continue;
        }
        if (!text) {
            findings.add("acl-clients", Severity::error, n->host,
                         "ACL is switched on at the restart of " + who_of(*n) + " but " + f.live_after + " on host " +
                             n->host + " cannot be read (" + text.error().describe() + "): no client can be checked");
            continue;
        }
        auto rules = parse_plain_acl(*text, f.live_after);
        if (!rules) {
            findings.add("acl-clients", Severity::error, n->host, rules.error().describe());
            continue;
        }
        files.push_back(std::move(*rules));
    }
    return files;
}

void report_clients(const ClientVerdict& v, const ClientCensus& census, const std::string& switched, Findings& findings) {
    for (const auto& [group, clients] : v.cannot_sign)
        findings.add("acl-clients", Severity::error, group,
                     group + ": " + list_some(clients, 6) + " cannot be known to sign requests (client releases before "
                     "4.4.0 have no ACL support; non-Java clients of such protocol versions neither) and no "
                     "globalWhiteRemoteAddresses entry covers them: switching ACL on (" + switched +
                         ") would refuse them. Upgrade them and give them credentials, or white-list their addresses");
    for (const auto& [group, clients] : v.unknown)
        findings.add("acl-clients", Severity::warning, group,
                     group + ": " + list_some(clients, 6) + " are not Java clients and are not white-listed; whether "
                     "they sign requests is not known from the protocol. Make sure they have an AccessKey/SecretKey, "
                     "then accept with --accept-risk acl-clients");
    if (v.can_sign > 0) {
        std::vector<std::string> groups(v.can_sign_groups.begin(), v.can_sign_groups.end());
        findings.add("acl-clients", Severity::info, "census",
                     std::to_string(v.can_sign) + " Java client(s) of 4.4.0 or later (" + list_some(groups, 6) +
                         ") are not white-listed: they keep working only with an AccessKey/SecretKey of plain_acl.yml, "
                         "which the brokers cannot see before ACL is on");
    }
    std::vector<std::string> notes = census.notes;
    notes.push_back("producer groups are not in the census (the 4.x admin protocol cannot list them): a producer-only "
                    "application without credentials is refused as well");
    findings.add("acl-clients", Severity::info, "census",
                 std::to_string(census.clients.size()) + " client connection(s) checked, " + std::to_string(v.covered) +
                     " covered by globalWhiteRemoteAddresses; " + list_some(notes, 4));
}

void check_switch_on(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view, const PlanRequest& req,
                     const std::vector<const PlanNode*>& switching, Findings& findings) {
    auto target = RmqVersion::parse(inv.target_version);
    std::vector<std::string> names;
    for (const auto* n : switching) names.push_back(who_of(*n));
    const std::string switched = "aclEnable=true on " + list_some(names, 4);
    if (target && *target < k_acl_v1_first) {
        findings.add("acl-clients", Severity::warning, inv.cluster,
                     switched + ": " + target->str() + " has no ACL (it arrived in 4.4.0), the key does nothing");
        return;
    }
    auto files = live_acl_files(inv, req, switching, findings);
    std::vector<std::string> masters;
    for (const auto& m : view.master_address)
        if (!m.empty()) masters.push_back(m);
    const ClientCensus census = take_census(admin, masters, {});
    report_clients(judge_clients(census, files), census, switched, findings);
}

}  // namespace

void check_acl_transitions(const Inventory& inv, BrokerAdmin& admin, const PreflightView& view, const PlanRequest& req,
                           std::vector<PlanNode>& nodes, Findings& findings) {
    auto target = RmqVersion::parse(inv.target_version);
    if (!target) return;
    std::vector<const PlanNode*> switching;
    for (const auto& n : nodes)
        if (n.kind == NodeKind::broker && !n.skip && is_true(after_restart(n, view, "aclEnable")) &&
            !live_flag(view, n.address, "aclEnable") && view.broker_config.count(n.address) != 0)
            switching.push_back(&n);
    if (!switching.empty()) check_switch_on(inv, admin, view, req, switching, findings);

    if (*target < k_acl_v1_removed) return;
    std::vector<std::string> converted;
    std::set<std::string> groups;
    for (auto& n : nodes) {
        auto current = current_of(n);
        if (n.kind != NodeKind::broker || n.skip || (current && *current >= k_acl_v1_removed) ||
            !is_true(after_restart(n, view, "aclEnable")))
            continue;
        check_acl_v2_node(n, view, converted, findings);
        groups.insert(n.broker_name);
    }
    if (groups.empty()) return;
    check_inner_credentials(inv, nodes, view, groups, findings);
    check_v1_white_list(inv, req, nodes, converted, findings);
    if (!converted.empty())
        findings.add("acl-v2", Severity::info, inv.cluster,
                     target->str() + " no longer reads aclEnable (ACL 1.0 removed in 5.3.3): " + list_some(converted, 4) +
                         " restart with the ACL 2.0 equivalent (authenticationEnabled and authorizationEnabled with the "
                         "default providers and the local metadata store, migrateAuthFromV1Enabled=true importing the "
                         "accounts of the target home's conf/plain_acl.yml)");
}

}  // namespace rmqup::plan_detail
