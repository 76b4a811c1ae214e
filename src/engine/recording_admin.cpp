// Dry-run AdminApi: records each call and answers as a healthy cluster would.
#include <algorithm>
#include <cstdlib>

#include "rmqup/core/version.hpp"
#include "rmqup/engine/recording.hpp"

namespace rmqup::engine {

namespace {
const PlanNode* broker_at(const Plan& plan, const std::string& addr) {
    for (const auto& n : plan.nodes)
        if (n.kind == NodeKind::broker && n.address == addr)
            return &n;
    return nullptr;
}
}  // namespace

RecordingAdmin::RecordingAdmin(const Plan& plan, CallLog& log) : m_plan(plan), m_log(log) {}

void RecordingAdmin::set_version(const std::string& broker_addr, const std::string& version) {
    m_version[broker_addr] = version;
}

Result<rmq::ClusterInfo> RecordingAdmin::cluster_info(const std::string& ns) {
    m_log.calls.push_back("cluster_info " + ns);
    rmq::ClusterInfo ci;
    for (const auto& n : m_plan.nodes) {
        if (n.kind != NodeKind::broker)
            continue;
        auto& bd = ci.broker_addr_table[n.broker_name];
        bd.cluster = n.cluster;
        bd.broker_name = n.broker_name;
        bd.broker_addrs[n.broker_id] = n.address;
        auto& names = ci.cluster_addr_table[n.cluster];
        if (std::find(names.begin(), names.end(), n.broker_name) == names.end())
            names.push_back(n.broker_name);
    }
    return ci;
}

Result<rmq::TopicRouteData> RecordingAdmin::topic_route(const std::string& ns, const std::string& topic) {
    m_log.calls.push_back("topic_route " + ns + " " + topic);
    rmq::TopicRouteData r;
    for (const auto& n : m_plan.nodes) {
        if (n.kind != NodeKind::broker || n.broker_id != 0)
            continue;
        rmq::QueueData q;
        q.broker_name = n.broker_name;
        q.read_queue_nums = q.write_queue_nums = 4;
        auto it = m_perm.find(n.address);
        q.perm = it == m_perm.end() ? rmq::k_perm_read_write : it->second;
        r.queue_datas.push_back(q);
    }
    return r;
}

Result<int> RecordingAdmin::wipe_write_perm(const std::string& ns, const std::string& broker_name) {
    m_log.calls.push_back("wipe_write_perm " + ns + " " + broker_name);
    return 0;
}

Result<int> RecordingAdmin::add_write_perm(const std::string& ns, const std::string& broker_name) {
    m_log.calls.push_back("add_write_perm " + ns + " " + broker_name);
    return 0;
}

Result<rmq::RuntimeInfo> RecordingAdmin::runtime_info(const std::string& broker) {
    m_log.calls.push_back("runtime_info " + broker);
    rmq::RuntimeInfo ri;
    std::string version;
    if (auto it = m_version.find(broker); it != m_version.end())
        version = it->second;
    else if (const auto* n = broker_at(m_plan, broker))
        version = n->current_version;
    auto v = RmqVersion::parse(version);
    ri.version_desc = v ? v->desc() : version;
    ri.put_tps.s10 = 0;
    ri.get_transferred_tps.s10 = 0;
    return ri;
}

Result<rmq::Properties> RecordingAdmin::broker_config(const std::string& broker) {
    m_log.calls.push_back("broker_config " + broker);
    return rmq::Properties{};
}

Status RecordingAdmin::update_broker_config(const std::string& broker, const rmq::Properties& kv) {
    std::string text;
    for (const auto& [k, v] : kv) {
        text += " " + k + "=" + v;
        if (k == "brokerPermission")
            m_perm[broker] = std::atoi(v.c_str());
    }
    m_log.calls.push_back("update_broker_config " + broker + text);
    return ok_status();
}

Result<rmq::TopicConfigTable> RecordingAdmin::all_topic_config(const std::string& broker) {
    m_log.calls.push_back("all_topic_config " + broker);
    rmq::TopicConfigTable t;
    if (const auto* n = broker_at(m_plan, broker)) {
        rmq::TopicConfig c;
        c.topic_name = n->broker_name;
        t.topic_config_table[n->broker_name] = c;
    }
    return t;
}

Result<rmq::ConsumeStats> RecordingAdmin::consume_stats(const std::string& broker, const std::string& group,
                                                        const std::string& topic) {
    m_log.calls.push_back("consume_stats " + broker + " " + group + " " + topic);
    return rmq::ConsumeStats{};
}

Result<rmq::ConsumerConnection> RecordingAdmin::consumer_connections(const std::string& broker,
                                                                     const std::string& group) {
    m_log.calls.push_back("consumer_connections " + broker + " " + group);
    return rmq::ConsumerConnection{};
}

Result<rmq::ProducerConnection> RecordingAdmin::producer_connections(const std::string& broker,
                                                                     const std::string& group) {
    m_log.calls.push_back("producer_connections " + broker + " " + group);
    return rmq::ProducerConnection{};
}

Result<std::int64_t> RecordingAdmin::max_offset(const std::string& broker, const std::string& topic, int queue_id) {
    m_log.calls.push_back("max_offset " + broker + " " + topic + " " + std::to_string(queue_id));
    return std::int64_t{1};
}

Result<rmq::SendResult> RecordingAdmin::send_message(const std::string& broker, const rmq::SendRequest& msg) {
    m_log.calls.push_back("send_message " + broker + " " + msg.topic + " queue " + std::to_string(msg.queue_id));
    m_last_sent[broker] = msg;
    rmq::SendResult r;
    r.queue_id = msg.queue_id;
    r.queue_offset = 0;
    return r;
}

Result<rmq::PullResult> RecordingAdmin::pull_message(const std::string& broker, const rmq::PullRequest& req) {
    m_log.calls.push_back("pull_message " + broker + " " + req.topic + " queue " + std::to_string(req.queue_id) +
                          " from " + std::to_string(req.queue_offset));
    rmq::PullResult r;
    r.status = "FOUND";
    if (auto it = m_last_sent.find(broker); it != m_last_sent.end()) {
        rmq::StoredMessage m;
        m.topic = it->second.topic;
        m.body = it->second.body;
        m.properties = it->second.properties;
        r.messages.push_back(m);
    }
    return r;
}

}  // namespace rmqup::engine
