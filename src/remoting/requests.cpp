#include "rmqup/remoting/requests.hpp"

#include <zlib.h>

#include <charconv>

#include "remoting/ext_order.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::rmq::requests {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A request whose ext fields are given in the Java header class's declaration order (the
// insertion order of makeCustomHeaderToNet), then laid out in HashMap order.
RemotingCommand make(int code, Fields fields) {
    order_ext_fields_like_java(fields);
    return RemotingCommand::request(code, std::move(fields));
}

std::string b(bool v) { return v ? "true" : "false"; }

Fields queue_fields(const MessageQueue& mq) {
    Fields f{{"topic", mq.topic}, {"queueId", std::to_string(mq.queue_id)}};
    if (!mq.broker_name.empty())
        f.emplace_back("bname", mq.broker_name);
    return f;
}

Error rejected(const RemotingCommand& resp, const char* what) {
    Error e = make_error(ErrorKind::rejected, std::string(what) + " refused with code " + std::to_string(resp.code));
    e.code = resp.code;
    e.remark = resp.remark.value_or("");
    return e;
}

Result<std::int64_t> ext_long(const RemotingCommand& resp, const char* key, const char* what) {
    auto v = resp.ext(key);
    if (!v)
        return make_error(ErrorKind::protocol, std::string(what) + " response has no '" + key + "'");
    std::int64_t out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size())
        return make_error(ErrorKind::protocol, std::string(what) + " response '" + key + "' is not a number: " + *v);
    return out;
}

}  // namespace

RemotingCommand get_broker_cluster_info() { return make(code::get_broker_cluster_info, {}); }

RemotingCommand get_route_info_by_topic(const std::string& topic, RouteJson json) {
    Fields f{{"topic", topic}};
    if (json == RouteJson::standard_only)
        f.emplace_back("acceptStandardJsonOnly", "true");
    return make(code::get_routeinfo_by_topic, std::move(f));
}

RemotingCommand get_all_topic_list() { return make(code::get_all_topic_list_from_nameserver, {}); }

RemotingCommand get_topics_by_cluster(const std::string& cluster) {
    return make(code::get_topics_by_cluster, {{"cluster", cluster}});
}

RemotingCommand wipe_write_perm_of_broker(const std::string& broker_name) {
    return make(code::wipe_write_perm_of_broker, {{"brokerName", broker_name}});
}

RemotingCommand add_write_perm_of_broker(const std::string& broker_name) {
    return make(code::add_write_perm_of_broker, {{"brokerName", broker_name}});
}

RemotingCommand register_broker(const BrokerIdentity& broker, const RegisterBrokerBody& body, BodyCompression compression) {
    const bool compressed = compression == BodyCompression::zlib;
    std::string bytes = encode_register_broker_body(body, compressed);
    auto crc = crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())) & 0x7FFFFFFF;
    auto cmd = make(code::register_broker, {{"brokerName", broker.broker_name},
                                            {"brokerAddr", broker.broker_addr},
                                            {"clusterName", broker.cluster_name},
                                            {"haServerAddr", broker.ha_server_addr},
                                            {"brokerId", std::to_string(broker.broker_id)},
                                            {"compressed", b(compressed)},
                                            {"bodyCrc32", std::to_string(crc)}});
    cmd.body = std::move(bytes);
    return cmd;
}

RemotingCommand unregister_broker(const BrokerIdentity& broker) {
    return make(code::unregister_broker, {{"brokerName", broker.broker_name},
                                          {"brokerAddr", broker.broker_addr},
                                          {"clusterName", broker.cluster_name},
                                          {"brokerId", std::to_string(broker.broker_id)}});
}

RemotingCommand get_broker_runtime_info() { return make(code::get_broker_runtime_info, {}); }

RemotingCommand get_broker_config() { return make(code::get_broker_config, {}); }

RemotingCommand update_broker_config(const Properties& kv) {
    auto cmd = make(code::update_broker_config, {});
    cmd.body = format_properties(kv);
    return cmd;
}

RemotingCommand get_all_topic_config() { return make(code::get_all_topic_config, {}); }

RemotingCommand get_topic_stats_info(const std::string& topic) {
    return make(code::get_topic_stats_info, {{"topic", topic}});
}

RemotingCommand get_consume_stats(const std::string& group, const std::string& topic) {
    Fields f{{"consumerGroup", group}};
    if (!topic.empty())
        f.emplace_back("topic", topic);
    return make(code::get_consume_stats, std::move(f));
}

RemotingCommand get_consumer_connection_list(const std::string& group) {
    return make(code::get_consumer_connection_list, {{"consumerGroup", group}});
}

RemotingCommand get_producer_connection_list(const std::string& group) {
    return make(code::get_producer_connection_list, {{"producerGroup", group}});
}

RemotingCommand update_and_create_topic(const TopicConfig& topic, const std::string& default_topic) {
    return make(code::update_and_create_topic, {{"topic", topic.topic_name},
                                                {"defaultTopic", default_topic},
                                                {"readQueueNums", std::to_string(topic.read_queue_nums)},
                                                {"writeQueueNums", std::to_string(topic.write_queue_nums)},
                                                {"perm", std::to_string(topic.perm)},
                                                {"topicFilterType", topic.topic_filter_type},
                                                {"topicSysFlag", std::to_string(topic.topic_sys_flag)},
                                                {"order", b(topic.order)}});
}

RemotingCommand get_max_offset(const MessageQueue& mq) { return make(code::get_max_offset, queue_fields(mq)); }

RemotingCommand get_min_offset(const MessageQueue& mq) { return make(code::get_min_offset, queue_fields(mq)); }

RemotingCommand query_consumer_offset(const std::string& group, const MessageQueue& mq) {
    Fields f{{"consumerGroup", group}};
    for (auto& q : queue_fields(mq))
        f.push_back(std::move(q));
    return make(code::query_consumer_offset, std::move(f));
}

RemotingCommand update_consumer_offset(const std::string& group, const MessageQueue& mq, std::int64_t offset) {
    Fields f{{"consumerGroup", group}, {"topic", mq.topic}, {"queueId", std::to_string(mq.queue_id)},
             {"commitOffset", std::to_string(offset)}};
    if (!mq.broker_name.empty())
        f.emplace_back("bname", mq.broker_name);
    return make(code::update_consumer_offset, std::move(f));
}

RemotingCommand send_message_v2(const SendRequest& msg) {
    // SendMessageRequestHeaderV2: a producerGroup, b topic, c defaultTopic, d defaultTopicQueueNums,
    // e queueId, f sysFlag, g bornTimestamp, h flag, i properties, j reconsumeTimes, k unitMode,
    // m batch, n brokerName (l consumeRetryTimes is null for plain sends and left out).
    Fields f{{"a", msg.producer_group},
             {"b", msg.topic},
             {"c", "TBW102"},
             {"d", "4"},
             {"e", std::to_string(msg.queue_id)},
             {"f", std::to_string(msg.sys_flag)},
             {"g", std::to_string(msg.born_timestamp)},
             {"h", std::to_string(msg.flag)},
             {"i", format_message_properties(msg.properties)},
             {"j", "0"},
             {"k", "false"},
             {"m", "false"}};
    if (msg.broker_name)
        f.emplace_back("n", *msg.broker_name);
    auto cmd = make(code::send_message_v2, std::move(f));
    cmd.body = msg.body;
    return cmd;
}

RemotingCommand pull_message(const PullRequest& req, const std::string& broker_name) {
    Fields f{{"consumerGroup", req.consumer_group},
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
    if (!broker_name.empty())
        f.emplace_back("bname", broker_name);
    return make(code::pull_message, std::move(f));
}

RemotingCommand heart_beat(const HeartbeatData& hb) {
    auto cmd = make(code::heart_beat, {});
    cmd.body = encode_heartbeat(hb);
    return cmd;
}

RemotingCommand unregister_client(const std::string& client_id, const std::string& producer_group,
                                  const std::string& consumer_group) {
    Fields f{{"clientID", client_id}};
    if (!producer_group.empty())
        f.emplace_back("producerGroup", producer_group);
    if (!consumer_group.empty())
        f.emplace_back("consumerGroup", consumer_group);
    return make(code::unregister_client, std::move(f));
}

Result<std::int64_t> parse_offset(const RemotingCommand& resp) {
    if (resp.code != rc::success)
        return rejected(resp, "offset query");
    return ext_long(resp, "offset", "offset query");
}

Result<int> parse_wipe_topic_count(const RemotingCommand& resp) {
    if (resp.code != rc::success)
        return rejected(resp, "WIPE_WRITE_PERM_OF_BROKER");
    auto n = ext_long(resp, "wipeTopicCount", "WIPE_WRITE_PERM_OF_BROKER");
    if (!n)
        return std::move(n).error();
    return static_cast<int>(*n);
}

Result<int> parse_add_topic_count(const RemotingCommand& resp) {
    if (resp.code != rc::success)
        return rejected(resp, "ADD_WRITE_PERM_OF_BROKER");
    auto n = ext_long(resp, "addTopicCount", "ADD_WRITE_PERM_OF_BROKER");
    if (!n)
        return std::move(n).error();
    return static_cast<int>(*n);
}

Result<SendResult> parse_send_result(const RemotingCommand& resp) {
    const bool stored = resp.code == rc::success || resp.code == rc::flush_disk_timeout ||
                        resp.code == rc::slave_not_available || resp.code == rc::flush_slave_timeout;
    if (!stored)
        return rejected(resp, "SEND_MESSAGE");
    SendResult out;
    out.code = resp.code;
    out.msg_id = resp.ext("msgId").value_or("");
    auto queue_id = ext_long(resp, "queueId", "SEND_MESSAGE");
    auto offset = ext_long(resp, "queueOffset", "SEND_MESSAGE");
    if (!queue_id)
        return std::move(queue_id).error();
    if (!offset)
        return std::move(offset).error();
    out.queue_id = static_cast<int>(*queue_id);
    out.queue_offset = *offset;
    return out;
}

Result<PullResult> parse_pull_result(const RemotingCommand& resp) {
    const bool result = resp.code == rc::success || resp.code == rc::pull_not_found ||
                        resp.code == rc::pull_retry_immediately || resp.code == rc::pull_offset_moved;
    if (!result)
        return rejected(resp, "PULL_MESSAGE");
    PullResult out;
    out.code = resp.code;
    out.status = resp.remark.value_or("");
    struct Field {
        const char* key;
        std::int64_t* target;
    };
    for (const Field& f : {Field{"nextBeginOffset", &out.next_begin_offset}, Field{"minOffset", &out.min_offset},
                           Field{"maxOffset", &out.max_offset}, Field{"suggestWhichBrokerId", &out.suggest_which_broker_id}}) {
        auto v = ext_long(resp, f.key, "PULL_MESSAGE");
        if (!v)
            return std::move(v).error();
        *f.target = *v;
    }
    if (resp.code == rc::success && !resp.body.empty()) {
        auto msgs = decode_stored_messages(resp.body);
        if (!msgs)
            return std::move(msgs).error().with("PULL_MESSAGE body");
        out.messages = std::move(*msgs);
    }
    return out;
}

}  // namespace rmqup::rmq::requests
