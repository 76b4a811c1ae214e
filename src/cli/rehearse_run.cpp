#include "cli/rehearse_run.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "cli/rehearse_acl.hpp"
#include "cli/rehearse_hosts.hpp"
#include "cli/rehearse_inventory.hpp"
#include "cli/rehearse_process.hpp"
#include "rmqup/engine/engine.hpp"
#include "rmqup/report/report.hpp"
#include "rmqup/engine/journal.hpp"
#include "rmqup/engine/reporter.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/plan/planner.hpp"

namespace rmqup::cli::rehearse {

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* k_topic = "RehearsalTopic";
constexpr const char* k_probe_topic = "RehearsalProbe";

std::int64_t ms_since(SteadyClock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t0).count();
}

std::string find_sim(const std::string& given) {
    if (!given.empty()) return fs::absolute(given).string();
    if (const char* env = std::getenv("RMQ_SIM"); env != nullptr && *env != '\0') return fs::absolute(env).string();
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const auto& cand : {self.parent_path() / "rmq-sim", self.parent_path().parent_path() / "sim" / "rmq-sim"}) {
            if (::access(cand.c_str(), X_OK) == 0) return fs::weakly_canonical(cand).string();
        }
    }
    return {};
}

// Serialises "pick free ports, bind them" between rehearsals running at the same time.
class PortLock {
public:
    PortLock() : m_fd(::open("/tmp/rmqup-rehearse-ports.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0666)) {
        if (m_fd >= 0) (void)::flock(m_fd, LOCK_EX);
    }
    ~PortLock() { release(); }
    PortLock(const PortLock&) = delete;
    PortLock& operator=(const PortLock&) = delete;
    void release() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

// Every process this rehearsal started goes away with it, whatever happens.
class ClusterGuard {
public:
    explicit ClusterGuard(std::string needle) : m_needle(std::move(needle)) {}
    ~ClusterGuard() { kill_processes_matching(m_needle, std::chrono::milliseconds(5000)); }
    ClusterGuard(const ClusterGuard&) = delete;
    ClusterGuard& operator=(const ClusterGuard&) = delete;

private:
    std::string m_needle;
};

// Sleeps up to d in small steps; false if interrupted.
bool pause_for(std::chrono::milliseconds d, const std::atomic<bool>& interrupted) {
    auto until = SteadyClock::now() + d;
    while (SteadyClock::now() < until) {
        if (interrupted) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !interrupted;
}

struct RollOutcome {
    std::string status;
    std::string message;
    std::vector<std::string> read_only_left;
    std::vector<std::string> failures;
};

// The live plan (discovery through admin, host checks through hosts) of the rehearsal inventory.
// version-path warnings are accepted: they ask for a rollback rehearsed on a copy of a real store,
// which rmq-sim does not have (said in the report).
Result<Plan> rehearsal_plan(const Layout& layout, RehearsalHosts& hosts, AdminApi& admin) {
    auto inv = load_inventory(layout.inventory());
    if (!inv.ok()) return std::move(inv).error().with("rehearsal inventory");
    PlanRequest req;
    req.host_ops = [&hosts](const HostAccess& a) { return hosts.ops(a); };
    req.accepted_risks = {"version-path"};
    auto plan = make_plan(*inv, &admin, req);
    if (!plan.ok()) return std::move(plan).error().with("plan");
    return plan;
}

std::string blocking_text(const Plan& plan) {
    std::string why;
    for (const auto& f : plan.findings)
        if (f.severity == Severity::error || (f.severity == Severity::warning && !f.accepted))
            why += "\n  " + f.id + " (" + f.subject + "): " + f.message;
    return why;
}

// --enable-acl: an old client without credentials is connected while planning; the plan must name
// it (acl-clients, blocking). It is then stopped (what an operator does: upgrade it and give it
// credentials) and the cluster planned again.
Result<Plan> plan_with_legacy_client(const RehearseOptions& opts, const Topology& t, const Layout& layout,
                                     const std::string& sim, RehearsalHosts& hosts, AdminApi& admin, Reaper& reaper,
                                     RehearsalResult& result, std::ostream& err) {
    const auto refresh = opts.timing == InventoryOptions::Timing::rehearsal ? std::chrono::milliseconds(1000)
                                                                            : std::chrono::milliseconds(30000);
    auto legacy = start_legacy_client(t, layout, sim, opts.from_version, refresh, admin);
    if (!legacy.ok()) return std::move(legacy).error();
    reaper.keep(legacy->pid());
    err << "rehearse: a " << opts.from_version << " client without credentials consumes in " << k_legacy_group
        << " (pid " << legacy->pid() << ")\n";
    auto plan = rehearsal_plan(layout, hosts, admin);
    if (!plan.ok()) return plan;
    auto reported = legacy_client_finding(*plan);
    if (!reported) {
        std::string acl;
        for (const auto& f : plan->findings)
            if (f.id.rfind("acl", 0) == 0) acl += "\n  " + f.id + " (" + f.subject + "): " + f.message;
        return make_error(ErrorKind::rejected, std::string("the plan does not report the client without credentials "
                                                           "of ") + k_legacy_group + " (acl-clients)" + acl + blocking_text(*plan));
    }
    err << "rehearse: the plan blocks on it (acl-clients): " << *reported << "\n";
    result.plan_notes.push_back("acl-clients reported before the roll: " + *reported);
    RMQUP_TRY(stop_legacy_client(*legacy, t, admin));
    err << "rehearse: that client stopped (an operator upgrades it and gives it credentials); planning again\n";
    result.plan_notes.push_back("the client without credentials was stopped, then the cluster planned again");
    return rehearsal_plan(layout, hosts, admin);
}

// The plan the roll runs: ready, or an error listing what blocks it.
Result<Plan> ready_plan(const RehearseOptions& opts, const Topology& t, const Layout& layout, const std::string& sim,
                        RehearsalHosts& hosts, AdminApi& admin, Reaper& reaper, RehearsalResult& result,
                        std::ostream& err) {
    auto plan = opts.acl == AclChange::switch_on
                    ? plan_with_legacy_client(opts, t, layout, sim, hosts, admin, reaper, result, err)
                                                 : rehearsal_plan(layout, hosts, admin);
    if (!plan.ok()) return plan;
    if (plan_blocked(*plan))
        return make_error(ErrorKind::rejected, "the plan is blocked by its preflight checks:" + blocking_text(*plan));
    for (const auto& f : plan->findings)
        if (f.accepted) result.plan_notes.push_back("accepted " + f.id + ": " + f.message);
    return plan;
}

// rmq-upgrade's own client: it signs with the admin account once the roll switches ACL on.
net::ClientOptions admin_client_options(const std::optional<AclAccounts>& acl) {
    net::ClientOptions co;
    if (acl) co.acl = rmq::AclCredentials{acl->admin_access_key, Secret(acl->admin_secret_key)};
    return co;
}

// Applies plan in-process, with the journal in the work directory and the Markdown/HTML reports
// written next to it.
RollOutcome apply_plan(const Plan& plan, const Layout& layout, RehearsalHosts& hosts, AdminApi& admin,
                       const std::atomic<bool>& interrupted, std::ostream& err, RehearsalResult& result) {
    RollOutcome o;
    auto journal = engine::FileJournal::open(layout.journal_dir(), engine::JournalOpen::fresh);
    if (!journal.ok()) {
        o.status = "journal_failed";
        o.failures.push_back(journal.error().describe());
        return o;
    }
    SystemClock clock;
    engine::TerminalReporter terminal(err);
    engine::CollectingReporter collected;
    engine::TeeReporter tee;
    tee.add(terminal);
    tee.add(collected);
    engine::EngineDeps deps{admin, [&hosts, &plan](const std::string& host) { return hosts.ops(plan.hosts, host); },
                            clock, **journal, tee, &interrupted};
    auto summary = engine::run_apply(plan, deps);
    if (!summary.ok()) {
        o.status = "engine_error";
        o.failures.push_back(summary.error().describe());
        return o;
    }
    o.status = engine::run_status_name(summary->status);
    o.message = summary->message;
    o.read_only_left = summary->read_only_left;
    o.failures = summary->failures;
    if (auto s = report::write_markdown_report(layout.workdir, *summary, collected.events()); s.ok())
        result.report_markdown = layout.workdir + "/report.md";
    else
        o.failures.push_back("markdown report: " + s.error().describe());
    if (auto s = report::write_html_report(layout.workdir, *summary, collected.events()); s.ok())
        result.report_html = layout.workdir + "/report.html";
    else
        o.failures.push_back("html report: " + s.error().describe());
    return o;
}

// How long the traffic runs (rmq-sim load has a fixed send phase): unless given, what a roll
// takes when every step goes well (drain wait and quiet period per broker, a few seconds per
// restart) with a margin for slow steps.
std::chrono::seconds traffic_length(const Plan& plan, int given_seconds) {
    if (given_seconds > 0) return std::chrono::seconds(given_seconds);
    std::chrono::milliseconds expected{0};
    for (const auto& n : plan.nodes) {
        if (n.skip) continue;
        // A node's steps over SSH (identify, stop, identify again, config, start, identify until it
        // listens) took up to 28 s on a loaded 2-core machine.
        expected += std::chrono::seconds(25);
        if (n.kind == NodeKind::broker) expected += plan.policy.drain.min_wait + plan.policy.drain.quiet_period;
    }
    auto s = std::chrono::duration_cast<std::chrono::seconds>(expected * 5 / 4) + std::chrono::seconds(15);
    return std::clamp(s, std::chrono::seconds(30), std::chrono::seconds(900));
}

}  // namespace

int run_rehearsal(const RehearseOptions& opts, std::ostream& out, std::ostream& err) {
    const auto t0 = SteadyClock::now();
    // Ctrl-C / SIGTERM: interrupts the roll (full) or ends the wait for the external apply
    // (setup-only: a second signal then interrupts the wait for the traffic as well).
    std::atomic<bool> interrupted{false};
    std::atomic<int> signal_count{0};
    // Before any thread exists: every later thread inherits the blocked signal mask.
    SignalWatcher signals([&](int) {
        if (++signal_count > 1 || opts.scope == RunScope::full) interrupted = true;
    });
    Reaper reaper;

    RehearsalResult result;
    const std::string sim = find_sim(opts.sim_bin);
    if (sim.empty()) {
        err << "rmq-upgrade rehearse: rmq-sim not found (next to rmq-upgrade, in ../sim, or $RMQ_SIM); use --sim PATH\n";
        return 2;
    }

    // The work directory.
    bool temporary = opts.workdir.empty();
    std::string workdir = opts.workdir;
    if (temporary) {
        std::string tmpl = (fs::temp_directory_path() / "rmqup-rehearse-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            err << "rmq-upgrade rehearse: cannot create a temporary directory\n";
            return 1;
        }
        workdir = tmpl;
    } else {
        std::error_code ec;
        fs::create_directories(workdir, ec);
        workdir = fs::absolute(workdir).lexically_normal().string();
        if (!workdir.empty() && workdir.back() == '/') workdir.pop_back();
    }
    result.workdir = workdir;

    int exit_code = 1;
    {
        ClusterGuard guard(workdir + "/conf/");
        PortLock port_lock;
        Topology topology = rehearsal_topology(AddressScheme::loopback, opts.first_address, opts.shape);
        LayoutOptions lo;
        lo.workdir = workdir;
        lo.sim_bin = sim;
        lo.from_version = opts.from_version;
        lo.to_version = opts.to_version;
        lo.target_start = opts.target_start;
        if (opts.acl == AclChange::switch_on) lo.acl = AclAccounts{};
        const bool fast = opts.timing == InventoryOptions::Timing::rehearsal;
        if (fast) lo.sim_register_interval_ms = 2000;
        auto layout = write_layout(topology, lo);
        if (!layout.ok()) {
            err << "rmq-upgrade rehearse: " << layout.error().describe() << "\n";
            return 1;
        }

        net::RemotingClient client(admin_client_options(lo.acl));
        net::RemotingAdmin admin(client, std::chrono::milliseconds(3000));

        err << (fast ? "rehearse: timings: FAST (tests only: clients refresh routes every 1 s, brokers register "
                       "every 2 s, drain waits 3 s; a real roll needs the production timings)\n"
                     : "rehearse: timings: production (clients refresh routes every 30 s, brokers register every "
                       "30 s, drain waits >= 45 s; --fast shortens them for tests)\n");
        err << "rehearse: starting RocketMQ " << opts.from_version << " (rmq-sim): 2 NameServers, 2 broker groups"
            << (opts.shape == GroupShape::master_only ? " (masters only)" : "") << " in " << workdir << "\n";
        if (auto s = start_cluster(topology, *layout, opts.from_version, admin, std::chrono::seconds(40)); !s.ok()) {
            err << "rmq-upgrade rehearse: " << s.error().describe() << "\n";
            return 1;
        }
        port_lock.release();

        auto hosts = RehearsalHosts::create(topology, opts.transport, err);
        if (!hosts.ok()) {
            err << "rmq-upgrade rehearse: " << hosts.error().describe() << "\n";
            return 1;
        }
        result.transport = (*hosts)->transport();

        InventoryOptions io = (*hosts)->inventory_options();
        io.from_version = opts.from_version;
        io.to_version = opts.to_version;
        io.current_home = layout->home(opts.from_version);
        io.target_home = layout->home(opts.to_version);
        io.conf_dir = workdir + "/conf";
        io.store_dir = workdir + "/store";
        io.log_dir = workdir + "/logs";
        io.probe_topic = k_probe_topic;
        io.java_home = layout->java_home();
        io.timing = opts.timing;
        if (fast) io.fast_drain_tps_threshold = std::max(1, opts.rate / 2);
        if (lo.acl) {
            // ACL is switched on at the restart; 4.1.0's home has no plain_acl.yml to carry, the
            // target home's prepared file is the one the brokers read.
            io.broker_overrides = {{"aclEnable", "true"}};
            io.acl_access_key = lo.acl->admin_access_key;
            io.acl_secret_ref = "file:" + layout->acl_secret();
            io.carry_acl_file = false;
        }
        {
            std::ofstream inv(layout->inventory());
            inv << render_inventory(topology, io);
        }

        auto plan = ready_plan(opts, topology, *layout, sim, **hosts, admin, reaper, result, err);
        if (!plan.ok()) {
            err << "rmq-upgrade rehearse: " << plan.error().describe() << "\n";
            return 1;
        }
        const auto traffic = traffic_length(*plan, opts.load_seconds);

        LoadOptions load_opts;
        load_opts.sim_bin = sim;
        load_opts.namesrv_addr = topology.namesrv_addr();
        load_opts.topic = k_topic;
        load_opts.rate = opts.rate;
        load_opts.json_path = layout->load_json();
        load_opts.log_path = layout->load_log();
        load_opts.send_phase = traffic;
        load_opts.route_refresh = fast ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(30000);
        if (lo.acl) {
            load_opts.access_key = lo.acl->client_access_key;
            load_opts.secret_key = lo.acl->client_secret_key;
        }
        auto load = LoadGenerator::start(load_opts);
        if (!load.ok()) {
            err << "rmq-upgrade rehearse: " << load.error().describe() << "\n";
            return 1;
        }
        reaper.keep(load->pid());
        const auto load_t0 = SteadyClock::now();
        err << "rehearse: traffic at " << opts.rate << " msg/s on " << k_topic << " for up to " << traffic.count()
            << " s (rmq-sim load, pid " << load->pid() << ")\n";
        pause_for(std::chrono::seconds(fast ? 1 : 3), interrupted);  // traffic flows before the first restart

        const auto roll_t0 = SteadyClock::now();
        if (opts.scope == RunScope::setup_only) {
            {
                std::ofstream ready(workdir + "/ready");
                ready << layout->inventory() << "\n";
            }
            err << "rehearse: ready; inventory " << layout->inventory() << "\n"
                << "rehearse: run `rmq-upgrade apply` with it; stop this with Ctrl-C (SIGINT/SIGTERM) to verify and report\n";
            if (opts.format == OutputFormat::text) out << "inventory: " << layout->inventory() << std::endl;
            while (signal_count == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            err << "rehearse: stopping the traffic (it drains what was sent), then verifying (signal again to abort)\n";
            result.engine_status = "external";
        } else {
            err << "rehearse: rolling " << opts.from_version << " -> " << opts.to_version << " with "
                << result.transport << " transport\n";
            RollOutcome o = apply_plan(*plan, *layout, **hosts, admin, interrupted, err, result);
            result.engine_status = o.status;
            result.engine_message = o.message;
            result.read_only_left = o.read_only_left;
            for (auto& f : o.failures) result.failures.push_back(std::move(f));
        }
        result.roll_ms = ms_since(roll_t0);

        // The traffic must have covered the whole roll; then it runs out on the finished cluster.
        if (SteadyClock::now() - load_t0 > traffic)
            result.failures.push_back("traffic ended before the roll did: raise --load-seconds");
        // The traffic keeps going a little on the finished cluster (clients come back to every
        // broker at their next route refresh), then stops sending and drains: the rehearsal takes as
        // long as the roll, not as long as the traffic window sized in advance.
        if (!interrupted)
            pause_for(fast ? std::chrono::seconds(3) : std::chrono::seconds(35), interrupted);
        auto counts = load->stop(std::chrono::seconds(60));
        if (!interrupted) err << "rehearse: traffic finished\n";
        if (counts.ok()) {
            result.load = *counts;
            result.load_ok = true;
            // Zero downtime, not only zero loss: a non-orderly send must never fail during a roll.
            if (counts->failed > 0) {
                std::string where;
                for (const auto& [broker, n] : counts->failed_by_broker)
                    where += (where.empty() ? "" : ", ") + broker + ": " + std::to_string(n);
                result.failures.push_back(std::to_string(counts->failed) + " sends failed during the roll (" + where +
                                          ")");
            }
        } else {
            result.failures.push_back("load generator: " + counts.error().describe());
        }

        result.nodes = observe_cluster(topology, *layout, admin, k_topic);
        int bad = judge_nodes(result.nodes, opts.to_version);
        result.total_ms = ms_since(t0);
        const bool engine_ok = result.engine_status == "completed" || result.engine_status == "external";
        result.passed = engine_ok && bad == 0 && result.load_ok && result.load.lost == 0 && result.read_only_left.empty() &&
                        result.failures.empty();
        {
            std::ofstream j(workdir + "/rehearsal.json");
            j << render_result_json(result);
        }
        out << (opts.format == OutputFormat::json ? render_result_json(result) : render_result_text(result));
        out.flush();
        exit_code = result.passed ? 0 : signals.received() && opts.scope == RunScope::full ? 130 : 1;
    }
    // The cluster is gone (guard); keep the evidence of a failure or when asked. After a success
    // only the reports the summary points at stay (stores, configs, logs and keys go).
    if (temporary && !opts.keep && exit_code == 0) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(workdir, ec)) {
            const auto name = entry.path().filename().string();
            if (name == "report.md" || name == "report.html" || name == "rehearsal.json") continue;
            fs::remove_all(entry.path(), ec);
        }
    } else if (exit_code != 0) {
        err << "rehearse: work directory kept: " << workdir << "\n";
    }
    return exit_code;
}

}  // namespace rmqup::cli::rehearse
