// Pure request builders and header-only response parsers for every call rmq-upgrade and rmq-sim
// make. Ext field names and values are spelled as the 4.9.7 Java tools send them, and laid out in
// Java HashMap order, so a signed request is byte-identical to mqadmin's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/command.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup::rmq::requests {

// GET_ROUTEINFO_BY_TOPIC: ask for the standard-JSON body (acceptStandardJsonOnly=true) or not.
enum class RouteJson { server_default, standard_only };
// REGISTER_BROKER body encoding.
enum class BodyCompression { none, zlib };

// Identity of a broker as it registers with a NameServer.
struct BrokerIdentity {
    std::string cluster_name;
    std::string broker_name;
    std::string broker_addr;     // "ip:port"
    std::string ha_server_addr;  // "ip:port"
    std::int64_t broker_id = 0;
};

// --- NameServer ---
// GET_BROKER_CLUSTER_INFO (106), no header.
RemotingCommand get_broker_cluster_info();
// GET_ROUTEINFO_BY_TOPIC (105): topic [, acceptStandardJsonOnly].
RemotingCommand get_route_info_by_topic(const std::string& topic, RouteJson json = RouteJson::server_default);
// GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), no header.
RemotingCommand get_all_topic_list();
// GET_TOPICS_BY_CLUSTER (224): cluster.
RemotingCommand get_topics_by_cluster(const std::string& cluster);
// WIPE_WRITE_PERM_OF_BROKER (205) / ADD_WRITE_PERM_OF_BROKER (327): brokerName.
RemotingCommand wipe_write_perm_of_broker(const std::string& broker_name);
RemotingCommand add_write_perm_of_broker(const std::string& broker_name);
// REGISTER_BROKER (103): header fields plus the body (bodyCrc32 = CRC32 & 0x7FFFFFFF of the body).
RemotingCommand register_broker(const BrokerIdentity& broker, const RegisterBrokerBody& body, BodyCompression compression);
// UNREGISTER_BROKER (104).
RemotingCommand unregister_broker(const BrokerIdentity& broker);

// --- Broker admin ---
RemotingCommand get_broker_runtime_info();  // 28
RemotingCommand get_broker_config();        // 26
// UPDATE_BROKER_CONFIG (25): body is the properties text.
RemotingCommand update_broker_config(const Properties& kv);
RemotingCommand get_all_topic_config();  // 21
// GET_TOPIC_STATS_INFO (202): topic.
RemotingCommand get_topic_stats_info(const std::string& topic);
// GET_CONSUME_STATS (208): consumerGroup [, topic when non-empty].
RemotingCommand get_consume_stats(const std::string& group, const std::string& topic = {});
// GET_CONSUMER_CONNECTION_LIST (203): consumerGroup. GET_PRODUCER_CONNECTION_LIST (204): producerGroup.
RemotingCommand get_consumer_connection_list(const std::string& group);
RemotingCommand get_producer_connection_list(const std::string& group);
// UPDATE_AND_CREATE_TOPIC (17) from a TopicConfig.
RemotingCommand update_and_create_topic(const TopicConfig& topic, const std::string& default_topic = "TBW102");

// --- Data path ---
// GET_MAX_OFFSET (30) / GET_MIN_OFFSET (31): topic, queueId, bname (mq.broker_name, when set).
RemotingCommand get_max_offset(const MessageQueue& mq);
RemotingCommand get_min_offset(const MessageQueue& mq);
// QUERY_CONSUMER_OFFSET (14): consumerGroup, topic, queueId [, bname].
RemotingCommand query_consumer_offset(const std::string& group, const MessageQueue& mq);
// UPDATE_CONSUMER_OFFSET (15): consumerGroup, topic, queueId, commitOffset [, bname].
RemotingCommand update_consumer_offset(const std::string& group, const MessageQueue& mq, std::int64_t offset);
// SEND_MESSAGE_V2 (310): short header names a..n; body is the message body.
RemotingCommand send_message_v2(const SendRequest& msg);
// PULL_MESSAGE (11) [, bname when broker_name is non-empty].
RemotingCommand pull_message(const PullRequest& req, const std::string& broker_name = {});
// HEART_BEAT (34): body is the HeartbeatData JSON.
RemotingCommand heart_beat(const HeartbeatData& hb);
// UNREGISTER_CLIENT (35): clientID [, producerGroup] [, consumerGroup] (empty ones left out).
RemotingCommand unregister_client(const std::string& client_id, const std::string& producer_group,
                                  const std::string& consumer_group);

// --- Header-only response parsers (a non-zero response code is a `rejected` error with the remark) ---
// GET_MAX_OFFSET / GET_MIN_OFFSET / QUERY_CONSUMER_OFFSET: ext `offset`.
Result<std::int64_t> parse_offset(const RemotingCommand& resp);
// WIPE_WRITE_PERM_OF_BROKER: ext `wipeTopicCount`; ADD_WRITE_PERM_OF_BROKER: ext `addTopicCount`.
Result<int> parse_wipe_topic_count(const RemotingCommand& resp);
Result<int> parse_add_topic_count(const RemotingCommand& resp);
// SEND_MESSAGE_V2: msgId, queueId, queueOffset; codes 10/11/12 are results too (non-OK store status).
Result<SendResult> parse_send_result(const RemotingCommand& resp);
// PULL_MESSAGE: nextBeginOffset, minOffset, maxOffset, suggestWhichBrokerId, remark as status; body
// decoded when FOUND. Codes 19/20/21 are results, not errors.
Result<PullResult> parse_pull_result(const RemotingCommand& resp);

}  // namespace rmqup::rmq::requests
