// The NameServer's route table, built only from broker registrations (RouteInfoManager of 4.9.7):
// pure logic, no I/O, time passed in, so tests drive it directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rmqup/remoting/model.hpp"

namespace rmqsim {

struct BrokerRegistration {
    std::string cluster;
    std::string broker_addr;
    std::string broker_name;
    std::int64_t broker_id = 0;
    std::string ha_server_addr;
    std::optional<rmqup::rmq::TopicConfigTable> topics;  // absent: no body
    std::uint64_t connection_id = 0;                      // connection the registration came on
    std::optional<bool> enable_acting_master;             // 5.x NameServers keep it in BrokerData
};

struct RegisterOutcome {
    std::optional<std::string> master_addr;     // slaves only, when the master is registered
    std::optional<std::string> ha_server_addr;  // the master's HA address, with master_addr
};

class RouteTable {
public:
    // REGISTER_BROKER: adds/refreshes a broker; rewrites its queue data when the topic-config
    // DataVersion changed or this is the first registration of that id (as 4.9.7 does).
    RegisterOutcome register_broker(const BrokerRegistration& reg, std::int64_t now_ms);
    // UNREGISTER_BROKER: removes one member; the group's queue data goes with its last member.
    void unregister_broker(const std::string& cluster, const std::string& broker_addr,
                           const std::string& broker_name, std::int64_t broker_id);
    // A connection closed: drops every broker that registered on it. Returns how many.
    int on_connection_closed(std::uint64_t connection_id);
    // Drops brokers whose last registration is older than timeout_ms. Returns how many.
    int expire(std::int64_t now_ms, std::int64_t timeout_ms);

    rmqup::rmq::ClusterInfo cluster_info() const;
    // The route of a topic, or nothing when no broker serves it.
    std::optional<rmqup::rmq::TopicRouteData> route(const std::string& topic) const;
    rmqup::rmq::TopicList all_topics() const;
    rmqup::rmq::TopicList topics_by_cluster(const std::string& cluster) const;
    // WIPE_WRITE_PERM_OF_BROKER: perm &= ~W on every topic of brokerName; returns the topic count.
    int wipe_write_perm(const std::string& broker_name);
    // ADD_WRITE_PERM_OF_BROKER: perm = RW on every topic of brokerName; returns the topic count.
    int add_write_perm(const std::string& broker_name);

private:
    struct LiveInfo {
        std::int64_t last_update_ms = 0;
        rmqup::rmq::DataVersion data_version;
        std::string ha_server_addr;
        std::uint64_t connection_id = 0;
    };
    void remove_member(const std::string& broker_addr);
    void remove_queue_data_of(const std::string& broker_name);

    std::map<std::string, std::vector<rmqup::rmq::QueueData>> m_topic_queues;  // topic -> queue datas
    std::map<std::string, rmqup::rmq::BrokerData> m_brokers;                   // brokerName -> data
    std::map<std::string, std::set<std::string>> m_clusters;                    // cluster -> names
    std::map<std::string, LiveInfo> m_live;                                     // addr -> live info
};

}  // namespace rmqsim
