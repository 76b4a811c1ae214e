#include "route_table.hpp"

#include <algorithm>

namespace rmqsim {

namespace rmq = rmqup::rmq;

RegisterOutcome RouteTable::register_broker(const BrokerRegistration& reg, std::int64_t now_ms) {
    m_clusters[reg.cluster].insert(reg.broker_name);

    bool first = false;
    auto it = m_brokers.find(reg.broker_name);
    if (it == m_brokers.end()) {
        first = true;
        rmq::BrokerData bd;
        bd.cluster = reg.cluster;
        bd.broker_name = reg.broker_name;
        it = m_brokers.emplace(reg.broker_name, std::move(bd)).first;
    }
    it->second.enable_acting_master = reg.enable_acting_master;
    auto& addrs = it->second.broker_addrs;
    // The same address under another id: a role switch, the old id goes.
    std::erase_if(addrs, [&](const auto& kv) { return kv.second == reg.broker_addr && kv.first != reg.broker_id; });
    auto old = addrs.find(reg.broker_id);
    first = first || old == addrs.end();
    addrs[reg.broker_id] = reg.broker_addr;

    if (reg.topics && reg.broker_id == 0) {
        auto live = m_live.find(reg.broker_addr);
        bool changed = live == m_live.end() || !(live->second.data_version == reg.topics->data_version);
        if (changed || first) {
            for (const auto& [name, tc] : reg.topics->topic_config_table) {
                rmq::QueueData qd;
                qd.broker_name = reg.broker_name;
                qd.read_queue_nums = tc.read_queue_nums;
                qd.write_queue_nums = tc.write_queue_nums;
                qd.perm = tc.perm;
                qd.topic_sys_flag = tc.topic_sys_flag;
                auto& list = m_topic_queues[name];
                auto q = std::find_if(list.begin(), list.end(),
                                      [&](const rmq::QueueData& x) { return x.broker_name == reg.broker_name; });
                if (q == list.end())
                    list.push_back(qd);
                else
                    *q = qd;
            }
        }
    }

    LiveInfo li;
    li.last_update_ms = now_ms;
    li.data_version = reg.topics ? reg.topics->data_version : rmq::DataVersion{};
    li.ha_server_addr = reg.ha_server_addr;
    li.connection_id = reg.connection_id;
    m_live[reg.broker_addr] = li;

    RegisterOutcome out;
    if (reg.broker_id != 0) {
        auto m = addrs.find(0);
        if (m != addrs.end()) {
            out.master_addr = m->second;
            auto ml = m_live.find(m->second);
            if (ml != m_live.end())
                out.ha_server_addr = ml->second.ha_server_addr;
        }
    }
    return out;
}

void RouteTable::remove_queue_data_of(const std::string& broker_name) {
    for (auto it = m_topic_queues.begin(); it != m_topic_queues.end();) {
        std::erase_if(it->second, [&](const rmq::QueueData& q) { return q.broker_name == broker_name; });
        if (it->second.empty())
            it = m_topic_queues.erase(it);
        else
            ++it;
    }
}

void RouteTable::unregister_broker(const std::string& cluster, const std::string& broker_addr,
                                   const std::string& broker_name, std::int64_t broker_id) {
    m_live.erase(broker_addr);
    bool remove_name = false;
    auto it = m_brokers.find(broker_name);
    if (it != m_brokers.end()) {
        auto a = it->second.broker_addrs.find(broker_id);
        if (a != it->second.broker_addrs.end() && a->second == broker_addr)
            it->second.broker_addrs.erase(a);
        if (it->second.broker_addrs.empty()) {
            m_brokers.erase(it);
            remove_name = true;
        }
    }
    if (remove_name) {
        auto c = m_clusters.find(cluster);
        if (c != m_clusters.end()) {
            c->second.erase(broker_name);
            if (c->second.empty())
                m_clusters.erase(c);
        }
        remove_queue_data_of(broker_name);
    }
}

void RouteTable::remove_member(const std::string& broker_addr) {
    for (const auto& [name, bd] : m_brokers) {
        for (const auto& [id, addr] : bd.broker_addrs) {
            if (addr == broker_addr) {
                std::string cluster = bd.cluster, bname = name;
                std::int64_t bid = id;
                unregister_broker(cluster, broker_addr, bname, bid);
                return;
            }
        }
    }
    m_live.erase(broker_addr);
}

int RouteTable::on_connection_closed(std::uint64_t connection_id) {
    std::vector<std::string> gone;
    for (const auto& [addr, li] : m_live)
        if (li.connection_id == connection_id && connection_id != 0)
            gone.push_back(addr);
    for (const auto& a : gone)
        remove_member(a);
    return static_cast<int>(gone.size());
}

int RouteTable::expire(std::int64_t now_ms, std::int64_t timeout_ms) {
    std::vector<std::string> gone;
    for (const auto& [addr, li] : m_live)
        if (li.last_update_ms + timeout_ms < now_ms)
            gone.push_back(addr);
    for (const auto& a : gone)
        remove_member(a);
    return static_cast<int>(gone.size());
}

rmq::ClusterInfo RouteTable::cluster_info() const {
    rmq::ClusterInfo ci;
    ci.broker_addr_table = m_brokers;
    for (const auto& [c, names] : m_clusters)
        ci.cluster_addr_table[c] = std::vector<std::string>(names.begin(), names.end());
    return ci;
}

std::optional<rmq::TopicRouteData> RouteTable::route(const std::string& topic) const {
    auto it = m_topic_queues.find(topic);
    if (it == m_topic_queues.end() || it->second.empty())
        return std::nullopt;
    rmq::TopicRouteData rd;
    rd.queue_datas = it->second;
    for (const auto& q : it->second) {
        auto b = m_brokers.find(q.broker_name);
        if (b != m_brokers.end())
            rd.broker_datas.push_back(b->second);
    }
    if (rd.broker_datas.empty())
        return std::nullopt;
    return rd;
}

rmq::TopicList RouteTable::all_topics() const {
    rmq::TopicList tl;
    for (const auto& [t, q] : m_topic_queues)
        tl.topics.push_back(t);
    return tl;
}

rmq::TopicList RouteTable::topics_by_cluster(const std::string& cluster) const {
    rmq::TopicList tl;
    auto c = m_clusters.find(cluster);
    if (c == m_clusters.end())
        return tl;
    for (const auto& [t, qs] : m_topic_queues)
        for (const auto& q : qs)
            if (c->second.count(q.broker_name)) {
                tl.topics.push_back(t);
                break;
            }
    return tl;
}

int RouteTable::wipe_write_perm(const std::string& broker_name) {
    int n = 0;
    for (auto& [t, qs] : m_topic_queues)
        for (auto& q : qs)
            if (q.broker_name == broker_name) {
                q.perm &= ~rmq::k_perm_write;
                ++n;
            }
    return n;
}

int RouteTable::add_write_perm(const std::string& broker_name) {
    int n = 0;
    for (auto& [t, qs] : m_topic_queues)
        for (auto& q : qs)
            if (q.broker_name == broker_name) {
                q.perm = rmq::k_perm_read | rmq::k_perm_write;
                ++n;
            }
    return n;
}

}  // namespace rmqsim
