// The typed RocketMQ admin operations the planner and engine need, behind one small interface.
// The real implementation speaks the remoting protocol (remoting/remoting_admin.hpp); tests use
// hand-written fakes; dry runs use a recording adapter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup {

class AdminApi {
public:
    virtual ~AdminApi() = default;

    // --- NameServer ("ip:port" of one NameServer) ---
    virtual Result<rmq::ClusterInfo> cluster_info(const std::string& ns) = 0;                     // 106
    virtual Result<rmq::TopicRouteData> topic_route(const std::string& ns, const std::string& topic) = 0;  // 105
    virtual Result<rmq::TopicList> all_topics(const std::string& ns) = 0;                          // 206
    virtual Result<rmq::TopicList> topics_by_cluster(const std::string& ns, const std::string& cluster) = 0;  // 224
    // WIPE_WRITE_PERM_OF_BROKER (205); returns wipeTopicCount.
    virtual Result<int> wipe_write_perm(const std::string& ns, const std::string& broker_name) = 0;
    // ADD_WRITE_PERM_OF_BROKER (327, NameServer >= 4.9.2 only); returns addTopicCount.
    virtual Result<int> add_write_perm(const std::string& ns, const std::string& broker_name) = 0;

    // --- Broker ("ip:port" of one broker) ---
    virtual Result<rmq::RuntimeInfo> runtime_info(const std::string& broker) = 0;                 // 28
    virtual Result<rmq::Properties> broker_config(const std::string& broker) = 0;                 // 26
    // UPDATE_BROKER_CONFIG; an empty kv sends no body: nothing changes, but ACL still wants an admin.
    virtual Status update_broker_config(const std::string& broker, const rmq::Properties& kv) = 0;  // 25
    virtual Result<rmq::TopicConfigTable> all_topic_config(const std::string& broker) = 0;        // 21
    virtual Result<rmq::TopicStatsTable> topic_stats(const std::string& broker, const std::string& topic) = 0;  // 202
    virtual Result<rmq::ConsumeStats> consume_stats(const std::string& broker, const std::string& group,
                                                    const std::string& topic) = 0;                // 208
    virtual Result<rmq::ConsumerConnection> consumer_connections(const std::string& broker,
                                                                 const std::string& group) = 0;   // 203
    virtual Result<rmq::ProducerConnection> producer_connections(const std::string& broker,
                                                                 const std::string& group) = 0;   // 204
    virtual Result<std::int64_t> max_offset(const std::string& broker, const std::string& topic, int queue_id) = 0;  // 30
    virtual Result<std::int64_t> min_offset(const std::string& broker, const std::string& topic, int queue_id) = 0;  // 31
    virtual Result<std::int64_t> query_consumer_offset(const std::string& broker, const std::string& group,
                                                       const std::string& topic, int queue_id) = 0;  // 14
    virtual Result<rmq::SendResult> send_message(const std::string& broker, const rmq::SendRequest& msg) = 0;  // 310
    virtual Result<rmq::PullResult> pull_message(const std::string& broker, const rmq::PullRequest& req) = 0;  // 11
};

}  // namespace rmqup
