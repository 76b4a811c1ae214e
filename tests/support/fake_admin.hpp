// FakeAdmin: the hand-written AdminApi of the planner's, discover's and the benchmarks' tests, over a
// static topology. NameServers answer cluster info built from the brokers (minus what a test hides
// from one of them); brokers answer runtime info, config, topic config, consume stats and
// connections, the planner's ACL admin probe (an empty config update) and a probe send and pull.
// Calls the planner and discover never make (route, write perm, max offset, a real config update)
// fail as "not expected". Counts calls so tests can bound discovery work. (The engine's fake is a
// cluster that changes with time: tests/support/fake_cluster.hpp.)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rmqup/admin/admin_api.hpp"

namespace rmqup::test {

struct FakeBroker {
    std::string cluster = "TestCluster";
    std::string name;
    std::int64_t id = 0;
    std::string address;
    std::string version_desc = "V4_8_0";
    int perm = 6;
    std::int64_t commit_log_max_offset = 1000;
    std::optional<double> disk_ratio;
    bool down = false;
    rmq::Properties config;            // further GET_BROKER_CONFIG keys (brokerRole, aclEnable, ...)
    // ACL (with aclEnable=true in config): the account is refused everything, is not an admin, or
    // may not send/pull; each refusal carries a real 4.9.7 AclException remark.
    bool acl_refuses_account = false;
    bool acl_admin = true;
    bool acl_may_send = true;
    rmq::TopicConfigTable topics;
    std::map<std::string, rmq::ConsumeStats> consume_stats;              // group -> stats
    std::map<std::string, rmq::ConsumerConnection> consumer_connections;  // group -> connections
    std::map<std::string, rmq::ProducerConnection> producer_connections;

    // Adds topic with `queues` read and write queues.
    void add_topic(const std::string& topic, int queues, int perm_ = 6, bool order = false);
};

class FakeAdmin final : public AdminApi {
public:
    std::vector<FakeBroker> brokers;
    std::set<std::string> down_nameservers;
    std::map<std::string, std::set<std::string>> hidden_from;  // ns -> broker addresses it does not list
    std::map<std::string, int> calls;                           // request name -> count
    // The answer for a group a broker has no consume stats for (nullopt: rejected, as a broker
    // without the group's offsets answers).
    std::optional<rmq::ConsumeStats> any_group_stats;

    // Adds a broker; the reference is valid until the next add.
    FakeBroker& add(FakeBroker b);
    // The broker at addr (nullptr when none).
    FakeBroker* find(const std::string& addr);

    // NameServerAdmin
    Result<rmq::ClusterInfo> cluster_info(const std::string& ns) override;
    Result<rmq::TopicRouteData> topic_route(const std::string& ns, const std::string& topic) override;
    Result<int> wipe_write_perm(const std::string& ns, const std::string& broker_name) override;
    Result<int> add_write_perm(const std::string& ns, const std::string& broker_name) override;
    // BrokerAdmin
    Result<rmq::RuntimeInfo> runtime_info(const std::string& addr) override;
    Result<rmq::Properties> broker_config(const std::string& addr) override;
    // Only the planner's admin-rights probe (no keys) is expected.
    Status update_broker_config(const std::string& addr, const rmq::Properties& kv) override;
    Result<rmq::TopicConfigTable> all_topic_config(const std::string& addr) override;
    Result<rmq::ConsumeStats> consume_stats(const std::string& addr, const std::string& group,
                                            const std::string& topic) override;
    Result<rmq::ConsumerConnection> consumer_connections(const std::string& addr, const std::string& group) override;
    Result<rmq::ProducerConnection> producer_connections(const std::string& addr, const std::string& group) override;
    // MessageProbe
    Result<rmq::SendResult> send_message(const std::string& addr, const rmq::SendRequest& msg) override;
    Result<std::int64_t> max_offset(const std::string& addr, const std::string& topic, int queue_id) override;
    Result<rmq::PullResult> pull_message(const std::string& addr, const rmq::PullRequest& req) override;

private:
    FakeBroker* up(const std::string& addr);
    Error unused(const char* what);
    std::unordered_map<std::string, std::size_t> m_index;  // address -> position in brokers
};

// ConsumeStats with one queue `lag` messages behind.
rmq::ConsumeStats lagging(const std::string& topic, const std::string& broker, std::int64_t lag);

}  // namespace rmqup::test
