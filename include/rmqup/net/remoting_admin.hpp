// AdminApi (NameServerAdmin, BrokerAdmin, MessageProbe) over the remoting protocol: builds each request as the Java admin tools do, checks
// the response code and decodes the body into typed structs.
#pragma once

#include <chrono>

#include "rmqup/admin/admin_api.hpp"
#include "rmqup/net/remoting_client.hpp"

namespace rmqup::net {

class RemotingAdmin final : public AdminApi {
public:
    // The client must outlive this object.
    explicit RemotingAdmin(RemotingClient& client, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

    // NameServerAdmin
    Result<rmq::ClusterInfo> cluster_info(const std::string& ns) override;
    Result<rmq::TopicRouteData> topic_route(const std::string& ns, const std::string& topic) override;
    Result<int> wipe_write_perm(const std::string& ns, const std::string& broker_name) override;
    Result<int> add_write_perm(const std::string& ns, const std::string& broker_name) override;
    // BrokerAdmin
    Result<rmq::RuntimeInfo> runtime_info(const std::string& broker) override;
    Result<rmq::Properties> broker_config(const std::string& broker) override;
    Status update_broker_config(const std::string& broker, const rmq::Properties& kv) override;
    Result<rmq::TopicConfigTable> all_topic_config(const std::string& broker) override;
    Result<rmq::ConsumeStats> consume_stats(const std::string& broker, const std::string& group,
                                            const std::string& topic) override;
    Result<rmq::ConsumerConnection> consumer_connections(const std::string& broker, const std::string& group) override;
    Result<rmq::ProducerConnection> producer_connections(const std::string& broker, const std::string& group) override;
    // MessageProbe
    Result<rmq::SendResult> send_message(const std::string& broker, const rmq::SendRequest& msg) override;
    Result<std::int64_t> max_offset(const std::string& broker, const std::string& topic, int queue_id) override;
    Result<rmq::PullResult> pull_message(const std::string& broker, const rmq::PullRequest& req) override;

private:
    RemotingClient& m_client;
    std::chrono::milliseconds m_timeout;
};

}  // namespace rmqup::net
