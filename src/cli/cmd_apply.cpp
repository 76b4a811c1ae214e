// The 'apply' command family: apply (live or --dry-run), resume, rollback. Wiring only: the
// engine (rmqup/engine) does the work; this file builds its adapters (remoting admin, host
// operations per host, system clock, journal, reporters) and maps its outcome to an exit code.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "rmqup/engine/engine.hpp"
#include "rmqup/report/report.hpp"
#include "rmqup/engine/recording.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/plan/plan_io.hpp"
#include "rmqup/plan/planner.hpp"
#include "rmqup/proc/signal_watcher.hpp"
#include "rmqup/hostops/serialized_host_ops.hpp"
#include "rmqup/core/secret_ref.hpp"
#include "rmqup/ssh/host_ops_factory.hpp"

namespace rmqup::cli {

namespace {

constexpr const char* k_default_journal = "./rmq-upgrade-journal";

struct ApplyFlags {
    std::string plan_path;
    std::string inventory;
    std::vector<std::string> accept_risks;
    bool dry_run = false;
    bool yes = false;
    std::string journal = k_default_journal;
    std::string events;
    std::string report;
    std::string broker;  // rollback --broker
    bool all = false;    // rollback --all
    bool approve = false;  // resume --approve: pass the approval gate the journal waits at
};

// The engine's interrupt flag, set by SIGINT, SIGTERM or SIGHUP (a dropped terminal).
void on_interrupt(std::atomic<bool>& interrupted) {
    if (!interrupted.exchange(true))
        std::cerr << "\nrmq-upgrade: interrupt received: finishing the current step safely (no broker is "
                     "left read-only); `rmq-upgrade resume` continues\n";
}

Result<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorKind::invalid_input, "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Writes a 0600 file durably (file and directory entry fsynced): resume and rollback read it back.
Status write_private(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        return make_error(ErrorKind::io, "cannot write " + path);
    ::chmod(path.c_str(), 0600);
    const std::string dir = std::filesystem::path(path).parent_path().string();
    for (const std::string& target : {path, dir.empty() ? std::string(".") : dir}) {
        int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::fsync(fd) != 0) {
            if (fd >= 0)
                ::close(fd);
            return make_error(ErrorKind::io, "cannot fsync " + target);
        }
        ::close(fd);
    }
    return ok_status();
}

Result<Plan> load_plan_file(const std::string& path) {
    auto text = read_text(path);
    if (!text.ok())
        return std::move(text).error();
    return plan_from_json(*text, path);
}

// The plan's ACL references (resolved now), else the command-line flags.
Result<std::optional<rmq::AclCredentials>> plan_acl(const Plan& plan, const GlobalOptions& g) {
    if (plan.acl_access_key_ref.empty())
        return resolve_acl(g);
    auto ak = resolve_access_key(plan.acl_access_key_ref);
    if (!ak.ok())
        return std::move(ak).error().with("acl access key");
    auto sk = resolve_secret_ref(plan.acl_secret_key_ref);
    if (!sk.ok())
        return std::move(sk).error().with("acl secret key");
    return std::optional<rmq::AclCredentials>(rmq::AclCredentials{*ak, std::move(sk).value()});
}

// The plan from --plan, or made now from -i (live discovery; offline for a dry run).
Result<Plan> obtain_plan(const ApplyFlags& f, const GlobalOptions& g) {
    if (!f.plan_path.empty())
        return load_plan_file(f.plan_path);
    auto inv = load_inventory(f.inventory);
    if (!inv.ok())
        return std::move(inv).error();
    PlanRequest req;
    req.accepted_risks = f.accept_risks;
    req.offline = f.dry_run;
    if (f.dry_run)
        return make_plan(*inv, nullptr, req);
    Plan plan_acl_view;
    plan_acl_view.acl_access_key_ref = inv->acl.access_key;
    plan_acl_view.acl_secret_key_ref = inv->acl.secret_key_ref;
    auto acl = plan_acl(plan_acl_view, g);
    if (!acl.ok())
        return std::move(acl).error();
    net::RemotingClient client(client_options(inv->policy.timeouts.request, *acl));
    net::RemotingAdmin admin(client, inv->policy.timeouts.request);
    std::map<std::string, std::unique_ptr<HostOps>> hosts;
    req.host_ops = [&hosts](const HostAccess& access) -> Result<HostOps*> {
        auto& slot = hosts[access.name];
        if (!slot) {
            auto made = make_host_ops(access);
            if (!made.ok())
                return std::move(made).error();
            slot = std::move(made).value();
        }
        return slot.get();
    };
    return make_plan(*inv, &admin, req);
}

// Operator-facing reporters: progress on stderr, optional JSON lines, a collector for the report.
struct Reporters {
    engine::TerminalReporter terminal{std::cerr};
    engine::CollectingReporter collected;
    std::unique_ptr<std::ofstream> events_file;
    std::unique_ptr<engine::JsonLinesReporter> json;
    engine::TeeReporter tee;

    Status init(const std::string& events) {
        tee.add(terminal);
        tee.add(collected);
        if (events == "-") {
            json = std::make_unique<engine::JsonLinesReporter>(std::cout);
        } else if (!events.empty()) {
            events_file = std::make_unique<std::ofstream>(events, std::ios::app);
            if (!*events_file)
                return make_error(ErrorKind::invalid_input, "cannot open events file " + events);
            json = std::make_unique<engine::JsonLinesReporter>(*events_file);
        }
        if (json)
            tee.add(*json);
        return ok_status();
    }
};

// What counts as success: an apply must complete; a rollback command must roll back.
enum class Goal { upgrade, roll_back };

int finish(const Result<engine::RunSummary>& summary, const Reporters& rep, const std::string& report_dir,
           const std::string& journal_dir, Goal goal) {
    if (!summary.ok())
        return report_error(summary.error());
    const auto& s = *summary;
    if (!report_dir.empty()) {
        auto md = report::write_markdown_report(report_dir, s, rep.collected.events());
        auto html = report::write_html_report(report_dir, s, rep.collected.events());
        if (md.ok() && html.ok())
            std::cerr << "report: " << report_dir << "/report.md, " << report_dir << "/report.html\n";
        else
            std::cerr << "rmq-upgrade: warning: report not written: "
                      << (md.ok() ? html.error().describe() : md.error().describe()) << "\n";
    }
    std::string message = s.message;
    for (auto p = message.find("--journal DIR"); p != std::string::npos; p = message.find("--journal DIR"))
        message.replace(p, 13, "--journal " + journal_dir);
    std::cerr << "\n" << engine::run_status_name(s.status) << ": " << message << "\n";
    for (const auto& f : s.failures)
        std::cerr << "  failure: " << f << "\n";
    for (const auto& r : s.read_only_left)
        std::cerr << "  READ-ONLY BROKER LEFT: " << r << "\n";
    if (s.status == engine::RunStatus::interrupted)
        return static_cast<int>(ExitCode::interrupted);
    if (s.status == engine::RunStatus::awaiting_approval && s.read_only_left.empty())
        return static_cast<int>(ExitCode::awaiting_approval);
    if (!s.read_only_left.empty())
        return static_cast<int>(ExitCode::failed);
    const bool success = s.status == engine::RunStatus::completed ||
                         (goal == Goal::roll_back && s.status == engine::RunStatus::rolled_back);
    return success ? 0 : static_cast<int>(ExitCode::failed);
}

enum class LiveRun { apply, resume, rollback };

// At an approval gate with an operator at the terminal: asks; a non-interactive run just stops
// there (exit code 4) and `resume --approve` continues later.
bool approved_at_terminal(const std::string& gate, const std::atomic<bool>& interrupted) {
    if (!::isatty(STDIN_FILENO) || interrupted.load())
        return false;
    std::cerr << "\nApproval gate after " << gate
              << ". Type 'yes' to continue now (anything else stops here; `rmq-upgrade resume --approve` continues later): ";
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
}

// Builds the live adapters around plan and runs the engine.
int run_live(const Plan& plan, const ApplyFlags& f, const GlobalOptions& g, LiveRun what) {
    std::atomic<bool> interrupted{false};
    // Before any thread starts, so they inherit the mask.
    proc::SignalWatcher watcher([&interrupted](int) { on_interrupt(interrupted); });

    auto journal = engine::FileJournal::open(
        f.journal, what == LiveRun::apply ? engine::JournalOpen::fresh : engine::JournalOpen::resume);
    if (!journal.ok())
        return report_error(journal.error());
    if (what == LiveRun::apply) {
        if (auto s = write_private(engine::FileJournal::plan_path(f.journal), plan_to_json(plan)); !s.ok())
            return report_error(s.error());
    }
    auto acl = plan_acl(plan, g);
    if (!acl.ok())
        return report_error(std::move(acl).error().with("ACL credentials"));
    net::RemotingClient client(client_options(plan.policy.timeouts.request, *acl));
    net::RemotingAdmin admin(client, plan.policy.timeouts.request);
    std::map<std::string, std::unique_ptr<HostOps>> hosts;
    std::mutex hosts_mu;  // the nodes of a wave look up their hosts from their own threads
    auto host_lookup = [&](const std::string& name) -> Result<HostOps*> {
        std::lock_guard<std::mutex> lock(hosts_mu);
        auto& slot = hosts[name];
        if (slot)
            return slot.get();
        for (const auto& access : plan.hosts) {
            if (access.name != name)
                continue;
            auto made = make_host_ops(access);
            if (!made.ok())
                return std::move(made).error().with("host " + name);
            slot = std::make_unique<SerializedHostOps>(std::move(made).value());
            return slot.get();
        }
        return make_error(ErrorKind::invalid_input, "plan has no host named " + name);
    };
    Reporters rep;
    if (auto s = rep.init(f.events); !s.ok())
        return report_error(s.error());
    if (what != LiveRun::apply) {
        // The report of a resumed roll shows its earlier runs too.
        if (auto earlier = (*journal)->load(); earlier.ok())
            for (const auto& e : report::journal_events(*earlier))
                rep.collected.report(e);
    }
    SystemClock clock;
    engine::EngineDeps deps{admin, host_lookup, clock, **journal, rep.tee, &interrupted};
    deps.approve = what == LiveRun::resume && f.approve;
    Result<engine::RunSummary> summary = make_error(ErrorKind::internal, "not run");
    switch (what) {
    case LiveRun::apply: summary = engine::run_apply(plan, deps); break;
    case LiveRun::resume: summary = engine::run_resume(plan, deps); break;
    case LiveRun::rollback: {
        engine::RollbackScope scope;
        if (!f.broker.empty())
            scope.broker_name = f.broker;
        summary = engine::run_rollback(plan, deps, scope);
        break;
    }
    }
    while (summary.ok() && summary->status == engine::RunStatus::awaiting_approval &&
           approved_at_terminal(summary->gate, interrupted)) {
        deps.approve = true;
        summary = engine::run_resume(plan, deps);
    }
    return finish(summary, rep, f.report.empty() ? f.journal : f.report, f.journal,
                  what == LiveRun::rollback ? Goal::roll_back : Goal::upgrade);
}

int run_dry(const Plan& plan, const ApplyFlags& f) {
    engine::CallLog log;
    engine::RecordingAdmin admin(plan, log);
    std::map<std::string, std::unique_ptr<engine::RecordingHostOps>> hosts;
    auto host_lookup = [&](const std::string& name) -> Result<HostOps*> {
        auto& slot = hosts[name];
        if (!slot)
            slot = std::make_unique<engine::RecordingHostOps>(name, plan, log, &admin);
        return slot.get();
    };
    SystemClock real;
    ManualClock clock(real.wall_ms());
    engine::MemoryJournal journal;
    Reporters rep;
    if (auto s = rep.init(f.events); !s.ok())
        return report_error(s.error());
    engine::EngineDeps deps{admin, host_lookup, clock, journal, rep.tee, nullptr};
    auto summary = engine::run_apply(plan, deps, engine::RunMode::dry_run);
    std::ostream& out = f.events == "-" ? std::cerr : std::cout;
    out << "\nDry run: " << log.calls.size() << " calls would be made, in this order (nothing was contacted):\n";
    for (size_t i = 0; i < log.calls.size(); ++i)
        out << "  " << (i + 1) << ". " << log.calls[i] << "\n";
    out << "Simulated duration: " << clock.now().count() / 1000 << " s\n";
    return finish(summary, rep, f.report, "(dry run)", Goal::upgrade);
}

// Interactive confirmation; --yes skips it. Without a terminal, --yes is required.
bool confirmed(const Plan& plan, const ApplyFlags& f) {
    if (f.yes)
        return true;
    std::size_t todo = 0;
    for (const auto& n : plan.nodes)
        todo += n.skip ? 0 : 1;
    std::cerr << "About to upgrade cluster " << plan.cluster << " to " << plan.target_version << ": " << todo
              << " node(s) to restart one at a time.\n";
    if (!::isatty(STDIN_FILENO)) {
        std::cerr << "rmq-upgrade: not a terminal: pass --yes to apply\n";
        return false;
    }
    std::cerr << "Type 'yes' to continue: ";
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
}

// A rollback restarts serving brokers: like apply, it asks first; --yes is required without a terminal.
bool rollback_confirmed(const ApplyFlags& f) {
    if (f.yes)
        return true;
    std::cerr << "About to roll back " << (f.all ? std::string("every upgraded node") : "broker group " + f.broker)
              << " to its old version: running masters are made read-only, drained, stopped and restarted.\n";
    if (!::isatty(STDIN_FILENO)) {
        std::cerr << "rmq-upgrade: not a terminal: pass --yes to roll back\n";
        return false;
    }
    std::cerr << "Type 'yes' to continue: ";
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
}

int run_apply_cmd(const ApplyFlags& f, const GlobalOptions& g) {
    if (f.plan_path.empty() == f.inventory.empty()) {
        std::cerr << "rmq-upgrade: apply needs exactly one of --plan or -i/--inventory\n";
        return static_cast<int>(ExitCode::invalid_input);
    }
    auto plan = obtain_plan(f, g);
    if (!plan.ok())
        return report_error(plan.error());
    if (plan_blocked(*plan)) {
        std::cerr << "rmq-upgrade: the plan has blocking findings:\n";
        for (const auto& fd : plan->findings)
            if (fd.severity == Severity::error || (fd.severity == Severity::warning && !fd.accepted))
                std::cerr << "  " << fd.id << " (" << fd.subject << "): " << fd.message << "\n";
        std::cerr << "fix them, or accept a warning with --accept-risk ID when planning\n";
        return static_cast<int>(ExitCode::failed);
    }
    if (f.dry_run)
        return run_dry(*plan, f);
    if (!confirmed(*plan, f))
        return static_cast<int>(ExitCode::invalid_input);
    return run_live(*plan, f, g, LiveRun::apply);
}

// resume / rollback: the plan saved beside the journal unless --plan is given.
int run_from_journal(const ApplyFlags& f, const GlobalOptions& g, LiveRun what) {
    const std::string path = f.plan_path.empty() ? engine::FileJournal::plan_path(f.journal) : f.plan_path;
    auto plan = load_plan_file(path);
    if (!plan.ok())
        return report_error(plan.error());
    return run_live(*plan, f, g, what);
}

void add_common(CLI::App& sub, ApplyFlags& f, GlobalOptions& g) {
    sub.add_option("--journal", f.journal, "Journal directory (lock, journal.jsonl, plan.json)")
        ->capture_default_str();
    sub.add_option("--events", f.events, "Also write JSON-lines events to FILE, or '-' for stdout");
    sub.add_option("--report", f.report, "Write report.md and report.html to DIR (default: the journal directory)");
    add_acl_options(sub, g);
}

}  // namespace

void add_apply_commands(CLI::App& app, GlobalOptions& g) {
    auto f = std::make_shared<ApplyFlags>();

    auto* apply = app.add_subcommand("apply", "Run a reviewed plan against the cluster, one node at a time");
    apply->add_option("--plan", f->plan_path, "Plan file written by `rmq-upgrade plan -o`");
    apply->add_option("-i,--inventory", f->inventory, "Inventory file (the plan is made now)");
    apply->add_option("--accept-risk", f->accept_risks, "Accept the warnings of one check id (with -i; repeatable)");
    apply->add_flag("--dry-run", f->dry_run, "Print every call the run would make; contact nothing");
    apply->add_flag("--yes", f->yes, "Do not ask for confirmation");
    add_common(*apply, *f, g);
    apply->callback([f, &g] { g.exit_code = run_apply_cmd(*f, g); });

    auto* resume = app.add_subcommand("resume", "Continue an interrupted or paused run from its journal");
    resume->add_option("--plan", f->plan_path, "Plan file (default: plan.json in the journal directory)");
    resume->add_flag("--approve", f->approve, "Pass the approval gate the run stopped at (exit code 4), then continue");
    add_common(*resume, *f, g);
    resume->callback([f, &g] { g.exit_code = run_from_journal(*f, g, LiveRun::resume); });

    auto* rollback = app.add_subcommand("rollback", "Put upgraded nodes back on their old version");
    rollback->add_option("--plan", f->plan_path, "Plan file (default: plan.json in the journal directory)");
    auto* broker = rollback->add_option("--broker", f->broker, "Only this broker group (brokerName)");
    auto* all = rollback->add_flag("--all", f->all, "Every upgraded broker (reverse order), then the NameServers");
    broker->excludes(all);
    all->excludes(broker);
    rollback->add_flag("--yes", f->yes, "Do not ask for confirmation");
    add_common(*rollback, *f, g);
    rollback->callback([f, &g] {
        if (f->broker.empty() && !f->all) {
            std::cerr << "rmq-upgrade: rollback needs --broker NAME or --all\n";
            g.exit_code = static_cast<int>(ExitCode::invalid_input);
            return;
        }
        if (!rollback_confirmed(*f)) {
            g.exit_code = static_cast<int>(ExitCode::invalid_input);
            return;
        }
        g.exit_code = run_from_journal(*f, g, LiveRun::rollback);
    });
}

}  // namespace rmqup::cli
