// Registers the review commands, terraform-plan style:
//   validate -i INV                 check the inventory only (nothing contacted)
//   plan -i INV [--offline] ...     discovery, preflight checks, ordered steps; -o writes the plan file
//                                   (with its hash) and, when live, the topic snapshot beside it
//   census -i INV                   connected clients of every consumer (and named producer) group
//   diff-topics --snapshot F -n NS  the live topics compared with a snapshot taken before the roll
// Exit codes: 0 ready / no difference, 1 blocked / differences, 2 invalid input, 3 unreachable.
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "rmqup/core/time_text.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/plan/census.hpp"
#include "rmqup/plan/plan_io.hpp"
#include "rmqup/plan/planner.hpp"
#include "rmqup/plan/render.hpp"
#include "rmqup/core/secret_ref.hpp"
#include "rmqup/ssh/host_ops_factory.hpp"

namespace rmqup::cli {

namespace {

struct PlanFlags {
    std::string inventory;
    bool offline = false;
    std::string format = "text";
    std::string output;
    std::vector<std::string> accept_risks;
    std::vector<std::string> producer_groups;
    bool no_host_checks = false;
    std::string snapshot;
    std::string nameservers;
};

Result<Inventory> load(const std::string& path) {
    auto inv = load_inventory(path);
    if (!inv) {
        // Validation errors are already "<file>:<line>:<col>: ..." lines: print them as they are.
        std::cerr << inv.error().message << "\n";
    }
    return inv;
}

// ACL credentials from the inventory's references, else from the command-line flags.
Result<std::optional<rmq::AclCredentials>> inventory_acl(const Inventory& inv, const GlobalOptions& g) {
    if (!inv.acl.enabled()) return resolve_acl(g);
    auto ak = resolve_access_key(inv.acl.access_key);
    if (!ak) return std::move(ak).error().with("acl.accessKey");
    auto sk = resolve_secret_ref(inv.acl.secret_key_ref);
    if (!sk) return std::move(sk).error().with("acl.secretKey");
    return std::optional<rmq::AclCredentials>(rmq::AclCredentials{*ak, *sk});
}

std::vector<MasterRef> masters_of(const Inventory& inv) {
    std::vector<MasterRef> out;
    for (const auto& g : inv.broker_groups) {
        for (const auto& b : g.members) {
            if (b.is_master()) out.push_back({g.broker_name, b.address});
        }
    }
    return out;
}

Status write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) return make_error(ErrorKind::io, "cannot write " + path);
    return ok_status();
}

// "plan.json" -> "plan.topics.json".
std::string snapshot_path_for(const std::string& plan_path) {
    const std::string ext = ".json";
    if (plan_path.size() > ext.size() && plan_path.compare(plan_path.size() - ext.size(), ext.size(), ext) == 0) {
        return plan_path.substr(0, plan_path.size() - ext.size()) + ".topics.json";
    }
    return plan_path + ".topics.json";
}

int run_validate(const PlanFlags& f) {
    auto inv = load(f.inventory);
    if (!inv) return static_cast<int>(ExitCode::invalid_input);
    std::size_t brokers = 0;
    for (const auto& g : inv->broker_groups) brokers += g.members.size();
    for (const auto& w : inv->warnings) std::cerr << "rmq-upgrade: warning: " << w << "\n";
    std::cout << f.inventory << ": valid: cluster " << inv->cluster << ", " << inv->nameservers.size() << " NameServer(s), "
              << inv->broker_groups.size() << " broker group(s), " << brokers << " broker(s), " << inv->hosts.size()
              << " host(s), target " << inv->target_version << "\n";
    return 0;
}

int run_plan(const PlanFlags& f, const GlobalOptions& g) {
    auto inv = load(f.inventory);
    if (!inv) return static_cast<int>(ExitCode::invalid_input);
    PlanFormat format = f.format == "json" ? PlanFormat::json : f.format == "markdown" ? PlanFormat::markdown : PlanFormat::text;

    PlanRequest req;
    req.accepted_risks = f.accept_risks;
    req.offline = f.offline;
    req.created_at = iso8601_utc_now();

    std::unique_ptr<net::RemotingClient> client;
    std::unique_ptr<net::RemotingAdmin> admin;
    std::map<std::string, std::unique_ptr<HostOps>> host_ops;  // owned here, lent to the planner
    if (!f.offline) {
        auto acl = inventory_acl(*inv, g);
        if (!acl) return report_error(std::move(acl).error().with("ACL credentials"));
        const auto timeout = inv->policy.timeouts.request;
        client = std::make_unique<net::RemotingClient>(client_options(timeout, *acl));
        admin = std::make_unique<net::RemotingAdmin>(*client, timeout);
        if (!f.no_host_checks) {
            req.host_ops = [&host_ops](const HostAccess& access) -> Result<HostOps*> {
                auto& slot = host_ops[access.name];
                if (!slot) {
                    auto made = make_host_ops(access);
                    if (!made) return std::move(made).error();
                    slot = std::move(*made);
                }
                return slot.get();
            };
        }
    }

    auto plan = make_plan(*inv, admin.get(), req);
    if (!plan) return report_error(plan.error());
    std::cout << render_plan(*plan, format);
    if (admin && plan_unreachable(*plan)) {
        // Nothing live was checked: no census, no plan file to apply.
        std::cerr << "rmq-upgrade: no NameServer of the inventory answered: the cluster could not be reached\n";
        return static_cast<int>(ExitCode::unreachable);
    }

    if (admin && format == PlanFormat::text) {
        std::vector<std::string> masters;
        for (const auto& m : masters_of(*inv)) masters.push_back(m.address);
        std::cout << "\n" << census_to_text(take_census(*admin, masters, f.producer_groups));
    }
    if (!f.output.empty()) {
        if (auto s = write_file(f.output, plan_to_json(*plan)); !s) return report_error(s.error());
        std::cerr << "plan written to " << f.output << " (hash " << plan_hash(*plan) << ")\n";
        if (admin) {
            auto snap = take_topic_snapshot(*admin, masters_of(*inv), inv->cluster, plan->created_at);
            if (!snap) {
                std::cerr << "rmq-upgrade: warning: no topic snapshot: " << snap.error().describe() << "\n";
            } else {
                const std::string path = snapshot_path_for(f.output);
                if (auto s = write_file(path, snapshot_to_json(*snap)); !s) return report_error(s.error());
                std::cerr << "topic snapshot (" << snap->entries.size() << " topic placements) written to " << path << "\n";
            }
        }
    }
    return plan_blocked(*plan) ? static_cast<int>(ExitCode::failed) : 0;
}

int run_census(const PlanFlags& f, const GlobalOptions& g) {
    auto inv = load(f.inventory);
    if (!inv) return static_cast<int>(ExitCode::invalid_input);
    auto acl = inventory_acl(*inv, g);
    if (!acl) return report_error(std::move(acl).error().with("ACL credentials"));
    const auto timeout = inv->policy.timeouts.request;
    net::RemotingClient client(client_options(timeout, *acl));
    net::RemotingAdmin admin(client, timeout);
    std::vector<std::string> masters;
    for (const auto& m : masters_of(*inv)) masters.push_back(m.address);
    std::cout << census_to_text(take_census(admin, masters, f.producer_groups));
    return 0;
}

int run_diff_topics(const PlanFlags& f, const GlobalOptions& g) {
    std::ifstream in(f.snapshot, std::ios::binary);
    if (!in) return report_error(make_error(ErrorKind::invalid_input, "cannot read snapshot " + f.snapshot));
    std::ostringstream text;
    text << in.rdbuf();
    auto before = snapshot_from_json(text.str(), f.snapshot);
    if (!before) return report_error(before.error());
    auto ns = parse_addr_list(f.nameservers);
    if (!ns) return report_error(std::move(ns).error().with("option -n"));
    auto acl = resolve_acl(g);
    if (!acl) return report_error(acl.error());
    const std::chrono::milliseconds timeout(3000);
    net::RemotingClient client(client_options(timeout, *acl));
    net::RemotingAdmin admin(client, timeout);

    // Masters of the snapshot's cluster, from the first NameServer that answers.
    std::optional<Error> last;
    std::vector<MasterRef> masters;
    bool answered = false;
    for (const auto& addr : *ns) {
        auto info = admin.cluster_info(addr);
        if (!info) {
            last = info.error();
            continue;
        }
        answered = true;
        auto names = info->cluster_addr_table.find(before->cluster);
        if (names == info->cluster_addr_table.end()) break;
        for (const auto& name : names->second) {
            auto b = info->broker_addr_table.find(name);
            if (b == info->broker_addr_table.end()) continue;
            auto master = b->second.broker_addrs.find(0);
            if (master != b->second.broker_addrs.end()) masters.push_back({name, master->second});
        }
        break;
    }
    if (!answered) return report_error(last ? *last : make_error(ErrorKind::unreachable, "no NameServer answered"));
    auto after = take_topic_snapshot(admin, masters, before->cluster, iso8601_utc_now());
    if (!after) return report_error(after.error());
    auto diff = diff_topics(*before, *after);
    std::cout << diff_to_text(diff);
    return diff.empty() ? 0 : static_cast<int>(ExitCode::failed);
}

}  // namespace

void add_plan_commands(CLI::App& app, GlobalOptions& g) {
    auto f = std::make_shared<PlanFlags>();
    GlobalOptions* gp = &g;

    auto* validate = app.add_subcommand("validate", "Check an inventory without contacting anything. Exit 0 valid, 2 invalid");
    validate->add_option("-i,--inventory", f->inventory, "Inventory file (YAML or JSON)")->required();
    validate->callback([f, gp] { gp->exit_code = run_validate(*f); });

    auto* plan = app.add_subcommand(
        "plan", "Discover the cluster, run the preflight checks and print every step the roll will take. "
                "Exit 0 ready, 1 blocked by findings, 2 invalid input, 3 unreachable");
    plan->add_option("-i,--inventory", f->inventory, "Inventory file (YAML or JSON)")->required();
    plan->add_flag("--offline", f->offline, "Contact nothing: no discovery, no preflight against the cluster or hosts");
    plan->add_option("--format", f->format, "Output format")->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();
    plan->add_option("-o,--output", f->output,
                     "Write the plan file (JSON with its hash) for `apply`; live plans also write <name>.topics.json");
    plan->add_option("--accept-risk", f->accept_risks, "Accept the warnings of one check id (repeatable)");
    plan->add_option("--producer-group", f->producer_groups, "Producer group to include in the client census (repeatable)");
    plan->add_flag("--no-host-checks", f->no_host_checks, "Skip the checks that log in to the hosts");
    add_acl_options(*plan, g);
    plan->callback([f, gp] { gp->exit_code = run_plan(*f, *gp); });

    auto* census = app.add_subcommand(
        "census", "List the clients connected to every consumer group (found from %RETRY% topics) and to the named "
                  "producer groups, with address, language and version");
    census->add_option("-i,--inventory", f->inventory, "Inventory file (YAML or JSON)")->required();
    census->add_option("--producer-group", f->producer_groups, "Producer group to ask for (repeatable)");
    add_acl_options(*census, g);
    census->callback([f, gp] { gp->exit_code = run_census(*f, *gp); });

    auto* diff = app.add_subcommand("diff-topics", "Compare the live topics (queues, permissions per broker) with a "
                                                   "snapshot written by `plan -o`. Exit 0 identical, 1 different");
    diff->add_option("--snapshot", f->snapshot, "Snapshot file (<plan>.topics.json)")->required();
    diff->add_option("-n,--namesrv", f->nameservers, "NameServer addresses, 'ns1:9876;ns2:9876'")->required();
    add_acl_options(*diff, g);
    diff->callback([f, gp] { gp->exit_code = run_diff_topics(*f, *gp); });
}

}  // namespace rmqup::cli
