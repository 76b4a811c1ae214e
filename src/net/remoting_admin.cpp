#include "rmqup/net/remoting_admin.hpp"

#include <utility>

#include "admin_replies.hpp"
#include "request_names.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::net {

RemotingAdmin::RemotingAdmin(RemotingClient& client, std::chrono::milliseconds timeout)
    : m_client(client), m_timeout(timeout) {}

namespace {

rmq::RemotingCommand make_request(int code, Ext ext, std::string body = {}) {
    rmq::RemotingCommand req = rmq::RemotingCommand::request(code, std::move(ext));
    req.body = std::move(body);
    return req;
}

// Sends the request and returns the response (any code); transport errors carry the request context.
Reply exchange(RemotingClient& client, std::chrono::milliseconds timeout, const std::string& addr, int code,
               Ext ext, std::string body = {}) {
    return with_request_context(client.call(addr, make_request(code, std::move(ext), std::move(body)), timeout),
                                code, addr);
}

// exchange() plus: any response code other than SUCCESS is a rejection.
Reply invoke(RemotingClient& client, std::chrono::milliseconds timeout, const std::string& addr, int code, Ext ext,
             std::string body = {}) {
    return expect_success(client.call(addr, make_request(code, std::move(ext), std::move(body)), timeout), code,
                          addr);
}

template <typename T>
Result<T> decoded(Result<T> r, int code, const std::string& addr) {
    if (r)
        return r;
    return bad_body_error(std::move(r).error(), code, addr);
}

Result<int> narrow(Result<std::int64_t> r) {
    if (!r)
        return std::move(r).error();
    return static_cast<int>(*r);
}

std::string ext_or(const rmq::RemotingCommand& resp, const std::string& key, std::string fallback = {}) {
    return resp.ext(key).value_or(std::move(fallback));
}

}  // namespace

Result<rmq::ClusterInfo> RemotingAdmin::cluster_info(const std::string& ns) {
    return cluster_info_reply(m_client.call(ns, make_request(rmq::code::get_broker_cluster_info, {}), m_timeout), ns);
}

Result<rmq::TopicRouteData> RemotingAdmin::topic_route(const std::string& ns, const std::string& topic) {
    return topic_route_reply(
        m_client.call(ns, make_request(rmq::code::get_routeinfo_by_topic, {{"topic", topic}}), m_timeout), ns);
}

Result<rmq::TopicList> RemotingAdmin::all_topics(const std::string& ns) {
    constexpr int c = rmq::code::get_all_topic_list_from_nameserver;
    auto r = invoke(m_client, m_timeout, ns, c, {});
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_topic_list(r->body), c, ns);
}

Result<rmq::TopicList> RemotingAdmin::topics_by_cluster(const std::string& ns, const std::string& cluster) {
    constexpr int c = rmq::code::get_topics_by_cluster;
    auto r = invoke(m_client, m_timeout, ns, c, {{"cluster", cluster}});
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_topic_list(r->body), c, ns);
}

Result<int> RemotingAdmin::wipe_write_perm(const std::string& ns, const std::string& broker_name) {
    constexpr int c = rmq::code::wipe_write_perm_of_broker;
    auto r = invoke(m_client, m_timeout, ns, c, {{"brokerName", broker_name}});
    if (!r)
        return std::move(r).error();
    return narrow(ext_int(*r, "wipeTopicCount", c, ns));
}

Result<int> RemotingAdmin::add_write_perm(const std::string& ns, const std::string& broker_name) {
    constexpr int c = rmq::code::add_write_perm_of_broker;
    auto r = invoke(m_client, m_timeout, ns, c, {{"brokerName", broker_name}});
    if (!r) {
        Error e = std::move(r).error();
        // NameServers before 4.9.2 drop unknown codes silently: say why the wait was in vain.
        if (e.kind == ErrorKind::timeout)
            e.message += " (ADD_WRITE_PERM_OF_BROKER exists only from NameServer 4.9.2; an older one never answers)";
        return e;
    }
    return narrow(ext_int(*r, "addTopicCount", c, ns));
}

Result<rmq::RuntimeInfo> RemotingAdmin::runtime_info(const std::string& broker) {
    return runtime_info_reply(m_client.call(broker, make_request(rmq::code::get_broker_runtime_info, {}), m_timeout),
                              broker);
}

Result<rmq::Properties> RemotingAdmin::broker_config(const std::string& broker) {
    return broker_config_reply(m_client.call(broker, make_request(rmq::code::get_broker_config, {}), m_timeout),
                               broker);
}

Status RemotingAdmin::update_broker_config(const std::string& broker, const rmq::Properties& kv) {
    constexpr int c = rmq::code::update_broker_config;
    if (kv.empty())
        return make_error(ErrorKind::invalid_input, "no configuration keys to update").with(request_context(c, broker));
    auto r = invoke(m_client, m_timeout, broker, c, {}, rmq::format_properties(kv));
    if (!r)
        return std::move(r).error();
    return ok_status();
}

Result<rmq::TopicConfigTable> RemotingAdmin::all_topic_config(const std::string& broker) {
    constexpr int c = rmq::code::get_all_topic_config;
    auto r = invoke(m_client, m_timeout, broker, c, {});
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_topic_config_table(r->body), c, broker);
}

Result<rmq::TopicStatsTable> RemotingAdmin::topic_stats(const std::string& broker, const std::string& topic) {
    constexpr int c = rmq::code::get_topic_stats_info;
    auto r = invoke(m_client, m_timeout, broker, c, {{"topic", topic}});
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_topic_stats(r->body), c, broker);
}

Result<rmq::ConsumeStats> RemotingAdmin::consume_stats(const std::string& broker, const std::string& group,
                                                       const std::string& topic) {
    constexpr int c = rmq::code::get_consume_stats;
    Ext ext{{"consumerGroup", group}};
    if (!topic.empty())
        ext.emplace_back("topic", topic);
    auto r = invoke(m_client, m_timeout, broker, c, std::move(ext));
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_consume_stats(r->body), c, broker);
}

Result<rmq::ConsumerConnection> RemotingAdmin::consumer_connections(const std::string& broker,
                                                                    const std::string& group) {
    constexpr int c = rmq::code::get_consumer_connection_list;
    auto r = invoke(m_client, m_timeout, broker, c, {{"consumerGroup", group}});
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_consumer_connection(r->body), c, broker);
}

Result<rmq::ProducerConnection> RemotingAdmin::producer_connections(const std::string& broker,
                                                                    const std::string& group) {
    constexpr int c = rmq::code::get_producer_connection_list;
    auto r = invoke(m_client, m_timeout, broker, c, {{"producerGroup", group}});
    if (!r)
        return std::move(r).error();
    return decoded(rmq::decode_producer_connection(r->body), c, broker);
}

Result<std::int64_t> RemotingAdmin::max_offset(const std::string& broker, const std::string& topic, int queue_id) {
    constexpr int c = rmq::code::get_max_offset;
    auto r = invoke(m_client, m_timeout, broker, c, {{"topic", topic}, {"queueId", std::to_string(queue_id)}});
    if (!r)
        return std::move(r).error();
    return ext_int(*r, "offset", c, broker);
}

Result<std::int64_t> RemotingAdmin::min_offset(const std::string& broker, const std::string& topic, int queue_id) {
    constexpr int c = rmq::code::get_min_offset;
    auto r = invoke(m_client, m_timeout, broker, c, {{"topic", topic}, {"queueId", std::to_string(queue_id)}});
    if (!r)
        return std::move(r).error();
    return ext_int(*r, "offset", c, broker);
}

Result<std::int64_t> RemotingAdmin::query_consumer_offset(const std::string& broker, const std::string& group,
                                                          const std::string& topic, int queue_id) {
    constexpr int c = rmq::code::query_consumer_offset;
    auto r = invoke(m_client, m_timeout, broker, c,
                    {{"consumerGroup", group}, {"topic", topic}, {"queueId", std::to_string(queue_id)}});
    if (!r)
        return std::move(r).error();
    return ext_int(*r, "offset", c, broker);
}

Result<rmq::SendResult> RemotingAdmin::send_message(const std::string& broker, const rmq::SendRequest& msg) {
    constexpr int c = rmq::code::send_message_v2;
    // SendMessageRequestHeaderV2 short names, in the order the Java client writes them.
    Ext ext{{"a", msg.producer_group},
            {"b", msg.topic},
            {"c", "TBW102"},
            {"d", "4"},
            {"e", std::to_string(msg.queue_id)},
            {"f", std::to_string(msg.sys_flag)},
            {"g", std::to_string(msg.born_timestamp)},
            {"h", std::to_string(msg.flag)},
            {"i", rmq::format_message_properties(msg.properties)},
            {"j", "0"},
            {"k", "false"},
            {"m", "false"}};
    if (msg.broker_name)
        ext.emplace_back("n", *msg.broker_name);
    auto r = exchange(m_client, m_timeout, broker, c, std::move(ext), msg.body);
    if (!r)
        return std::move(r).error();
    const int code = r->code;
    // Flush/slave timeouts still stored the message: the Java client reports them as send statuses.
    if (code != rmq::rc::success && code != rmq::rc::flush_disk_timeout && code != rmq::rc::flush_slave_timeout &&
        code != rmq::rc::slave_not_available)
        return rejected_error(*r).with(request_context(c, broker));
    rmq::SendResult out;
    out.code = code;
    out.msg_id = ext_or(*r, "msgId");
    auto qid = ext_int(*r, "queueId", c, broker);
    if (!qid)
        return std::move(qid).error();
    auto qoff = ext_int(*r, "queueOffset", c, broker);
    if (!qoff)
        return std::move(qoff).error();
    out.queue_id = static_cast<int>(*qid);
    out.queue_offset = *qoff;
    return out;
}

Result<rmq::PullResult> RemotingAdmin::pull_message(const std::string& broker, const rmq::PullRequest& req) {
    constexpr int c = rmq::code::pull_message;
    Ext ext{{"consumerGroup", req.consumer_group},
            {"topic", req.topic},
            {"queueId", std::to_string(req.queue_id)},
            {"queueOffset", std::to_string(req.queue_offset)},
            {"maxMsgNums", std::to_string(req.max_msg_nums)},
            {"sysFlag", std::to_string(req.sys_flag)},
            {"commitOffset", std::to_string(req.commit_offset)},
            {"suspendTimeoutMillis", std::to_string(req.suspend_timeout_millis)},
            {"subscription", req.subscription},
            {"subVersion", std::to_string(req.sub_version)},
            {"expressionType", req.expression_type}};
    // A long-polling pull may be held by the broker for suspendTimeoutMillis: wait that long too.
    auto timeout = m_timeout + std::chrono::milliseconds(req.suspend_timeout_millis);
    auto r = exchange(m_client, timeout, broker, c, std::move(ext));
    if (!r)
        return std::move(r).error();
    const int code = r->code;
    if (code != rmq::rc::success && code != rmq::rc::pull_not_found && code != rmq::rc::pull_retry_immediately &&
        code != rmq::rc::pull_offset_moved)
        return rejected_error(*r).with(request_context(c, broker));
    rmq::PullResult out;
    out.code = code;
    out.status = r->remark.value_or("");
    for (auto [key, field] : {std::pair{"nextBeginOffset", &out.next_begin_offset}, std::pair{"minOffset", &out.min_offset},
                              std::pair{"maxOffset", &out.max_offset},
                              std::pair{"suggestWhichBrokerId", &out.suggest_which_broker_id}}) {
        auto v = ext_int(*r, key, c, broker);
        if (!v)
            return std::move(v).error();
        *field = *v;
    }
    if (code == rmq::rc::success) {
        auto msgs = decoded(rmq::decode_stored_messages(r->body), c, broker);
        if (!msgs)
            return std::move(msgs).error();
        out.messages = std::move(msgs).value();
    }
    return out;
}

}  // namespace rmqup::net
