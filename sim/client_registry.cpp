#include "client_registry.hpp"

namespace rmqsim {

namespace rmq = rmqup::rmq;

void ClientRegistry::heartbeat(const rmq::HeartbeatData& hb, std::uint64_t conn_id, const std::string& client_addr,
                               const std::string& language, int version) {
    Client c;
    c.conn.client_id = hb.client_id;
    c.conn.client_addr = client_addr;
    c.conn.language = language;
    c.conn.version = version;
    c.conn_id = conn_id;
    for (const auto& g : hb.producer_groups)
        m_producers[g][hb.client_id] = c;
    for (const auto& cd : hb.consumer_data_set) {
        auto& g = m_consumers[cd.group_name];
        g.clients[hb.client_id] = c;
        g.data = cd;
    }
}

void ClientRegistry::unregister(const std::string& client_id, const std::string& producer_group,
                                const std::string& consumer_group) {
    if (auto it = m_producers.find(producer_group); it != m_producers.end()) {
        it->second.erase(client_id);
        if (it->second.empty())
            m_producers.erase(it);
    }
    if (auto it = m_consumers.find(consumer_group); it != m_consumers.end()) {
        it->second.clients.erase(client_id);
        if (it->second.clients.empty())
            m_consumers.erase(it);
    }
}

void ClientRegistry::connection_closed(std::uint64_t conn_id) {
    for (auto it = m_producers.begin(); it != m_producers.end();) {
        std::erase_if(it->second, [&](const auto& kv) { return kv.second.conn_id == conn_id; });
        it = it->second.empty() ? m_producers.erase(it) : std::next(it);
    }
    for (auto it = m_consumers.begin(); it != m_consumers.end();) {
        std::erase_if(it->second.clients, [&](const auto& kv) { return kv.second.conn_id == conn_id; });
        it = it->second.clients.empty() ? m_consumers.erase(it) : std::next(it);
    }
}

std::optional<rmq::ConsumerConnection> ClientRegistry::consumer_connection(const std::string& group) const {
    auto it = m_consumers.find(group);
    if (it == m_consumers.end())
        return std::nullopt;
    rmq::ConsumerConnection cc;
    for (const auto& [id, c] : it->second.clients)
        cc.connection_set.push_back(c.conn);
    for (const auto& s : it->second.data.subscription_data_set)
        cc.subscription_table[s.topic] = s;
    cc.consume_type = it->second.data.consume_type;
    cc.message_model = it->second.data.message_model;
    cc.consume_from_where = it->second.data.consume_from_where;
    return cc;
}

std::optional<rmq::ProducerConnection> ClientRegistry::producer_connection(const std::string& group) const {
    auto it = m_producers.find(group);
    if (it == m_producers.end())
        return std::nullopt;
    rmq::ProducerConnection pc;
    for (const auto& [id, c] : it->second)
        pc.connection_set.push_back(c.conn);
    return pc;
}

std::vector<std::string> ClientRegistry::consumer_ids(const std::string& group) const {
    std::vector<std::string> out;
    auto it = m_consumers.find(group);
    if (it != m_consumers.end())
        for (const auto& [id, c] : it->second.clients)
            out.push_back(id);
    return out;
}

bool ClientRegistry::has_subscription(const std::string& group, const std::string& topic) const {
    auto it = m_consumers.find(group);
    if (it == m_consumers.end())
        return false;
    for (const auto& s : it->second.data.subscription_data_set)
        if (s.topic == topic)
            return true;
    return false;
}

}  // namespace rmqsim
