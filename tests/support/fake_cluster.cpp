#include "fake_cluster.hpp"

#include <algorithm>
#include <sstream>

#include "rmqup/core/version.hpp"

namespace rmqup::test {

namespace {

std::string version_in(const std::string& start_command) {
    auto p = start_command.find("rocketmq-");
    if (p == std::string::npos)
        return "";
    auto e = start_command.find('/', p);
    return start_command.substr(p + 9, e - p - 9);
}

int perm_in(const std::string& config) {
    std::istringstream in(config);
    std::string line;
    int perm = 6;
    while (std::getline(in, line))
        if (line.rfind("brokerPermission=", 0) == 0)
            perm = std::stoi(line.substr(17));
    return perm;
}

Error err(ErrorKind k, std::string m) { return make_error(k, std::move(m)); }

}  // namespace

void FakeCluster::load(const Plan& plan) {
    target_version = plan.target_version;
    for (const auto& n : plan.nodes) {
        if (n.kind == NodeKind::nameserver) {
            SimNameServer ns;
            ns.addr = n.address;
            ns.proc.version = n.current_version;
            nameservers[n.address] = ns;
        } else {
            SimBroker b;
            b.name = n.broker_name;
            b.id = n.broker_id;
            b.addr = n.address;
            b.config_path = n.current.config_path;
            b.proc.version = n.current_version;
            if (n.broker_id != 0)
                b.base_tps = 0;
            brokers[n.address] = b;
            files[n.current.config_path] = "brokerClusterName=" + n.cluster + "\nbrokerName=" + n.broker_name +
                                           "\nbrokerId=" + std::to_string(n.broker_id) + "\n";
        }
        matches[n.current.match] = n.address;
        matches[n.target.match] = n.address;
    }
}

std::optional<Error> FakeCluster::call(const std::string& op, const std::string& arg) {
    log.push_back(op + " " + arg);
    if (on_call)
        on_call(op, arg);
    for (auto& r : rules) {
        if (r.op != op || (!r.arg.empty() && arg.find(r.arg) == std::string::npos))
            continue;
        ++r.seen;
        if (r.seen >= r.nth && r.seen < r.nth + r.times)
            return err(r.kind, "injected failure of " + op + " #" + std::to_string(r.seen));
    }
    return std::nullopt;
}

int FakeCluster::count(const std::string& op_prefix) const {
    return static_cast<int>(std::count_if(log.begin(), log.end(),
                                          [&](const std::string& l) { return l.rfind(op_prefix, 0) == 0; }));
}

bool FakeCluster::registered(const SimBroker& b, const SimNameServer& ns) const {
    if (!b.proc.running || !ns.proc.running)
        return false;
    const Millis now = m_clock.now();
    return now >= b.proc.boot_at + register_delay && now >= ns.proc.boot_at + ns_rereg_delay;
}

double FakeCluster::put_tps(const SimBroker& b) const { return put_tps_at(b, m_clock.now()); }

double FakeCluster::put_tps_at(const SimBroker& b, Millis now) const {
    if (!b.proc.running || b.id != 0)
        return 0;
    if (now < b.proc.boot_at + register_delay)
        return 0;
    if (b.perm & rmq::k_perm_write)
        return b.base_tps + b.stubborn_tps;
    const bool stale_routes = b.lost_write_at.count() >= 0 && now - b.lost_write_at < route_refresh;
    return (stale_routes ? b.base_tps : 0) + b.stubborn_tps;
}

void FakeCluster::tick() {
    const Millis now = m_clock.now();
    const double secs = static_cast<double>((now - m_last_tick).count()) / 1000.0;
    const Millis from = m_last_tick;
    m_last_tick = now;
    if (secs <= 0)
        return;
    for (auto& [addr, b] : brokers) {
        // The rate at the start of the interval: traffic that stops mid-interval still counts.
        const double tps = put_tps_at(b, from);
        b.put_total += tps * secs;
        b.offset += static_cast<std::int64_t>(tps * secs) * 100;
    }
    // Slaves replicate at once.
    for (auto& [addr, s] : brokers) {
        if (s.id == 0 || !s.proc.running)
            continue;
        for (auto& [a2, m] : brokers)
            if (m.id == 0 && m.name == s.name)
                s.offset = std::max(s.offset, m.offset);
    }
}

SimBroker* FakeCluster::broker_by_match(const std::string& match) {
    auto it = matches.find(match);
    if (it == matches.end())
        return nullptr;
    auto b = brokers.find(it->second);
    return b == brokers.end() ? nullptr : &b->second;
}

SimNameServer* FakeCluster::ns_by_match(const std::string& match) {
    auto it = matches.find(match);
    if (it == matches.end())
        return nullptr;
    auto n = nameservers.find(it->second);
    return n == nameservers.end() ? nullptr : &n->second;
}

// ---------------- ClusterAdmin ----------------

Result<SimBroker*> ClusterAdmin::live_broker(const std::string& addr) {
    auto guard = m_c.guard();
    auto it = m_c.brokers.find(addr);
    if (it == m_c.brokers.end() || !it->second.proc.running)
        return err(ErrorKind::unreachable, "connection refused " + addr);
    return &it->second;
}

Result<rmq::ClusterInfo> ClusterAdmin::cluster_info(const std::string& ns) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("cluster_info", ns))
        return *e;
    auto it = m_c.nameservers.find(ns);
    if (it == m_c.nameservers.end() || !it->second.proc.running)
        return err(ErrorKind::unreachable, "connection refused " + ns);
    rmq::ClusterInfo ci;
    for (const auto& [addr, b] : m_c.brokers) {
        if (!m_c.registered(b, it->second))
            continue;
        auto& bd = ci.broker_addr_table[b.name];
        bd.broker_name = b.name;
        bd.broker_addrs[b.id] = b.addr;
    }
    return ci;
}

Result<rmq::TopicRouteData> ClusterAdmin::topic_route(const std::string& ns, const std::string& topic) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("topic_route", ns + " " + topic))
        return *e;
    auto it = m_c.nameservers.find(ns);
    if (it == m_c.nameservers.end() || !it->second.proc.running)
        return err(ErrorKind::unreachable, "connection refused " + ns);
    rmq::TopicRouteData r;
    for (const auto& [addr, b] : m_c.brokers) {
        if (b.id != 0 || !m_c.registered(b, it->second))
            continue;
        if (topic != b.name && topic != "TestTopic")
            continue;
        rmq::QueueData q;
        q.broker_name = b.name;
        q.read_queue_nums = q.write_queue_nums = 4;
        q.perm = b.perm;
        r.queue_datas.push_back(q);
    }
    if (r.queue_datas.empty())
        return err(ErrorKind::rejected, "No topic route info in name server for the topic: " + topic);
    return r;
}

Result<int> ClusterAdmin::wipe_write_perm(const std::string& ns, const std::string& b) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("wipe_write_perm", ns + " " + b))
        return *e;
    // Route-level only (3.x drains this way): the routes lose W, the broker's own config does not.
    for (auto& [addr, x] : m_c.brokers)
        if (x.name == b && x.id == 0 && (x.perm & rmq::k_perm_write)) {
            x.perm &= ~rmq::k_perm_write;
            x.lost_write_at = m_c.clock().now();
        }
    return 1;
}
Result<int> ClusterAdmin::add_write_perm(const std::string& ns, const std::string& b) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("add_write_perm", ns + " " + b))
        return *e;
    for (auto& [addr, x] : m_c.brokers)
        if (x.name == b && x.id == 0) {
            x.perm = rmq::k_perm_read_write;
            x.lost_write_at = Millis(-1);
        }
    return 1;
}

Result<rmq::RuntimeInfo> ClusterAdmin::runtime_info(const std::string& broker) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("runtime_info", broker))
        return *e;
    m_c.tick();
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    SimBroker& x = **b;
    if (m_c.clock().now() < x.proc.boot_at + m_c.ready_delay) {
        ++m_c.not_ready_answers;
        Error e = err(ErrorKind::not_ready, "broker not ready");
        e.remark = "java.util.NoSuchElementException, java.base/java.util.LinkedList.getLast(LinkedList.java:261)";
        e.code = 1;
        return e;
    }
    rmq::RuntimeInfo ri;
    auto v = RmqVersion::parse(x.proc.version);
    ri.version_desc = v ? v->desc() : x.proc.version;
    ri.put_tps.s10 = m_c.put_tps(x);
    ri.get_transferred_tps.s10 = m_c.put_tps(x);
    ri.msg_put_total_today_now = static_cast<std::int64_t>(x.put_total);
    ri.commit_log_max_offset = x.offset;
    return ri;
}

Result<rmq::Properties> ClusterAdmin::broker_config(const std::string& broker) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("broker_config", broker))
        return *e;
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    return rmq::Properties{{"brokerName", (*b)->name}, {"brokerPermission", std::to_string((*b)->perm)}};
}

Status ClusterAdmin::update_broker_config(const std::string& broker, const rmq::Properties& kv) {
    auto guard = m_c.guard();
    std::string text;
    for (const auto& [k, v] : kv)
        text += " " + k + "=" + v;
    if (auto e = m_c.call("update_broker_config", broker + text))
        return *e;
    m_c.tick();
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    SimBroker& x = **b;
    for (const auto& [k, v] : kv) {
        if (k != "brokerPermission")
            continue;
        const int perm = std::stoi(v);
        if ((x.perm & rmq::k_perm_write) && !(perm & rmq::k_perm_write))
            x.lost_write_at = m_c.clock().now();
        x.perm = perm;
    }
    // Like a real broker, rewrite the whole config file with every key (operations fact 11).
    std::string out = "#" + std::to_string(m_c.clock().wall_ms()) + "\nsomeOldDefault=4.8.0-value\n";
    std::istringstream in(m_c.files[x.config_path]);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("brokerPermission=", 0) != 0 && line.rfind("#", 0) != 0 && line.rfind("someOldDefault", 0) != 0)
            out += line + "\n";
    out += "brokerPermission=" + std::to_string(x.perm) + "\n";
    m_c.files[x.config_path] = out;
    return ok_status();
}

Result<rmq::TopicConfigTable> ClusterAdmin::all_topic_config(const std::string& broker) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("all_topic_config", broker))
        return *e;
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    rmq::TopicConfigTable t;
    for (const std::string& name : {(*b)->name, std::string("TestTopic")}) {
        rmq::TopicConfig c;
        c.topic_name = name;
        t.topic_config_table[name] = c;
    }
    return t;
}

Result<rmq::ConsumeStats> ClusterAdmin::consume_stats(const std::string& broker, const std::string& g, const std::string& t) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("consume_stats", broker + " " + g + " " + t))
        return *e;
    return rmq::ConsumeStats{};
}
Result<rmq::ConsumerConnection> ClusterAdmin::consumer_connections(const std::string& broker, const std::string& g) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("consumer_connections", broker + " " + g))
        return *e;
    return rmq::ConsumerConnection{};
}
Result<rmq::ProducerConnection> ClusterAdmin::producer_connections(const std::string& broker, const std::string& g) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("producer_connections", broker + " " + g))
        return *e;
    return rmq::ProducerConnection{};
}

Result<std::int64_t> ClusterAdmin::max_offset(const std::string& broker, const std::string& topic, int q) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("max_offset", broker + " " + topic))
        return *e;
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    return static_cast<std::int64_t>((*b)->queues[{topic, q}].size());
}
Result<rmq::SendResult> ClusterAdmin::send_message(const std::string& broker, const rmq::SendRequest& msg) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("send_message", broker + " " + msg.topic))
        return *e;
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    auto& q = (*b)->queues[{msg.topic, msg.queue_id}];
    rmq::StoredMessage m;
    m.topic = msg.topic;
    m.body = msg.body;
    m.properties = msg.properties;
    m.queue_id = msg.queue_id;
    m.queue_offset = static_cast<std::int64_t>(q.size());
    q.push_back(m);
    rmq::SendResult r;
    r.queue_id = msg.queue_id;
    r.queue_offset = m.queue_offset;
    r.msg_id = "FAKE" + std::to_string(m.queue_offset);
    return r;
}

Result<rmq::PullResult> ClusterAdmin::pull_message(const std::string& broker, const rmq::PullRequest& req) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("pull_message", broker + " " + req.topic))
        return *e;
    auto b = live_broker(broker);
    if (!b.ok())
        return std::move(b).error();
    const auto& q = (*b)->queues[{req.topic, req.queue_id}];
    rmq::PullResult r;
    r.max_offset = static_cast<std::int64_t>(q.size());
    for (auto i = req.queue_offset; i < static_cast<std::int64_t>(q.size()) && i < req.queue_offset + req.max_msg_nums; ++i)
        r.messages.push_back(q[static_cast<size_t>(i)]);
    r.status = r.messages.empty() ? "NO_NEW_MSG" : "FOUND";
    r.code = r.messages.empty() ? 19 : 0;
    return r;
}

// ---------------- ClusterHostOps ----------------

FakeProcess* ClusterHostOps::process(const ProcessSpec& spec) {
    if (auto* b = m_c.broker_by_match(spec.match))
        return &b->proc;
    if (auto* n = m_c.ns_by_match(spec.match))
        return &n->proc;
    return nullptr;
}

Result<std::optional<ProcessIdentity>> ClusterHostOps::identify(const ProcessSpec& spec) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("identify", "[" + m_host + "] " + spec.match))
        return *e;
    // The fake's processes know their version; the home a spec names is that of its start command.
    const FakeProcess* p = process(spec);
    if (p == nullptr || !p->running || m_c.unidentifiable.count(m_c.matches[spec.match]) > 0)
        return std::optional<ProcessIdentity>{};
    ProcessIdentity id;
    id.pid = 1000 + static_cast<int>(m_c.matches.size());
    id.config_path = spec.config_path;
    id.config_matches = true;
    id.home_matches = p != nullptr && p->version == version_in(spec.start_command);
    id.home = id.home_matches ? spec.home : "/opt/rocketmq-" + (p ? p->version : std::string("unknown"));
    if (p != nullptr)
        id.home_env = p->home_env;
    return std::optional<ProcessIdentity>{id};
}

Status ClusterHostOps::stop(const ProcessSpec& spec, std::chrono::milliseconds, KillPolicy) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("stop", "[" + m_host + "] " + spec.match))
        return *e;
    m_c.tick();
    auto* p = process(spec);
    if (p != nullptr && p->running) {
        p->running = false;
        m_c.clock().advance(Millis(3000));  // a clean shutdown takes a moment
        if (auto* b = m_c.broker_by_match(spec.match))
            m_abort[spec.store_path] = b->abort_marker_after_stop;
    }
    return ok_status();
}

Result<int> ClusterHostOps::start(const ProcessSpec& spec) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("start", "[" + m_host + "] " + spec.start_command))
        return *e;
    m_c.tick();
    auto* p = process(spec);
    if (p == nullptr)
        return err(ErrorKind::invalid_input, "unknown process " + spec.match);
    p->running = true;
    p->version = version_in(spec.start_command);
    p->home_env.clear();
    if (auto it = m_c.inherited_home.find(m_c.matches[spec.match]); it != m_c.inherited_home.end()) {
        // An inherited ROCKETMQ_HOME makes bin/mqbroker run that home (operations fact 29).
        p->version = it->second;
        p->home_env = "/opt/rocketmq-" + it->second;
    }
    p->boot_at = m_c.clock().now();
    if (p->version == m_c.target_version)
        ++p->starts_of_target;
    if (auto* b = m_c.broker_by_match(spec.match)) {
        b->perm = perm_in(m_c.files[b->config_path]);
        b->lost_write_at = Millis(-1);
    }
    m_abort[spec.store_path] = false;
    return 1000 + static_cast<int>(m_c.log.size());
}

Result<bool> ClusterHostOps::abort_marker_present(const ProcessSpec& spec) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("abort_marker_present", "[" + m_host + "] " + spec.store_path))
        return *e;
    return m_abort[spec.store_path];
}

Result<std::string> ClusterHostOps::read_file(const std::string& path) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("read_file", "[" + m_host + "] " + path))
        return *e;
    auto it = m_c.files.find(path);
    if (it == m_c.files.end())
        return err(ErrorKind::io, "no such file " + path);
    return it->second;
}

Status ClusterHostOps::write_file(const std::string& path, const std::string& content, int) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("write_file", "[" + m_host + "] " + path))
        return *e;
    m_c.files[path] = content;
    return ok_status();
}

Status ClusterHostOps::backup_once(const std::string& path, const std::string& backup_path) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("backup_once", "[" + m_host + "] " + path))
        return *e;
    if (m_c.files.count(backup_path) == 0)
        m_c.files[backup_path] = m_c.files[path];
    return ok_status();
}

Result<bool> ClusterHostOps::path_exists(const std::string& path) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("path_exists", "[" + m_host + "] " + path))
        return *e;
    return m_c.files.count(path) > 0;
}

Result<HostFacts> ClusterHostOps::facts(const FactsRequest&) {
    auto guard = m_c.guard();
    if (auto e = m_c.call("facts", m_host))
        return *e;
    return HostFacts{};
}

// ---------------- the test plan ----------------

namespace {

ProcessSpec spec(ProcessKind kind, const std::string& name, const std::string& host, const std::string& version,
                 const std::string& conf, const std::string& store) {
    ProcessSpec s;
    s.kind = kind;
    s.name = name;
    s.host = host;
    s.match = kind == ProcessKind::broker ? "-c " + conf : "NamesrvStartup " + name;
    s.config_path = conf;
    s.store_path = store;
    s.log_path = "/var/log/rmq/" + name + ".out";
    s.start_command = "/opt/rocketmq-" + version + (kind == ProcessKind::broker ? "/bin/mqbroker -c " + conf
                                                                                 : "/bin/mqnamesrv");
    s.home = "/opt/rocketmq-" + version;
    return s;
}

PlanNode ns_node(const std::string& addr, const std::string& host) {
    PlanNode n;
    n.kind = NodeKind::nameserver;
    n.id = "ns:" + addr;
    n.cluster = "DefaultCluster";
    n.address = addr;
    n.host = host;
    n.current_version = "4.8.0";
    n.target_version = "4.9.7";
    n.current = spec(ProcessKind::nameserver, addr, host, "4.8.0", "", "");
    n.target = spec(ProcessKind::nameserver, addr, host, "4.9.7", "", "");
    n.current.address = n.target.address = addr;
    n.current_home = n.current.home;
    n.target_home = n.target.home;
    return n;
}

PlanNode broker_node(const std::string& name, int id, const std::string& addr, const std::string& host) {
    PlanNode n;
    n.kind = NodeKind::broker;
    n.id = "broker:" + name + ":" + std::to_string(id);
    n.cluster = "DefaultCluster";
    n.broker_name = name;
    n.broker_id = id;
    n.address = addr;
    n.host = host;
    n.current_version = "4.8.0";
    n.target_version = "4.9.7";
    const std::string conf = "/opt/conf/" + name + "-" + std::to_string(id) + ".properties";
    const std::string store = "/data/" + name + "-" + std::to_string(id);
    n.current = spec(ProcessKind::broker, name + "@" + std::to_string(id), host, "4.8.0", conf, store);
    n.target = spec(ProcessKind::broker, name + "@" + std::to_string(id), host, "4.9.7", conf, store);
    n.current.address = n.target.address = addr;
    n.current_home = n.current.home;
    n.target_home = n.target.home;
    n.pristine_config_backup = conf + ".rmq-upgrade-pristine";
    n.config_overrides = {{"newFeatureFlag", "true"}};
    return n;
}

}  // namespace

Plan two_group_plan() {
    Plan p;
    p.cluster = "DefaultCluster";
    p.nameservers = {"127.0.0.2:9876", "127.0.0.3:9876"};
    p.target_version = "4.9.7";
    p.policy.probe_topic = "TestTopic";
    p.hosts = {{"h1", "127.0.0.10", HostAccess::Transport::local, "", 22, "", "", "", false, false, ""},
               {"h2", "127.0.0.11", HostAccess::Transport::local, "", 22, "", "", "", false, false, ""}};
    p.nodes = {ns_node("127.0.0.2:9876", "h1"),
               ns_node("127.0.0.3:9876", "h2"),
               broker_node("broker-a", 1, "127.0.0.11:10921", "h2"),
               broker_node("broker-a", 0, "127.0.0.10:10911", "h1"),
               broker_node("broker-b", 1, "127.0.0.10:10921", "h1"),
               broker_node("broker-b", 0, "127.0.0.11:10911", "h2")};
    p.batches = {{"ns:127.0.0.2:9876"},
                 {"ns:127.0.0.3:9876"},
                 {"broker:broker-a:1", "broker:broker-a:0"},
                 {"broker:broker-b:1", "broker:broker-b:0"}};
    return p;
}

}  // namespace rmqup::test
