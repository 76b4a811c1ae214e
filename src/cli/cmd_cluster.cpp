// Registers the cluster-inspection commands an operator uses around a roll:
//   cluster -n NS        every broker with version, permission, TPS, offsets; NameServers compared
//   broker perm          set brokerPermission (4 read-only, 6 read-write) and confirm on the routes
//   broker status        every runtime key of one broker
//   route TOPIC -n NS    queue and broker data of one topic
// Permission comes from each broker's own config (GET_BROKER_CONFIG brokerPermission): it is the
// value the broker registers with, and it exists whatever topics the cluster has.
#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.hpp"
#include "commands.hpp"
#include "rmqup/net/cluster_view.hpp"
#include "rmqup/core/version_matrix.hpp"
#include "rmqup/net/remoting_admin.hpp"

namespace rmqup::cli {

namespace {

using namespace std::chrono_literals;

struct Flags {
    std::string nameservers;
    std::string broker;
    std::string topic;
    int perm = 0;
    bool json = false;
    int timeout_ms = 3000;
};

std::string fixed(std::optional<double> v, int decimals) {
    if (!v)
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
    return buf;
}

std::string perm_text(std::optional<int> perm) {
    if (!perm)
        return "?";
    std::string s = std::to_string(*perm) + "(";
    s += (*perm & rmq::k_perm_read) ? 'R' : '-';
    s += (*perm & rmq::k_perm_write) ? 'W' : '-';
    return s + ")";
}

const char* state_text(net::BrokerState s) {
    switch (s) {
    case net::BrokerState::ok: return "ok";
    case net::BrokerState::starting: return "starting";
    case net::BrokerState::failed: return "failed";
    }
    return "?";
}

// Prints rows as left-aligned columns separated by two spaces.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i)
                width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size())
                line += std::string(width[i] - r[i].size() + 2, ' ');
        }
        out << line << "\n";
    }
}

nlohmann::json error_json(const Error& e) {
    nlohmann::json j{{"kind", to_string(e.kind)}, {"message", e.describe()}};
    if (!e.remark.empty())
        j["remark"] = e.remark;
    if (e.code != 0)
        j["code"] = e.code;
    return j;
}

nlohmann::json opt_json(std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

void print_view_json(const net::ClusterView& view) {
    nlohmann::json j{{"nameservers", nlohmann::json::array()},
                     {"brokers", nlohmann::json::array()},
                     {"disagreements", view.disagreements}};
    for (const auto& ns : view.nameservers) {
        nlohmann::json n{{"addr", ns.addr}, {"ok", ns.info.has_value()}};
        if (ns.error)
            n["error"] = error_json(*ns.error);
        j["nameservers"].push_back(std::move(n));
    }
    for (const auto& b : view.brokers) {
        nlohmann::json r{{"cluster", b.cluster},   {"brokerName", b.broker_name}, {"brokerId", b.broker_id},
                         {"addr", b.addr},         {"state", state_text(b.state)},
                         {"permission", b.permission ? nlohmann::json(*b.permission) : nlohmann::json(nullptr)}};
        if (b.runtime) {
            r["version"] = b.runtime->version_desc;
            r["putTps"] = opt_json(b.runtime->put_tps.s10);
            r["getTps"] = opt_json(b.runtime->get_transferred_tps.s10);
            r["commitLogMaxOffset"] = b.runtime->commit_log_max_offset;
            r["commitLogDiskRatio"] = opt_json(b.runtime->commit_log_disk_ratio);
        }
        if (b.error)
            r["error"] = error_json(*b.error);
        if (b.config_error)
            r["configError"] = error_json(*b.config_error);
        j["brokers"].push_back(std::move(r));
    }
    std::cout << j.dump(2) << "\n";
}

void print_view_text(const net::ClusterView& view) {
    std::vector<std::vector<std::string>> rows{{"CLUSTER", "BROKER", "ID", "ADDRESS", "VERSION", "PERM", "PUT_TPS",
                                                "GET_TPS", "COMMITLOG_MAX", "DISK", "STATE"}};
    for (const auto& b : view.brokers) {
        const auto* rt = b.runtime ? &*b.runtime : nullptr;
        rows.push_back({b.cluster, b.broker_name, std::to_string(b.broker_id), b.addr, rt ? rt->version_desc : "-",
                        perm_text(b.permission), rt ? fixed(rt->put_tps.s10, 2) : "-",
                        rt ? fixed(rt->get_transferred_tps.s10, 2) : "-",
                        rt ? std::to_string(rt->commit_log_max_offset) : "-",
                        rt ? fixed(rt->commit_log_disk_ratio, 2) : "-", state_text(b.state)});
    }
    print_table(std::cout, rows);
    for (const auto& ns : view.nameservers)
        if (ns.error)
            std::cout << "NameServer " << ns.addr << ": " << ns.error->describe() << "\n";
    for (const auto& b : view.brokers) {
        if (b.state == net::BrokerState::failed && b.error)
            std::cout << b.broker_name << "@" << b.broker_id << ": " << b.error->describe() << "\n";
        if (b.config_error)
            std::cout << b.broker_name << "@" << b.broker_id << ": " << b.config_error->describe() << "\n";
    }
    for (const auto& d : view.disagreements)
        std::cout << "NameServers disagree: " << d << "\n";
}

// The client and admin every command here talks through, built once ACL credentials are resolved.
struct Remote {
    Remote(std::chrono::milliseconds t, std::optional<rmq::AclCredentials> acl)
        : timeout(t), client(client_options(t, std::move(acl))), admin(client, t) {}
    std::chrono::milliseconds timeout;
    net::RemotingClient client;
    net::RemotingAdmin admin;
};

Result<std::unique_ptr<Remote>> open_remote(const Flags& f, const GlobalOptions& g) {
    auto acl = resolve_acl(g);
    if (!acl)
        return std::move(acl).error();
    return std::make_unique<Remote>(std::chrono::milliseconds(f.timeout_ms), std::move(acl).value());
}

int run_cluster(const Flags& f, const GlobalOptions& g) {
    auto ns = parse_addr_list(f.nameservers);
    if (!ns)
        return report_error(std::move(ns).error().with("option -n"));
    auto remote = open_remote(f, g);
    if (!remote)
        return report_error(remote.error());
    auto view = net::fetch_cluster_view((*remote)->client, *ns, (*remote)->timeout);
    if (!view)
        return report_error(view.error());
    if (f.json)
        print_view_json(*view);
    else
        print_view_text(*view);
    bool partial = std::any_of(view->brokers.begin(), view->brokers.end(),
                               [](const auto& b) { return b.state == net::BrokerState::failed; }) ||
                   std::any_of(view->nameservers.begin(), view->nameservers.end(),
                               [](const auto& n) { return n.error.has_value(); });
    return static_cast<int>(partial ? ExitCode::failed : ExitCode::ok);
}

std::optional<std::string> property(const rmq::Properties& props, const std::string& key) {
    for (const auto& [k, v] : props)
        if (k == key)
            return v;
    return std::nullopt;
}

// Polls ns until the route shows broker_name with the wanted read/write bits (or gives up).
Status confirm_perm_on_route(net::RemotingAdmin& admin, const std::string& ns, const std::string& broker_name,
                             const std::string& cluster, int want, std::chrono::milliseconds budget) {
    const int mask = rmq::k_perm_read | rmq::k_perm_write;
    auto deadline = std::chrono::steady_clock::now() + budget;
    std::string seen = "no route lists " + broker_name;
    // The broker registers a topic named after itself and its cluster (brokerTopicEnable,
    // clusterTopicEnable, on by default); TBW102 exists with autoCreateTopicEnable.
    std::vector<std::string> topics{broker_name, cluster, "TBW102"};
    while (true) {
        for (const auto& topic : topics) {
            if (topic.empty())
                continue;
            auto route = admin.topic_route(ns, topic);
            if (!route) {
                if (route.error().kind == ErrorKind::rejected)
                    continue;  // topic not on this NameServer: try the next
                return route.error();
            }
            for (const auto& q : route->queue_datas) {
                if (q.broker_name != broker_name)
                    continue;
                if ((q.perm & mask) == (want & mask))
                    return ok_status();
                seen = "route of " + topic + " shows perm " + std::to_string(q.perm);
            }
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return make_error(ErrorKind::conflict, "NameServer " + ns + " does not show perm " + std::to_string(want) +
                                                       " for " + broker_name + ": " + seen);
        std::this_thread::sleep_for(100ms);
    }
}

// The broker's release from its runtime info (brokerVersion ordinal); 4.9.7's rules when unknown.
RmqVersion broker_release(net::RemotingAdmin& admin, const std::string& broker) {
    auto info = admin.runtime_info(broker);
    if (info && info->version)
        if (auto v = RmqVersion::from_ordinal(*info->version))
            return *v;
    return RmqVersion{4, 9, 7};
}

// How long a permission change may take to reach the routes on this broker's release.
std::chrono::milliseconds perm_budget(const ReadOnlyRule& rule, const rmq::Properties& config) {
    if (rule.timing == ReadOnlyTiming::immediate)
        return 3000ms;
    // 4.0-4.2 publish it with the next periodic registration: registerNameServerPeriod (30 s by
    // default), which the broker clamps to 10-60 s.
    long period = 30000;
    if (auto p = property(config, "registerNameServerPeriod"))
        period = std::clamp(std::strtol(p->c_str(), nullptr, 10), 10000L, 60000L);
    return std::chrono::milliseconds(period + 5000);
}

int run_broker_perm(const Flags& f, const GlobalOptions& g) {
    if (auto st = check_addr(f.broker); !st)
        return report_error(std::move(st).error().with("option --broker"));
    if (f.perm != 4 && f.perm != 6)
        return report_error(make_error(ErrorKind::invalid_input, "permission must be 4 (read-only) or 6 (read-write)"));
    std::vector<std::string> ns;
    if (!f.nameservers.empty()) {
        auto parsed = parse_addr_list(f.nameservers);
        if (!parsed)
            return report_error(std::move(parsed).error().with("option -n"));
        ns = std::move(parsed).value();
    }
    auto remote = open_remote(f, g);
    if (!remote)
        return report_error(remote.error());
    auto& admin = (*remote)->admin;

    const RmqVersion release = broker_release(admin, f.broker);
    const ReadOnlyRule rule = read_only_rule(release);
    const bool wipe = rule.method == ReadOnlyMethod::wipe_write_perm && f.perm == 4;
    if (wipe && ns.empty())
        return report_error(make_error(ErrorKind::invalid_input,
                                       "a " + release.str() + " broker never publishes brokerPermission to the routes: "
                                       "give -n so write permission is wiped on every NameServer")
                                .with("broker " + f.broker));
    auto config = admin.broker_config(f.broker);
    if (!config)
        return report_error(config.error());
    auto name = property(*config, "brokerName");
    if (!name)
        return report_error(make_error(ErrorKind::protocol, "broker config lacks brokerName").with("broker " + f.broker));
    if (!wipe) {
        auto st = admin.update_broker_config(f.broker, {{"brokerPermission", std::to_string(f.perm)}});
        if (!st)
            return report_error(st.error());
        std::cout << "broker " << f.broker << " (" << release.desc() << "): brokerPermission=" << f.perm << " accepted\n";
    }
    if (ns.empty())
        return 0;
    if (rule.timing == ReadOnlyTiming::next_registration)
        std::cout << "a " << release.str() << " broker publishes it with its next registration: waiting up to "
                  << perm_budget(rule, *config).count() / 1000 << " s\n";
    std::string cluster = property(*config, "brokerClusterName").value_or("");
    int rc = 0;
    for (const auto& one : ns) {
        if (wipe) {
            auto wiped = admin.wipe_write_perm(one, *name);
            if (!wiped) {
                rc = std::max(rc, report_error(wiped.error()));
                continue;
            }
            std::cout << "NameServer " << one << ": write permission of " << *name << " wiped on " << *wiped
                      << " topics (3.x: WIPE_WRITE_PERM_OF_BROKER)\n";
        }
        auto confirmed = confirm_perm_on_route(admin, one, *name, cluster, f.perm, perm_budget(rule, *config));
        if (confirmed) {
            std::cout << "NameServer " << one << ": " << *name << " shows perm " << f.perm << "\n";
        } else if (rule.method == ReadOnlyMethod::wipe_write_perm) {
            rc = std::max(rc, report_error(std::move(confirmed).error().with(
                                  "a 3.x broker republishes its topics' perms only with a new DataVersion (a restart "
                                  "or a topic change)")));
        } else {
            rc = std::max(rc, report_error(confirmed.error()));
        }
    }
    return rc;
}

int run_broker_status(const Flags& f, const GlobalOptions& g) {
    if (auto st = check_addr(f.broker); !st)
        return report_error(std::move(st).error().with("option --broker"));
    auto remote = open_remote(f, g);
    if (!remote)
        return report_error(remote.error());
    auto& admin = (*remote)->admin;
    auto info = admin.runtime_info(f.broker);
    if (!info)
        return report_error(info.error());
    if (f.json) {
        std::cout << nlohmann::json(info->table).dump(2) << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : info->table)  // std::map: sorted by key
        rows.push_back({k, v});
    print_table(std::cout, rows);
    return 0;
}

int run_route(const Flags& f, const GlobalOptions& g) {
    auto ns = parse_addr_list(f.nameservers);
    if (!ns)
        return report_error(std::move(ns).error().with("option -n"));
    auto remote = open_remote(f, g);
    if (!remote)
        return report_error(remote.error());
    auto& admin = (*remote)->admin;
    // The first NameServer that answers; a refusal (unknown topic) is final, not retried elsewhere.
    std::optional<Error> last;
    for (const auto& one : *ns) {
        auto route = admin.topic_route(one, f.topic);
        if (!route) {
            last = route.error();
            if (route.error().kind == ErrorKind::rejected)
                break;
            continue;
        }
        if (f.json) {
            nlohmann::json j{{"nameserver", one}, {"queueDatas", nlohmann::json::array()},
                             {"brokerDatas", nlohmann::json::array()}};
            for (const auto& q : route->queue_datas)
                j["queueDatas"].push_back({{"brokerName", q.broker_name}, {"readQueueNums", q.read_queue_nums},
                                           {"writeQueueNums", q.write_queue_nums}, {"perm", q.perm},
                                           {"topicSysFlag", q.topic_sys_flag}});
            for (const auto& b : route->broker_datas) {
                nlohmann::json addrs = nlohmann::json::object();
                for (const auto& [id, addr] : b.broker_addrs)
                    addrs[std::to_string(id)] = addr;
                j["brokerDatas"].push_back({{"cluster", b.cluster}, {"brokerName", b.broker_name}, {"brokerAddrs", addrs}});
            }
            std::cout << j.dump(2) << "\n";
            return 0;
        }
        std::cout << "topic " << f.topic << " (NameServer " << one << ")\n\n";
        std::vector<std::vector<std::string>> queues{{"BROKER", "READ_QUEUES", "WRITE_QUEUES", "PERM", "SYS_FLAG"}};
        for (const auto& q : route->queue_datas)
            queues.push_back({q.broker_name, std::to_string(q.read_queue_nums), std::to_string(q.write_queue_nums),
                              perm_text(q.perm), std::to_string(q.topic_sys_flag)});
        print_table(std::cout, queues);
        std::cout << "\n";
        std::vector<std::vector<std::string>> brokers{{"CLUSTER", "BROKER", "ID", "ADDRESS"}};
        for (const auto& b : route->broker_datas)
            for (const auto& [id, addr] : b.broker_addrs)
                brokers.push_back({b.cluster, b.broker_name, std::to_string(id), addr});
        print_table(std::cout, brokers);
        return 0;
    }
    return report_error(*last);
}

void add_common(CLI::App& cmd, Flags& f, GlobalOptions& g) {
    cmd.add_option("--timeout-ms", f.timeout_ms, "Connect and request timeout per request")
        ->capture_default_str()
        ->check(CLI::Range(1, 600000));
    add_acl_options(cmd, g);
}

}  // namespace

void add_cluster_commands(CLI::App& app, GlobalOptions& g) {
    auto f = std::make_shared<Flags>();
    GlobalOptions* gp = &g;

    auto* cluster = app.add_subcommand(
        "cluster", "Show every broker (version, permission, TPS, commit log, disk) and compare the NameServers' views. "
                   "Exit 0 when all answered, 1 when some broker or NameServer failed, 3 when none answered");
    cluster->add_option("-n,--namesrv", f->nameservers, "NameServer addresses, 'ns1:9876;ns2:9876'")->required();
    cluster->add_flag("--json", f->json, "One JSON object instead of the table");
    add_common(*cluster, *f, g);
    cluster->callback([f, gp] { gp->exit_code = run_cluster(*f, *gp); });

    auto* broker = app.add_subcommand("broker", "One broker: permission, runtime status");
    broker->require_subcommand(1);
    auto* perm = broker->add_subcommand(
        "perm", "Set brokerPermission (4 = read-only, 6 = read-write) via UPDATE_BROKER_CONFIG; with -n, confirm "
                "every NameServer's route shows it");
    perm->add_option("--broker", f->broker, "Broker address ip:port")->required();
    perm->add_option("permission", f->perm, "4 or 6")->required();
    perm->add_option("-n,--namesrv", f->nameservers, "NameServer addresses to confirm on");
    add_common(*perm, *f, g);
    perm->callback([f, gp] { gp->exit_code = run_broker_perm(*f, *gp); });

    auto* status = broker->add_subcommand("status", "Every GET_BROKER_RUNTIME_INFO key of one broker, sorted");
    status->add_option("--broker", f->broker, "Broker address ip:port")->required();
    status->add_flag("--json", f->json, "One JSON object instead of the table");
    add_common(*status, *f, g);
    status->callback([f, gp] { gp->exit_code = run_broker_status(*f, *gp); });

    auto* route = app.add_subcommand("route", "Queue data and broker data of one topic, from the first NameServer "
                                              "that answers");
    route->add_option("topic", f->topic, "Topic name")->required();
    route->add_option("-n,--namesrv", f->nameservers, "NameServer addresses, 'ns1:9876;ns2:9876'")->required();
    route->add_flag("--json", f->json, "One JSON object instead of the tables");
    add_common(*route, *f, g);
    route->callback([f, gp] { gp->exit_code = run_route(*f, *gp); });
}

}  // namespace rmqup::cli
