// A hand-written AdminApi over a simulated topology: NameServers answer cluster info built from
// the brokers (minus what a test hides from one of them), brokers answer runtime info, config,
// topic config, consume stats and connections, plus the planner's ACL probes (an empty config
// update, a probe send and pull). Counts calls so tests can bound discovery work.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
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

    void add_topic(const std::string& topic, int queues, int perm_ = 6, bool order = false) {
        rmq::TopicConfig tc;
        tc.topic_name = topic;
        tc.read_queue_nums = queues;
        tc.write_queue_nums = queues;
        tc.perm = perm_;
        tc.order = order;
        topics.topic_config_table[topic] = tc;
    }
};

class FakeAdmin final : public AdminApi {
public:
    std::vector<FakeBroker> brokers;
    std::set<std::string> down_nameservers;
    std::map<std::string, std::set<std::string>> hidden_from;  // ns -> broker addresses it does not list
    std::map<std::string, int> calls;                           // request name -> count

    FakeBroker& add(FakeBroker b) {
        brokers.push_back(std::move(b));
        return brokers.back();
    }
    FakeBroker* find(const std::string& addr) {
        for (auto& b : brokers) {
            if (b.address == addr) return &b;
        }
        return nullptr;
    }

    Result<rmq::ClusterInfo> cluster_info(const std::string& ns) override {
        ++calls["cluster_info"];
        if (down_nameservers.count(ns)) return make_error(ErrorKind::unreachable, "connection refused");
        rmq::ClusterInfo info;
        for (const auto& b : brokers) {
            if (b.down || hidden_from[ns].count(b.address)) continue;
            auto& data = info.broker_addr_table[b.name];
            data.cluster = b.cluster;
            data.broker_name = b.name;
            data.broker_addrs[b.id] = b.address;
            auto& names = info.cluster_addr_table[b.cluster];
            if (std::find(names.begin(), names.end(), b.name) == names.end()) names.push_back(b.name);
        }
        return info;
    }
    Result<rmq::RuntimeInfo> runtime_info(const std::string& addr) override {
        ++calls["runtime_info"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        if (b->acl_refuses_account) return acl_denied("No acl config for rocketmq2", "validate(PlainPermissionManager.java:667)");
        rmq::RuntimeInfo ri;
        ri.version_desc = b->version_desc;
        ri.commit_log_max_offset = b->commit_log_max_offset;
        ri.commit_log_disk_ratio = b->disk_ratio;
        return ri;
    }
    Result<rmq::Properties> broker_config(const std::string& addr) override {
        ++calls["broker_config"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        if (b->acl_refuses_account) return acl_denied("No acl config for rocketmq2", "validate(PlainPermissionManager.java:667)");
        rmq::Properties p{{"brokerName", b->name}, {"brokerPermission", std::to_string(b->perm)}};
        p.insert(p.end(), b->config.begin(), b->config.end());
        return p;
    }
    // Only the planner's admin-rights probe (no keys) is expected.
    Status update_broker_config(const std::string& addr, const rmq::Properties& kv) override {
        if (!kv.empty()) return unused("update_broker_config");
        ++calls["update_broker_config"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        if (!b->acl_admin) {
            return acl_denied("Need admin permission for request code=25, but accessKey=rmquser is not",
                              "checkPerm(PlainPermissionManager.java:580)");
        }
        return ok_status();
    }
    Result<rmq::SendResult> send_message(const std::string& addr, const rmq::SendRequest& msg) override {
        ++calls["send_message"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
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
    Result<rmq::PullResult> pull_message(const std::string& addr, const rmq::PullRequest&) override {
        ++calls["pull_message"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        return rmq::PullResult{};
    }
    Result<rmq::TopicConfigTable> all_topic_config(const std::string& addr) override {
        ++calls["all_topic_config"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        return b->topics;
    }
    Result<rmq::ConsumeStats> consume_stats(const std::string& addr, const std::string& group, const std::string&) override {
        ++calls["consume_stats"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        auto it = b->consume_stats.find(group);
        if (it == b->consume_stats.end()) return make_error(ErrorKind::rejected, "no consumer offsets");
        return it->second;
    }
    Result<rmq::ConsumerConnection> consumer_connections(const std::string& addr, const std::string& group) override {
        ++calls["consumer_connections"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        auto it = b->consumer_connections.find(group);
        if (it == b->consumer_connections.end()) return make_error(ErrorKind::rejected, "the consumer group not online");
        return it->second;
    }
    Result<rmq::ProducerConnection> producer_connections(const std::string& addr, const std::string& group) override {
        ++calls["producer_connections"];
        auto* b = up(addr);
        if (!b) return make_error(ErrorKind::unreachable, "connection refused");
        auto it = b->producer_connections.find(group);
        if (it == b->producer_connections.end()) return make_error(ErrorKind::rejected, "the producer group not online");
        return it->second;
    }

    // Not used by the planner: a call is a test failure signal.
    Result<rmq::TopicRouteData> topic_route(const std::string&, const std::string&) override { return unused("topic_route"); }
    Result<rmq::TopicList> all_topics(const std::string&) override { return unused("all_topics"); }
    Result<rmq::TopicList> topics_by_cluster(const std::string&, const std::string&) override { return unused("topics_by_cluster"); }
    Result<int> wipe_write_perm(const std::string&, const std::string&) override { return unused("wipe_write_perm"); }
    Result<int> add_write_perm(const std::string&, const std::string&) override { return unused("add_write_perm"); }
    Result<rmq::TopicStatsTable> topic_stats(const std::string&, const std::string&) override { return unused("topic_stats"); }
    Result<std::int64_t> max_offset(const std::string&, const std::string&, int) override { return unused("max_offset"); }
    Result<std::int64_t> min_offset(const std::string&, const std::string&, int) override { return unused("min_offset"); }
    Result<std::int64_t> query_consumer_offset(const std::string&, const std::string&, const std::string&, int) override {
        return unused("query_consumer_offset");
    }

private:
    FakeBroker* up(const std::string& addr) {
        auto* b = find(addr);
        return b && !b->down ? b : nullptr;
    }
    static Error acl_denied(const std::string& what, const std::string& where) {
        Error e = make_error(ErrorKind::denied, "refused by the broker's ACL (code 1)");
        e.code = 1;
        e.remark = "org.apache.rocketmq.acl.common.AclException: " + what + ", org.apache.rocketmq.acl.plain.PlainPermissionManager." + where;
        return e;
    }
    Error unused(const char* what) {
        ++calls[what];
        return make_error(ErrorKind::internal, std::string("FakeAdmin: ") + what + " not expected");
    }
};

// ConsumeStats with one queue `lag` messages behind.
inline rmq::ConsumeStats lagging(const std::string& topic, const std::string& broker, std::int64_t lag) {
    rmq::ConsumeStats s;
    rmq::OffsetWrapper w;
    w.broker_offset = 100 + lag;
    w.consumer_offset = 100;
    s.offset_table.push_back({rmq::MessageQueue{topic, broker, 0}, w});
    return s;
}

}  // namespace rmqup::test
