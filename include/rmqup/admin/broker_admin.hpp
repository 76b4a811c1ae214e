// The broker admin calls: a broker's runtime and configuration (planner, discover, engine gates and
// waits), its topic configs (planner, the engine's drain), and the client census the planner takes.
// Every call names one broker ("ip:port"); errors as in NameServerAdmin.
#pragma once

#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup {

class BrokerAdmin {
public:
    virtual ~BrokerAdmin() = default;

    // GET_BROKER_RUNTIME_INFO (28): brokerVersionDesc, commitLog offsets, disk ratio, put TPS, ...
    virtual Result<rmq::RuntimeInfo> runtime_info(const std::string& broker) = 0;
    // GET_BROKER_CONFIG (26): the live configuration as key=value pairs (brokerPermission, brokerRole, ...).
    virtual Result<rmq::Properties> broker_config(const std::string& broker) = 0;
    // UPDATE_BROKER_CONFIG (25); an empty kv sends no body: nothing changes, but ACL still wants an
    // admin (the planner's admin-rights probe).
    virtual Status update_broker_config(const std::string& broker, const rmq::Properties& kv) = 0;
    // GET_ALL_TOPIC_CONFIG (21): every topic the broker holds, with queue counts, perm and order flag.
    virtual Result<rmq::TopicConfigTable> all_topic_config(const std::string& broker) = 0;
    // GET_CONSUME_STATS (208): per-queue broker and consumer offsets of group (topic "" = all its topics).
    virtual Result<rmq::ConsumeStats> consume_stats(const std::string& broker, const std::string& group,
                                                    const std::string& topic) = 0;
    // GET_CONSUMER_CONNECTION_LIST (203) / GET_PRODUCER_CONNECTION_LIST (204): the group's online
    // clients (client id, address, language, version); a group without clients is rejected.
    virtual Result<rmq::ConsumerConnection> consumer_connections(const std::string& broker,
                                                                 const std::string& group) = 0;
    virtual Result<rmq::ProducerConnection> producer_connections(const std::string& broker,
                                                                 const std::string& group) = 0;
};

}  // namespace rmqup
