// The engine's test double: a small in-memory RocketMQ cluster that moves with time (NameServers'
// route tables, brokers with perm/version/TPS/offsets, registration delays, config files on hosts)
// behind ClusterAdmin (AdminApi) and ClusterHostOps (HostOps, the only fake of the engine's host
// operations). Richer than the static fakes of tests/support (FakeAdmin, FakeHostProbe) because
// the engine waits for the cluster to change. Time comes from a ManualClock; any call can be told
// to fail.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rmqup/admin/admin_api.hpp"
#include "rmqup/core/clock.hpp"
#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup::test {

struct FakeProcess {
    bool running = true;
    std::string version = "4.8.0";
    Millis boot_at{-1000000};
    int starts_of_target = 0;  // starts at the plan's target version
    std::string home_env;      // ROCKETMQ_HOME in its environment ("" unset)
};

struct SimBroker {
    std::string name;
    std::int64_t id = 0;
    std::string addr;
    std::string config_path;
    FakeProcess proc;
    int perm = 6;
    Millis lost_write_at{-1};  // when perm lost W (clients keep writing until they refresh)
    double base_tps = 100;
    double stubborn_tps = 0;   // producers that never leave (explicit queue selection, fact 8)
    double put_total = 0;
    std::int64_t offset = 1000;
    bool abort_marker_after_stop = false;
    std::map<std::pair<std::string, int>, std::vector<rmq::StoredMessage>> queues;
};

struct SimNameServer {
    std::string addr;
    FakeProcess proc;
};

// A call that fails: the nth..(nth+times-1) calls of op whose argument text contains arg.
struct FailRule {
    std::string op;
    int nth = 1;
    int times = 1;
    ErrorKind kind = ErrorKind::rejected;
    std::string arg;
    int seen = 0;
};

class FakeCluster {
public:
    explicit FakeCluster(ManualClock& clock) : m_clock(clock) {}

    // Builds brokers/NameServers/config files from plan (every node running at current_version).
    void load(const Plan& plan);

    ManualClock& clock() { return m_clock; }
    // Every ClusterAdmin/ClusterHostOps call holds this: the engine runs a wave's nodes on several threads.
    std::unique_lock<std::recursive_mutex> guard() { return std::unique_lock<std::recursive_mutex>(m_mu); }
    std::map<std::string, SimBroker> brokers;       // by address
    std::map<std::string, SimNameServer> nameservers;  // by address
    std::map<std::string, std::string> files;          // path -> content (all hosts share it)
    std::vector<std::string> log;                      // "op arg" of every call, in order
    std::vector<FailRule> rules;
    std::set<std::string> unidentifiable;              // addresses whose listener cannot be identified
    std::map<std::string, std::string> inherited_home; // address -> version every start runs (ROCKETMQ_HOME)
    std::string target_version = "4.9.7";

    Millis register_delay{10000};    // a started broker registers this long after boot (fact 3)
    Millis ns_rereg_delay{10000};    // brokers re-register this long after a NameServer boots
    Millis ready_delay{1000};        // runtime info is not_ready this long after boot
    Millis route_refresh{30000};     // clients keep writing this long after perm loses W
    int not_ready_answers = 0;
    std::function<void(const std::string& op, const std::string& arg)> on_call;  // hook (e.g. Ctrl-C)

    void fail(std::string op, int nth = 1, int times = 1, std::string arg = {}, ErrorKind kind = ErrorKind::rejected) {
        rules.push_back({std::move(op), nth, times, kind, std::move(arg), 0});
    }
    // Logs the call and returns the injected error, if any.
    std::optional<Error> call(const std::string& op, const std::string& arg);
    void tick();  // advances TPS/offset accounting to clock.now()
    bool registered(const SimBroker& b, const SimNameServer& ns) const;
    double put_tps(const SimBroker& b) const;
    double put_tps_at(const SimBroker& b, Millis at) const;
    SimBroker* broker_by_match(const std::string& match);
    SimNameServer* ns_by_match(const std::string& match);
    std::map<std::string, std::string> matches;  // spec.match -> address (broker or NameServer)
    int count(const std::string& op_prefix) const;

private:
    ManualClock& m_clock;
    Millis m_last_tick{0};
    std::recursive_mutex m_mu;
};

class ClusterAdmin final : public AdminApi {
public:
    explicit ClusterAdmin(FakeCluster& c) : m_c(c) {}
    Result<rmq::ClusterInfo> cluster_info(const std::string& ns) override;
    Result<rmq::TopicRouteData> topic_route(const std::string& ns, const std::string& topic) override;
    Result<int> wipe_write_perm(const std::string& ns, const std::string& broker_name) override;
    Result<int> add_write_perm(const std::string& ns, const std::string& broker_name) override;
    Result<rmq::RuntimeInfo> runtime_info(const std::string& broker) override;
    Result<rmq::Properties> broker_config(const std::string& broker) override;
    Status update_broker_config(const std::string& broker, const rmq::Properties& kv) override;
    Result<rmq::TopicConfigTable> all_topic_config(const std::string& broker) override;
    Result<rmq::ConsumeStats> consume_stats(const std::string& broker, const std::string& group,
                                            const std::string& topic) override;
    Result<rmq::ConsumerConnection> consumer_connections(const std::string& broker, const std::string& group) override;
    Result<rmq::ProducerConnection> producer_connections(const std::string& broker, const std::string& group) override;
    Result<std::int64_t> max_offset(const std::string& broker, const std::string& topic, int queue_id) override;
    Result<rmq::SendResult> send_message(const std::string& broker, const rmq::SendRequest& msg) override;
    Result<rmq::PullResult> pull_message(const std::string& broker, const rmq::PullRequest& req) override;

private:
    Result<SimBroker*> live_broker(const std::string& addr);
    FakeCluster& m_c;
};

class ClusterHostOps final : public HostOps {
public:
    ClusterHostOps(FakeCluster& c, std::string host) : m_c(c), m_host(std::move(host)) {}
    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) override;
    Status stop(const ProcessSpec& spec, std::chrono::milliseconds timeout, KillPolicy policy) override;
    Result<int> start(const ProcessSpec& spec) override;
    Result<bool> abort_marker_present(const ProcessSpec& spec) override;
    Result<std::string> read_file(const std::string& path) override;
    Status write_file(const std::string& path, const std::string& content, int mode) override;
    Status backup_once(const std::string& path, const std::string& backup_path) override;
    Result<bool> path_exists(const std::string& path) override;
    Result<HostFacts> facts(const FactsRequest& request) override;

private:
    FakeProcess* process(const ProcessSpec& spec);
    FakeCluster& m_c;
    std::string m_host;
    std::map<std::string, bool> m_abort;  // store path -> abort marker present
};

// The test cluster: 2 NameServers, broker-a and broker-b each with a master and a slave, two
// hosts each running a master of one group and the slave of the other (fact 13).
Plan two_group_plan();

}  // namespace rmqup::test
