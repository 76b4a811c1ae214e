#include "run_context.hpp"

#include <algorithm>

#include "rmqup/core/version.hpp"

namespace rmqup::engine::detail {

namespace {
// Wait progress is reported at most this often, so a 2 s poll does not flood the terminal.
constexpr Millis k_wait_report_every{5000};
// Per thread: each node of a wave runs its waits and safety actions on its own thread.
thread_local std::string t_reason;
thread_local bool t_safety = false;
}  // namespace

Context::SafetyScope::SafetyScope(Context& /*c*/) : m_prev(t_safety) { t_safety = true; }
Context::SafetyScope::~SafetyScope() { t_safety = m_prev; }

void Context::set_reason(std::string r) { t_reason = std::move(r); }
const std::string& Context::last_reason() const { return t_reason; }

void Context::add_read_only_left(const std::string& why) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    m_read_only_left.push_back(why);
}

void Context::add_failure(const std::string& line) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    m_failures.push_back(line);
}

std::vector<std::string> Context::read_only_left() const {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    return m_read_only_left;
}

std::vector<std::string> Context::failures() const {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    return m_failures;
}

std::string node_label(const PlanNode& n) {
    if (n.kind == NodeKind::nameserver)
        return "nameserver " + n.address;
    return n.broker_name + "@" + std::to_string(n.broker_id) + " " + n.address;
}

bool is_master(const PlanNode& n) { return n.kind == NodeKind::broker && n.broker_id == 0; }

std::string version_desc(const std::string& version) {
    auto v = RmqVersion::parse(version);
    return v ? v->desc() : version;
}

Context::Context(const Plan& plan, EngineDeps& deps, RunMode mode) : m_plan(plan), m_deps(deps), m_mode(mode) {
    m_nodes.reserve(plan.nodes.size());
    for (const auto& n : plan.nodes) {
        NodeRun r;
        r.node = &n;
        m_nodes.push_back(r);
    }
}

NodeRun* Context::find(const std::string& id) {
    for (auto& n : m_nodes)
        if (n.node->id == id)
            return &n;
    return nullptr;
}

std::vector<const PlanNode*> Context::slaves_of(const PlanNode& master) const {
    std::vector<const PlanNode*> out;
    for (const auto& n : m_plan.nodes)
        if (n.kind == NodeKind::broker && n.broker_name == master.broker_name && n.broker_id != 0)
            out.push_back(&n);
    return out;
}

Status Context::transition(NodeRun& n, Phase to, const std::string& note_text) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    JournalRecord r;
    r.wall_ms = m_deps.clock.wall_ms();
    r.kind = RecordKind::phase;
    r.node = n.node->id;
    r.from = n.phase;
    r.phase = to;
    r.message = note_text;
    if (auto s = m_deps.journal.append(r); !s.ok())
        return std::move(s).error().with("journal " + n.node->id + " -> " + phase_name(to));
    Event e;
    e.kind = EventKind::phase;
    e.wall_ms = r.wall_ms;
    e.node = n.node->id;
    e.from = n.phase;
    e.phase = to;
    e.message = note_text;
    e.level = (to == Phase::failed) ? Level::error
              : (to == Phase::paused || to == Phase::rolling_back) ? Level::warning
                                                                     : Level::info;
    m_deps.reporter.report(e);
    if (n.started_ms == 0)
        n.started_ms = r.wall_ms;
    n.ended_ms = r.wall_ms;
    n.phase = to;
    return ok_status();
}

Status Context::note(NodeRun& n, const std::string& text) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    JournalRecord r;
    r.wall_ms = m_deps.clock.wall_ms();
    r.kind = RecordKind::note;
    r.node = n.node->id;
    r.phase = n.phase;
    r.from = n.phase;
    r.message = text;
    RMQUP_TRY(m_deps.journal.append(r));
    say(Level::info, &n, text);
    return ok_status();
}

Status Context::run_record(RecordKind kind, const std::string& text, const std::string& plan_hash) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    JournalRecord r;
    r.wall_ms = m_deps.clock.wall_ms();
    r.kind = kind;
    r.message = text;
    r.plan_hash = plan_hash;
    return m_deps.journal.append(r);
}

Status Context::gate_record(JournalRecord r) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    r.wall_ms = m_deps.clock.wall_ms();
    return m_deps.journal.append(r);
}

void Context::report(const Event& e) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    m_deps.reporter.report(e);
}

void Context::say(Level level, const NodeRun* n, const std::string& text) {
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    Event e;
    e.kind = EventKind::message;
    e.wall_ms = m_deps.clock.wall_ms();
    e.level = level;
    if (n != nullptr) {
        e.node = n->node->id;
        e.phase = n->phase;
    }
    e.message = text;
    m_deps.reporter.report(e);
}

bool Context::interrupted() const {
    return !t_safety && m_deps.interrupt != nullptr && m_deps.interrupt->load();
}

Result<HostOps*> Context::host(const PlanNode& node) {
    auto r = m_deps.hosts(node.host);
    if (!r.ok())
        return std::move(r).error().with("host " + node.host);
    if (*r == nullptr)
        return make_error(ErrorKind::internal, "no HostOps for host " + node.host);
    return *r;
}

void Context::sample_tps() {
    if (m_mode == RunMode::dry_run)
        return;  // samples feed the report; a dry run would only print hundreds of reads
    Millis now = m_deps.clock.now();
    {
        // One sample per second at most: several waits (and a wave's nodes) may poll in the same second.
        std::lock_guard<std::recursive_mutex> lock(m_mu);
        if (now - m_last_sample < Millis(1000))
            return;
        m_last_sample = now;
    }
    Event e;
    e.kind = EventKind::sample;
    e.wall_ms = m_deps.clock.wall_ms();
    for (const auto& n : m_plan.nodes) {
        if (n.kind != NodeKind::broker)
            continue;
        auto ri = m_deps.admin.runtime_info(n.address);
        if (!ri.ok())
            continue;  // a stopped or booting broker simply has no sample
        TpsSample s;
        s.broker = n.broker_name + "@" + std::to_string(n.broker_id);
        s.put_tps = ri->put_tps.s10.value_or(0);
        s.get_tps = ri->get_transferred_tps.s10.value_or(0);
        e.tps.push_back(s);
    }
    std::lock_guard<std::recursive_mutex> lock(m_mu);
    m_deps.reporter.report(e);
}

Result<WaitResult> Context::wait_until(NodeRun& n, const std::string& what, Millis timeout, Millis interval,
                                       RetryOn retry, const std::function<Result<bool>()>& check,
                                       Sampling sampling) {
    const Millis start = m_deps.clock.now();
    const Millis deadline = start + timeout;
    // Long waits (a 10 min canary window) report less often than short ones.
    const Millis report_every = std::max(k_wait_report_every, timeout / 20);
    Millis last_report = start - report_every;
    t_reason.clear();
    if (interval <= Millis(0))
        interval = Millis(1);
    for (;;) {
        if (interrupted())
            return make_error(ErrorKind::interrupted, "interrupted while waiting for " + what);
        auto r = check();
        if (r.ok() && *r)
            return WaitResult::met;
        if (!r.ok()) {
            const auto kind = r.error().kind;
            const bool transient = kind == ErrorKind::not_ready || kind == ErrorKind::timeout ||
                                   kind == ErrorKind::unreachable;
            if (retry == RetryOn::transient && !transient)
                return std::move(r).error().with("waiting for " + what);
            t_reason = r.error().describe();
        }
        if (sampling == Sampling::cluster_tps)
            sample_tps();
        const Millis now = m_deps.clock.now();
        if (now >= deadline)
            return WaitResult::timed_out;
        if (now - last_report >= report_every) {
            last_report = now;
            Event e;
            e.kind = EventKind::wait;
            e.wall_ms = m_deps.clock.wall_ms();
            e.node = n.node->id;
            e.phase = n.phase;
            e.message = t_reason.empty() ? what : what + " (" + t_reason + ")";
            e.elapsed_ms = (now - start).count();
            e.left_ms = (deadline - now).count();
            std::lock_guard<std::recursive_mutex> lock(m_mu);
            m_deps.reporter.report(e);
        }
        m_deps.clock.sleep_for(std::min(interval, deadline - now));
    }
}

}  // namespace rmqup::engine::detail
