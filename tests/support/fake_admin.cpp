#include "fake_admin.hpp"

#include <algorithm>

namespace rmqup::test {

namespace {

Error refused() { return make_error(ErrorKind::unreachable, "connection refused"); }

Error acl_denied(const std::string& what, const std::string& where) {
    Error e = make_error(ErrorKind::denied, "refused by the broker's ACL (code 1)");
    e.code = 1;
    e.remark = "org.apache.rocketmq.acl.common.AclException: " + what +
               ", org.apache.rocketmq.acl.plain.PlainPermissionManager." + where;
    return e;
}

Error no_account() { return acl_denied("No acl config for rocketmq2", "validate(PlainPermissionManager.java:667)"); }

}  // namespace

void FakeBroker::add_topic(const std::string& topic, int queues, int perm_, bool order) {
    rmq::TopicConfig tc;
    tc.topic_name = topic;
    tc.read_queue_nums = queues;
    tc.write_queue_nums = queues;
    tc.perm = perm_;
    tc.order = order;
    topics.topic_config_table[topic] = tc;
}

FakeBroker& FakeAdmin::add(FakeBroker b) {
    brokers.push_back(std::move(b));
    return brokers.back();
}

FakeBroker* FakeAdmin::find(const std::string& addr) {
    // Tests edit `brokers` directly: an index entry is trusted only when it still points at addr.
    auto it = m_index.find(addr);
    if (it == m_index.end() || it->second >= brokers.size() || brokers[it->second].address != addr) {
        m_index.clear();
        for (std::size_t i = 0; i < brokers.size(); ++i) m_index.emplace(brokers[i].address, i);
        it = m_index.find(addr);
        if (it == m_index.end()) return nullptr;
    }
    return &brokers[it->second];
}

FakeBroker* FakeAdmin::up(const std::string& addr) {
    auto* b = find(addr);
    return b && !b->down ? b : nullptr;
}

Error FakeAdmin::unused(const char* what) {
    ++calls[what];
    return make_error(ErrorKind::internal, std::string("FakeAdmin: ") + what + " not expected");
}

Result<rmq::ClusterInfo> FakeAdmin::cluster_info(const std::string& ns) {
    ++calls["cluster_info"];
    if (down_nameservers.count(ns)) return refused();
    const auto hidden = hidden_from.find(ns);
    rmq::ClusterInfo info;
    for (const auto& b : brokers) {
        if (b.down || (hidden != hidden_from.end() && hidden->second.count(b.address))) continue;
        auto& data = info.broker_addr_table[b.name];
        data.cluster = b.cluster;
        data.broker_name = b.name;
        data.broker_addrs[b.id] = b.address;
        auto& names = info.cluster_addr_table[b.cluster];
        if (std::find(names.begin(), names.end(), b.name) == names.end()) names.push_back(b.name);
    }
    return info;
}

Result<rmq::TopicRouteData> FakeAdmin::topic_route(const std::string&, const std::string&) { return unused("topic_route"); }
Result<int> FakeAdmin::wipe_write_perm(const std::string&, const std::string&) { return unused("wipe_write_perm"); }
Result<int> FakeAdmin::add_write_perm(const std::string&, const std::string&) { return unused("add_write_perm"); }
Result<std::int64_t> FakeAdmin::max_offset(const std::string&, const std::string&, int) { return unused("max_offset"); }

Result<rmq::RuntimeInfo> FakeAdmin::runtime_info(const std::string& addr) {
    ++calls["runtime_info"];
    auto* b = up(addr);
    if (!b) return refused();
    if (b->acl_refuses_account) return no_account();
    rmq::RuntimeInfo ri;
    ri.version_desc = b->version_desc;
    ri.commit_log_max_offset = b->commit_log_max_offset;
    ri.commit_log_disk_ratio = b->disk_ratio;
    return ri;
}

Result<rmq::Properties> FakeAdmin::broker_config(const std::string& addr) {
    ++calls["broker_config"];
    auto* b = up(addr);
    if (!b) return refused();
    if (b->acl_refuses_account) return no_account();
    rmq::Properties p{{"brokerName", b->name}, {"brokerPermission", std::to_string(b->perm)}};
    p.insert(p.end(), b->config.begin(), b->config.end());
    return p;
}

Status FakeAdmin::update_broker_config(const std::string& addr, const rmq::Properties& kv) {
    if (!kv.empty()) return unused("update_broker_config");
    ++calls["update_broker_config"];
    auto* b = up(addr);
    if (!b) return refused();
    if (!b->acl_admin) {
        return acl_denied("Need admin permission for request code=25, but accessKey=rmquser is not",
                          "checkPerm(PlainPermissionManager.java:580)");
    }
    return ok_status();
}

Result<rmq::TopicConfigTable> FakeAdmin::all_topic_config(const std::string& addr) {
    ++calls["all_topic_config"];
    auto* b = up(addr);
    if (!b) return refused();
    return b->topics;
}

Result<rmq::ConsumeStats> FakeAdmin::consume_stats(const std::string& addr, const std::string& group, const std::string&) {
    ++calls["consume_stats"];
    auto* b = up(addr);
    if (!b) return refused();
    auto it = b->consume_stats.find(group);
    if (it != b->consume_stats.end()) return it->second;
    if (any_group_stats) return *any_group_stats;
    return make_error(ErrorKind::rejected, "no consumer offsets");
}

Result<rmq::ConsumerConnection> FakeAdmin::consumer_connections(const std::string& addr, const std::string& group) {
    ++calls["consumer_connections"];
    auto* b = up(addr);
    if (!b) return refused();
    auto it = b->consumer_connections.find(group);
    if (it == b->consumer_connections.end()) return make_error(ErrorKind::rejected, "the consumer group not online");
    return it->second;
}

Result<rmq::ProducerConnection> FakeAdmin::producer_connections(const std::string& addr, const std::string& group) {
    ++calls["producer_connections"];
    auto* b = up(addr);
    if (!b) return refused();
    auto it = b->producer_connections.find(group);
    if (it == b->producer_connections.end()) return make_error(ErrorKind::rejected, "the producer group not online");
    return it->second;
}

Result<rmq::SendResult> FakeAdmin::send_message(const std::string& addr, const rmq::SendRequest& msg) {
    ++calls["send_message"];
    auto* b = up(addr);
    if (!b) return refused();
    if (!b->acl_may_send) {
        Error e = acl_denied("No default permission for " + msg.topic, "checkPerm(PlainPermissionManager.java:596)");
        e.kind = ErrorKind::rejected;  // the send codec keeps the remark, not the kind
        return e;
    }
    if (!b->topics.topic_config_table.count(msg.topic)) {
        Error e = make_error(ErrorKind::rejected, "SEND_MESSAGE refused with code 17");
        e.code = 17;
        e.remark = "topic[" + msg.topic + "] not exist, apply first please!";
        return e;
    }
    rmq::SendResult r;
    r.queue_offset = 0;
    return r;
}

Result<rmq::PullResult> FakeAdmin::pull_message(const std::string& addr, const rmq::PullRequest&) {
    ++calls["pull_message"];
    if (!up(addr)) return refused();
    return rmq::PullResult{};
}

rmq::ConsumeStats lagging(const std::string& topic, const std::string& broker, std::int64_t lag) {
    rmq::ConsumeStats s;
    rmq::OffsetWrapper w;
    w.broker_offset = 100 + lag;
    w.consumer_offset = 100;
    s.offset_table.push_back({rmq::MessageQueue{topic, broker, 0}, w});
    return s;
}

}  // namespace rmqup::test
