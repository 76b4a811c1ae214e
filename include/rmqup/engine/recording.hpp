// Dry-run adapters: AdminApi and HostOps that touch nothing, record every call in order and
// answer with plausible success values (runtime info at the version the plan expects, routes
// with the last permission set), so the real engine path runs end to end.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rmqup/admin/admin_api.hpp"
#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/plan/plan.hpp"

namespace rmqup::engine {

// The ordered list of calls a dry run would make ("update_broker_config 127.0.0.1:10911 brokerPermission=4").
struct CallLog {
    std::vector<std::string> calls;
};

class RecordingAdmin final : public AdminApi {
public:
    RecordingAdmin(const Plan& plan, CallLog& log);

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

    // Marks a broker as restarted with the given version (called by RecordingHostOps::start).
    void set_version(const std::string& broker_addr, const std::string& version);

private:
    const Plan& m_plan;
    CallLog& m_log;
    std::map<std::string, int> m_perm;             // broker addr -> last brokerPermission set
    std::map<std::string, std::string> m_version;  // broker addr -> version it runs
    std::map<std::string, rmq::SendRequest> m_last_sent;  // broker addr -> last probe
};

class RecordingHostOps final : public HostOps {
public:
    // admin may be null; when set, start() tells it which version now runs at the node's address.
    RecordingHostOps(std::string host, const Plan& plan, CallLog& log, RecordingAdmin* admin);

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
    std::string m_host;
    const Plan& m_plan;
    CallLog& m_log;
    RecordingAdmin* m_admin;
    std::map<std::string, bool> m_stopped;  // spec.match -> stopped in this dry run
};

}  // namespace rmqup::engine
