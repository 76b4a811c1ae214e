// Producers and consumers known to a broker, from HEART_BEAT and UNREGISTER_CLIENT, dropped when
// their connection closes (GET_CONSUMER_CONNECTION_LIST / GET_PRODUCER_CONNECTION_LIST).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/remoting/model.hpp"

namespace rmqsim {

class ClientRegistry {
public:
    // Records a heartbeat that arrived on connection conn_id from client_addr.
    void heartbeat(const rmqup::rmq::HeartbeatData& hb, std::uint64_t conn_id, const std::string& client_addr,
                   const std::string& language, int version);
    // UNREGISTER_CLIENT: removes the client from the named groups (empty = not that kind).
    void unregister(const std::string& client_id, const std::string& producer_group,
                    const std::string& consumer_group);
    void connection_closed(std::uint64_t conn_id);

    std::optional<rmqup::rmq::ConsumerConnection> consumer_connection(const std::string& group) const;
    std::optional<rmqup::rmq::ProducerConnection> producer_connection(const std::string& group) const;
    // Client ids of a consumer group (GET_CONSUMER_LIST_BY_GROUP); empty when offline.
    std::vector<std::string> consumer_ids(const std::string& group) const;
    // The registered subscription of a group for a topic (pull without FLAG_SUBSCRIPTION).
    bool has_subscription(const std::string& group, const std::string& topic) const;

private:
    struct Client {
        rmqup::rmq::Connection conn;
        std::uint64_t conn_id = 0;
    };
    struct ConsumerGroup {
        std::map<std::string, Client> clients;  // clientId -> client
        rmqup::rmq::ConsumerData data;
    };
    std::map<std::string, std::map<std::string, Client>> m_producers;  // group -> clientId -> client
    std::map<std::string, ConsumerGroup> m_consumers;
};

}  // namespace rmqsim
