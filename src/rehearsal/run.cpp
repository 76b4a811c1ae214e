// `rmq-upgrade rehearse` from start to verdict: the work directory, the old cluster, its hosts and
// inventory, the plan, the roll under traffic, the verdict, and what stays of the work directory.
#include "rmqup/rehearsal/rehearsal.hpp"

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
#include <optional>
#include <thread>

#include "rehearsal/acl.hpp"
#include "rehearsal/cluster.hpp"
#include "rehearsal/hosts.hpp"
#include "rehearsal/load.hpp"
#include "rmqup/core/exit_code.hpp"
#include "rmqup/engine/engine.hpp"
#include "rmqup/engine/journal.hpp"
#include "rmqup/engine/reporter.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/plan/planner.hpp"
#include "rmqup/rehearsal/inventory.hpp"
#include "rmqup/proc/procfs.hpp"
#include "rmqup/proc/reaper.hpp"
#include "rmqup/proc/signal_watcher.hpp"
#include "rmqup/report/report.hpp"

namespace rmqup::rehearsal {

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
    ~ClusterGuard() { proc::kill_processes_matching(m_needle, std::chrono::milliseconds(5000)); }
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

// One rehearsal as its steps share it: the caller's options and streams, what was found and
// made before the cluster starts, the signal state, and the result being filled in.
struct Session {
    const RehearseOptions& opts;
    std::ostream& out;
    std::ostream& err;
    const std::string sim;      // absolute path of rmq-sim
    const std::string workdir;  // absolute, no trailing '/'
    const SteadyClock::time_point t0;
    const std::atomic<bool>& interrupted;  // a signal interrupts the roll (or the second one, setup-only)
    const std::atomic<int>& signal_count;
    proc::Reaper& reaper;
    RehearsalResult result;

    bool fast() const { return opts.timing == InventoryOptions::Timing::rehearsal; }
    std::chrono::milliseconds route_refresh() const {
        return fast() ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(30000);
    }
    // The accounts of the target home's plain_acl.yml when the roll switches ACL on.
    std::optional<AclAccounts> acl() const {
        return opts.acl == AclChange::switch_on ? std::optional<AclAccounts>(AclAccounts{}) : std::nullopt;
    }
};

// The running cluster at the old version, as the plan, the roll and the verdict reach it.
struct Cluster {
    const Topology& topology;
    const Layout& layout;
    AdminApi& admin;
    RehearsalHosts& hosts;
};

struct RollOutcome {
    std::string status;
    std::string message;
    std::vector<std::string> read_only_left;
    std::vector<std::string> failures;
};

// The live plan (discovery through admin, host checks through hosts) of the rehearsal inventory.
// version-path warnings are accepted: they ask for a rollback rehearsed on a copy of a real store,
// which rmq-sim does not have (said in the report).
Result<Plan> rehearsal_plan(const Cluster& c) {
    auto inv = load_inventory(c.layout.inventory());
    if (!inv.ok()) return std::move(inv).error().with("rehearsal inventory");
    PlanRequest req;
    req.host_ops = [&hosts = c.hosts](const HostAccess& a) { return hosts.ops(a); };
    req.accepted_risks = {"version-path"};
    auto plan = make_plan(*inv, &c.admin, req);
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
Result<Plan> plan_with_legacy_client(Session& s, const Cluster& c) {
    auto legacy = start_legacy_client(c.topology, c.layout, s.sim, s.opts.from_version, s.route_refresh(), c.admin);
    if (!legacy.ok()) return std::move(legacy).error();
    s.reaper.keep(legacy->pid());
    s.err << "rehearse: a " << s.opts.from_version << " client without credentials consumes in " << k_legacy_group
          << " (pid " << legacy->pid() << ")\n";
    auto plan = rehearsal_plan(c);
    if (!plan.ok()) return plan;
    auto reported = legacy_client_finding(*plan);
    if (!reported) {
        std::string acl;
        for (const auto& f : plan->findings)
            if (f.id.rfind("acl", 0) == 0) acl += "\n  " + f.id + " (" + f.subject + "): " + f.message;
        return make_error(ErrorKind::rejected, std::string("the plan does not report the client without credentials "
                                                           "of ") + k_legacy_group + " (acl-clients)" + acl + blocking_text(*plan));
    }
    s.err << "rehearse: the plan blocks on it (acl-clients): " << *reported << "\n";
    s.result.plan_notes.push_back("acl-clients reported before the roll: " + *reported);
    RMQUP_TRY(stop_legacy_client(*legacy, c.topology, c.admin));
    s.err << "rehearse: that client stopped (an operator upgrades it and gives it credentials); planning again\n";
    s.result.plan_notes.push_back("the client without credentials was stopped, then the cluster planned again");
    return rehearsal_plan(c);
}

// The plan the roll runs: ready, or an error listing what blocks it.
Result<Plan> ready_plan(Session& s, const Cluster& c) {
    auto plan = s.opts.acl == AclChange::switch_on ? plan_with_legacy_client(s, c) : rehearsal_plan(c);
    if (!plan.ok()) return plan;
    if (plan_blocked(*plan))
        return make_error(ErrorKind::rejected, "the plan is blocked by its preflight checks:" + blocking_text(*plan));
    for (const auto& f : plan->findings)
        if (f.accepted) s.result.plan_notes.push_back("accepted " + f.id + ": " + f.message);
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
RollOutcome apply_plan(Session& s, const Cluster& c, const Plan& plan) {
    RollOutcome o;
    auto journal = engine::FileJournal::open(c.layout.journal_dir(), engine::JournalOpen::fresh);
    if (!journal.ok()) {
        o.status = "journal_failed";
        o.failures.push_back(journal.error().describe());
        return o;
    }
    SystemClock clock;
    engine::TerminalReporter terminal(s.err);
    engine::CollectingReporter collected;
    engine::TeeReporter tee;
    tee.add(terminal);
    tee.add(collected);
    engine::EngineDeps deps{c.admin, [&hosts = c.hosts, &plan](const std::string& host) { return hosts.ops(plan.hosts, host); },
                            clock, **journal, tee, &s.interrupted};
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
    const std::string& dir = c.layout.workdir;
    if (auto w = report::write_markdown_report(dir, *summary, collected.events()); w.ok())
        s.result.report_markdown = dir + "/report.md";
    else
        o.failures.push_back("markdown report: " + w.error().describe());
    if (auto w = report::write_html_report(dir, *summary, collected.events()); w.ok())
        s.result.report_html = dir + "/report.html";
    else
        o.failures.push_back("html report: " + w.error().describe());
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

// The work directory: the given one created and made absolute, or a fresh temporary one
// (nullopt when it cannot be created).
std::optional<std::string> make_workdir(const std::string& given) {
    if (given.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "rmqup-rehearse-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) return std::nullopt;
        return tmpl;
    }
    std::error_code ec;
    fs::create_directories(given, ec);
    std::string workdir = fs::absolute(given).lexically_normal().string();
    if (!workdir.empty() && workdir.back() == '/') workdir.pop_back();
    return workdir;
}

LayoutOptions layout_options(const Session& s) {
    LayoutOptions lo;
    lo.workdir = s.workdir;
    lo.sim_bin = s.sim;
    lo.from_version = s.opts.from_version;
    lo.to_version = s.opts.to_version;
    lo.target_start = s.opts.target_start;
    lo.acl = s.acl();
    if (s.fast()) lo.sim_register_interval_ms = 2000;
    return lo;
}

void announce_start(const Session& s) {
    s.err << (s.fast() ? "rehearse: timings: FAST (tests only: clients refresh routes every 1 s, brokers register "
                         "every 2 s, drain waits 3 s; a real roll needs the production timings)\n"
                       : "rehearse: timings: production (clients refresh routes every 30 s, brokers register every "
                         "30 s, drain waits >= 45 s; --fast shortens them for tests)\n");
    s.err << "rehearse: starting RocketMQ " << s.opts.from_version << " (rmq-sim): 2 NameServers, 2 broker groups"
          << (s.opts.shape == GroupShape::master_only ? " (masters only)" : "") << " in " << s.workdir << "\n";
}

// The inventory the planner reads: the hosts' transport part, this work directory's homes and
// paths, the timings, and the ACL switch of --enable-acl.
InventoryOptions inventory_options(const Session& s, const Layout& layout, const RehearsalHosts& hosts) {
    InventoryOptions io = hosts.inventory_options();
    io.from_version = s.opts.from_version;
    io.to_version = s.opts.to_version;
    io.current_home = layout.home(s.opts.from_version);
    io.target_home = layout.home(s.opts.to_version);
    io.conf_dir = s.workdir + "/conf";
    io.store_dir = s.workdir + "/store";
    io.log_dir = s.workdir + "/logs";
    io.probe_topic = k_probe_topic;
    io.java_home = layout.java_home();
    io.timing = s.opts.timing;
    if (s.fast()) io.fast_drain_tps_threshold = std::max(1, s.opts.rate / 2);
    if (auto acl = s.acl()) {
        // ACL is switched on at the restart; 4.1.0's home has no plain_acl.yml to carry, the
        // target home's prepared file is the one the brokers read.
        io.broker_overrides = {{"aclEnable", "true"}};
        io.acl_access_key = acl->admin_access_key;
        io.acl_secret_ref = "file:" + layout.acl_secret();
        io.carry_acl_file = false;
    }
    return io;
}

LoadOptions load_options(const Session& s, const Cluster& c, std::chrono::seconds traffic) {
    LoadOptions lo;
    lo.sim_bin = s.sim;
    lo.namesrv_addr = c.topology.namesrv_addr();
    lo.topic = k_topic;
    lo.rate = s.opts.rate;
    lo.json_path = c.layout.load_json();
    lo.log_path = c.layout.load_log();
    lo.send_phase = traffic;
    lo.route_refresh = s.route_refresh();
    if (auto acl = s.acl()) {
        lo.access_key = acl->client_access_key;
        lo.secret_key = acl->client_secret_key;
    }
    return lo;
}

// setup-only: the inventory's path in <workdir>/ready, then an operator's `rmq-upgrade apply`
// rolls until the first signal.
void wait_for_external_apply(Session& s, const Layout& layout) {
    {
        std::ofstream ready(s.workdir + "/ready");
        ready << layout.inventory() << "\n";
    }
    s.err << "rehearse: ready; inventory " << layout.inventory() << "\n"
          << "rehearse: run `rmq-upgrade apply` with it; stop this with Ctrl-C (SIGINT/SIGTERM) to verify and report\n";
    if (s.opts.format == OutputFormat::text) s.out << "inventory: " << layout.inventory() << std::endl;
    while (s.signal_count == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    s.err << "rehearse: stopping the traffic (it drains what was sent), then verifying (signal again to abort)\n";
    s.result.engine_status = "external";
}

// The roll: by the engine in-process (full) or by an operator while we wait (setup-only).
void roll(Session& s, const Cluster& c, const Plan& plan) {
    const auto roll_t0 = SteadyClock::now();
    if (s.opts.scope == RunScope::setup_only) {
        wait_for_external_apply(s, c.layout);
    } else {
        s.err << "rehearse: rolling " << s.opts.from_version << " -> " << s.opts.to_version << " with "
              << s.result.transport << " transport\n";
        RollOutcome o = apply_plan(s, c, plan);
        s.result.engine_status = o.status;
        s.result.engine_message = o.message;
        s.result.read_only_left = o.read_only_left;
        for (auto& f : o.failures) s.result.failures.push_back(std::move(f));
    }
    s.result.roll_ms = ms_since(roll_t0);
}

// The traffic's counts into the result; a non-orderly send that failed is a failure of the
// rehearsal (zero downtime, not only zero loss).
void record_counts(RehearsalResult& result, const Result<LoadCounts>& counts) {
    if (!counts.ok()) {
        result.failures.push_back("load generator: " + counts.error().describe());
        return;
    }
    result.load = *counts;
    result.load_ok = true;
    if (counts->failed > 0) {
        std::string where;
        for (const auto& [broker, n] : counts->failed_by_broker)
            where += (where.empty() ? "" : ", ") + broker + ": " + std::to_string(n);
        result.failures.push_back(std::to_string(counts->failed) + " sends failed during the roll (" + where + ")");
    }
}

// The traffic must have covered the whole roll; then it keeps going a little on the finished
// cluster (clients come back to every broker at their next route refresh), stops sending and
// drains: the rehearsal takes as long as the roll, not as long as the traffic window sized in advance.
void finish_traffic(Session& s, LoadGenerator& load, SteadyClock::time_point load_t0, std::chrono::seconds traffic) {
    if (SteadyClock::now() - load_t0 > traffic)
        s.result.failures.push_back("traffic ended before the roll did: raise --load-seconds");
    if (!s.interrupted) pause_for(s.fast() ? std::chrono::seconds(3) : std::chrono::seconds(35), s.interrupted);
    auto counts = load.stop(std::chrono::seconds(60));
    if (!s.interrupted) s.err << "rehearse: traffic finished\n";
    record_counts(s.result, counts);
}

// Observes and judges every node, then writes the report to <workdir>/rehearsal.json and out.
// True when the rehearsal passed.
bool verdict(Session& s, const Cluster& c) {
    RehearsalResult& r = s.result;
    r.nodes = observe_cluster(c.topology, c.layout, c.admin, k_topic);
    const int bad = judge_nodes(r.nodes, s.opts.to_version);
    r.total_ms = ms_since(s.t0);
    const bool engine_ok = r.engine_status == "completed" || r.engine_status == "external";
    r.passed = engine_ok && bad == 0 && r.load_ok && r.load.lost == 0 && r.read_only_left.empty() && r.failures.empty();
    {
        std::ofstream j(s.workdir + "/rehearsal.json");
        j << render_result_json(r);
    }
    s.out << (s.opts.format == OutputFormat::json ? render_result_json(r) : render_result_text(r));
    s.out.flush();
    return r.passed;
}

// Traffic throughout the roll, then the verdict.
Result<bool> roll_under_traffic(Session& s, const Cluster& c, const Plan& plan) {
    const auto traffic = traffic_length(plan, s.opts.load_seconds);
    auto load = LoadGenerator::start(load_options(s, c, traffic));
    if (!load.ok()) return std::move(load).error();
    s.reaper.keep(load->pid());
    const auto load_t0 = SteadyClock::now();
    s.err << "rehearse: traffic at " << s.opts.rate << " msg/s on " << k_topic << " for up to " << traffic.count()
          << " s (rmq-sim load, pid " << load->pid() << ")\n";
    pause_for(std::chrono::seconds(s.fast() ? 1 : 3), s.interrupted);  // traffic flows before the first restart
    roll(s, c, plan);
    finish_traffic(s, *load, load_t0, traffic);
    return verdict(s, c);
}

// The old cluster in the work directory, its hosts, inventory and plan, then the roll under
// traffic. Every process started here is gone when it returns (the guard), whatever happens.
Result<bool> rehearse_in_workdir(Session& s) {
    ClusterGuard guard(s.workdir + "/conf/");
    PortLock port_lock;
    const Topology topology = rehearsal_topology(AddressScheme::loopback, s.opts.first_address, s.opts.shape);
    const LayoutOptions lo = layout_options(s);
    auto layout = write_layout(topology, lo);
    if (!layout.ok()) return std::move(layout).error();
    net::RemotingClient client(admin_client_options(lo.acl));
    net::RemotingAdmin admin(client, std::chrono::milliseconds(3000));
    announce_start(s);
    RMQUP_TRY(start_cluster(topology, *layout, s.opts.from_version, admin, std::chrono::seconds(40)));
    port_lock.release();

    auto hosts = RehearsalHosts::create(topology, s.opts.transport, s.err);
    if (!hosts.ok()) return std::move(hosts).error();
    s.result.transport = (*hosts)->transport();
    {
        std::ofstream inv(layout->inventory());
        inv << render_inventory(topology, inventory_options(s, *layout, **hosts));
    }
    const Cluster cluster{topology, *layout, admin, **hosts};
    auto plan = ready_plan(s, cluster);
    if (!plan.ok()) return std::move(plan).error();
    return roll_under_traffic(s, cluster, *plan);
}

// The cluster is gone; keep the evidence of a failure or when asked. After a success only the
// reports the summary points at stay in a temporary work directory (stores, configs, logs and keys go).
void tidy_workdir(const RehearseOptions& opts, const std::string& workdir, int exit_code, std::ostream& err) {
    if (opts.workdir.empty() && !opts.keep && exit_code == 0) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(workdir, ec)) {
            const auto name = entry.path().filename().string();
            if (name == "report.md" || name == "report.html" || name == "rehearsal.json") continue;
            fs::remove_all(entry.path(), ec);
        }
    } else if (exit_code != 0) {
        err << "rehearse: work directory kept: " << workdir << "\n";
    }
}

}  // namespace

int run_rehearsal(const RehearseOptions& opts, std::ostream& out, std::ostream& err) {
    const auto t0 = SteadyClock::now();
    // Ctrl-C / SIGTERM: interrupts the roll (full) or ends the wait for the external apply
    // (setup-only: a second signal then interrupts the wait for the traffic as well).
    std::atomic<bool> interrupted{false};
    std::atomic<int> signal_count{0};
    // Before any thread exists: every later thread inherits the blocked signal mask.
    proc::SignalWatcher signals([&](int) {
        if (++signal_count > 1 || opts.scope == RunScope::full) interrupted = true;
    });
    proc::Reaper reaper;

    const std::string sim = find_sim(opts.sim_bin);
    if (sim.empty()) {
        err << "rmq-upgrade rehearse: rmq-sim not found (next to rmq-upgrade, in ../sim, or $RMQ_SIM); use --sim PATH\n";
        return static_cast<int>(ExitCode::invalid_input);  // nothing was started
    }
    const auto workdir = make_workdir(opts.workdir);
    if (!workdir) {
        err << "rmq-upgrade rehearse: cannot create a temporary directory\n";
        return static_cast<int>(ExitCode::failed);
    }
    Session session{opts, out, err, sim, *workdir, t0, interrupted, signal_count, reaper, RehearsalResult{}};
    session.result.workdir = *workdir;
    auto passed = rehearse_in_workdir(session);
    if (!passed.ok()) {
        err << "rmq-upgrade rehearse: " << passed.error().describe() << "\n";
        return static_cast<int>(ExitCode::failed);
    }
    const ExitCode verdict = *passed                                               ? ExitCode::ok
                             : signals.received() && opts.scope == RunScope::full ? ExitCode::interrupted
                                                                                   : ExitCode::failed;
    const int exit_code = static_cast<int>(verdict);
    tidy_workdir(opts, *workdir, exit_code, err);
    return exit_code;
}

}  // namespace rmqup::rehearsal
