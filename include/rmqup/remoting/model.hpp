// Typed RocketMQ protocol bodies and values. No JSON library types appear here: the
// fastjson reader/writer in remoting/ converts between these structs and wire text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rmqup::rmq {

// PermName bits.
inline constexpr int k_perm_priority = 8;
inline constexpr int k_perm_read = 4;
inline constexpr int k_perm_write = 2;
inline constexpr int k_perm_inherit = 1;
inline constexpr int k_perm_read_write = k_perm_read | k_perm_write;

// DataVersion's timestamp key: 3.x servers spell it `timestatmp`.
enum class TimestampKey { timestamp, timestatmp };

struct DataVersion {
    std::int64_t counter = 0;
    std::int64_t timestamp = 0;
    std::optional<std::int64_t> state_version;  // 5.x only
    TimestampKey key = TimestampKey::timestamp;  // as read, and as written back
    bool operator==(const DataVersion&) const = default;
};

// BrokerData: one broker group (brokerName) and its members by brokerId (0 = master).
// 3.x NameServers send no `cluster`; decode_cluster_info fills it from clusterAddrTable.
struct BrokerData {
    std::string cluster;
    std::string broker_name;
    std::map<std::int64_t, std::string> broker_addrs;  // brokerId -> "ip:port"
    std::optional<bool> enable_acting_master;           // 5.x
    std::optional<std::string> zone_name;               // 5.x
    bool operator==(const BrokerData&) const = default;
};

// GET_BROKER_CLUSTER_INFO (106) body.
struct ClusterInfo {
    std::map<std::string, BrokerData> broker_addr_table;                // brokerName -> data
    std::map<std::string, std::vector<std::string>> cluster_addr_table; // cluster -> brokerNames
    bool operator==(const ClusterInfo&) const = default;
};

struct QueueData {
    std::string broker_name;
    int read_queue_nums = 0;
    int write_queue_nums = 0;
    int perm = 0;
    int topic_sys_flag = 0;
    bool operator==(const QueueData&) const = default;
};

// GET_ROUTEINFO_BY_TOPIC (105) body.
struct TopicRouteData {
    std::optional<std::string> order_topic_conf;
    std::vector<QueueData> queue_datas;
    std::vector<BrokerData> broker_datas;
    std::map<std::string, std::vector<std::string>> filter_server_table;
    bool operator==(const TopicRouteData&) const = default;
};

// TopicList (206, 224).
struct TopicList {
    std::vector<std::string> topics;
    std::optional<std::string> broker_addr;
};

struct TopicConfig {
    std::string topic_name;
    int read_queue_nums = 16;
    int write_queue_nums = 16;
    int perm = k_perm_read_write;
    std::string topic_filter_type = "SINGLE_TAG";
    int topic_sys_flag = 0;
    bool order = false;
    std::optional<std::map<std::string, std::string>> attributes;  // 5.x
    bool operator==(const TopicConfig&) const = default;
};

// TopicConfigSerializeWrapper (GET_ALL_TOPIC_CONFIG 21 body; part of REGISTER_BROKER body).
struct TopicConfigTable {
    DataVersion data_version;
    std::map<std::string, TopicConfig> topic_config_table;  // keeps name order; wire order is kept by the writer
};

// REGISTER_BROKER (103) body.
struct RegisterBrokerBody {
    TopicConfigTable topic_config_wrapper;
    std::vector<std::string> filter_server_list;
};

// GET_BROKER_RUNTIME_INFO (28) body, typed view plus every raw key.
struct Tps3 {
    std::optional<double> s10, s60, s600;  // a window without enough samples is empty
};
struct RuntimeInfo {
    std::map<std::string, std::string> table;  // every key as sent
    std::string version_desc;                  // brokerVersionDesc, e.g. "V4_9_7"
    std::optional<int> version;                // brokerVersion ordinal
    Tps3 put_tps;
    Tps3 get_transferred_tps;                  // getTransferedTps (4.x) or getTransferredTps (5.x)
    Tps3 get_total_tps;
    std::int64_t msg_put_total_today_now = 0;
    std::int64_t msg_get_total_today_now = 0;
    std::int64_t commit_log_max_offset = 0;
    std::int64_t commit_log_min_offset = 0;
    std::optional<double> commit_log_disk_ratio;
    std::int64_t boot_timestamp = 0;
};

struct MessageQueue {
    std::string topic;
    std::string broker_name;
    int queue_id = 0;
    auto operator<=>(const MessageQueue&) const = default;
};

// GET_TOPIC_STATS_INFO (202).
struct TopicOffset {
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
    std::int64_t last_update_timestamp = 0;
};
struct TopicStatsTable {
    std::vector<std::pair<MessageQueue, TopicOffset>> offset_table;  // wire order
    std::optional<double> topic_put_tps;  // 5.x
};

// GET_CONSUME_STATS (208).
struct OffsetWrapper {
    std::int64_t broker_offset = 0;
    std::int64_t consumer_offset = 0;
    std::optional<std::int64_t> pull_offset;  // 5.x
    std::int64_t last_timestamp = 0;
};
struct ConsumeStats {
    std::vector<std::pair<MessageQueue, OffsetWrapper>> offset_table;  // wire order
    double consume_tps = 0;
    std::int64_t total_diff() const;
};

// Connection lists (203, 204).
struct Connection {
    std::string client_id;
    std::string client_addr;
    std::string language;  // "JAVA", "CPP", ...
    int version = 0;       // MQVersion ordinal of the client
};
struct SubscriptionData {
    std::string topic;
    std::string sub_string = "*";
    std::string expression_type = "TAG";
    std::int64_t sub_version = 0;
    bool class_filter_mode = false;
    std::vector<std::string> tags_set;
    std::vector<int> code_set;
};
struct ConsumerConnection {
    std::vector<Connection> connection_set;
    std::map<std::string, SubscriptionData> subscription_table;
    std::string consume_type;        // CONSUME_PASSIVELY / CONSUME_ACTIVELY
    std::string message_model;       // CLUSTERING / BROADCASTING
    std::string consume_from_where;
};
struct ProducerConnection {
    std::vector<Connection> connection_set;
};

// HEART_BEAT (34) body.
struct ConsumerData {
    std::string group_name;
    std::string consume_type = "CONSUME_PASSIVELY";
    std::string message_model = "CLUSTERING";
    std::string consume_from_where = "CONSUME_FROM_LAST_OFFSET";
    std::vector<SubscriptionData> subscription_data_set;
    bool unit_mode = false;
};
struct HeartbeatData {
    std::string client_id;
    std::vector<std::string> producer_groups;
    std::vector<ConsumerData> consumer_data_set;
};

// Broker configuration as properties (GET_BROKER_CONFIG body / UPDATE_BROKER_CONFIG body).
// Keys keep their order of appearance.
using Properties = std::vector<std::pair<std::string, std::string>>;

// A message as sent by a producer (SEND_MESSAGE_V2).
struct SendRequest {
    std::string producer_group;
    std::string topic;
    int queue_id = 0;
    int sys_flag = 0;
    std::int64_t born_timestamp = 0;
    int flag = 0;
    std::map<std::string, std::string> properties;  // KEYS, TAGS, UNIQ_KEY, WAIT ...
    std::string body;
    std::optional<std::string> broker_name;          // header `n` (4.9.7+)
};
struct SendResult {
    std::string msg_id;
    int queue_id = 0;
    std::int64_t queue_offset = 0;
    int code = 0;  // 0 SEND_OK, 10/11/12 non-OK store status
};

// A stored message as decoded from a PULL_MESSAGE body (MessageDecoder layout).
struct StoredMessage {
    int store_size = 0;
    std::uint32_t magic = 0;
    int body_crc = 0;
    int queue_id = 0;
    int flag = 0;
    std::int64_t queue_offset = 0;
    std::int64_t commit_log_offset = 0;
    int sys_flag = 0;
    std::int64_t born_timestamp = 0;
    std::string born_host;   // "ip:port"
    std::int64_t store_timestamp = 0;
    std::string store_host;  // "ip:port"
    int reconsume_times = 0;
    std::int64_t prepared_transaction_offset = 0;
    std::string body;
    std::string topic;
    std::map<std::string, std::string> properties;
    // The PROPERTIES text as decoded; encode_stored_message writes it back while it still matches
    // `properties` (Java's order for keys sharing a hash bucket follows insertion order).
    std::optional<std::string> raw_properties;
};

struct PullRequest {
    std::string consumer_group;
    std::string topic;
    int queue_id = 0;
    std::int64_t queue_offset = 0;
    int max_msg_nums = 32;
    int sys_flag = 0x4;  // FLAG_SUBSCRIPTION by default: no heartbeat needed
    std::int64_t commit_offset = 0;
    std::int64_t suspend_timeout_millis = 0;
    std::string subscription = "*";
    std::int64_t sub_version = 0;
    std::string expression_type = "TAG";
};
struct PullResult {
    int code = 0;  // 0 FOUND, 19 PULL_NOT_FOUND, 20 retry immediately, 21 offset moved
    std::string status;  // remark, e.g. "FOUND", "NO_MESSAGE_IN_QUEUE"
    std::int64_t next_begin_offset = 0;
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
    std::int64_t suggest_which_broker_id = 0;
    std::vector<StoredMessage> messages;
};

}  // namespace rmqup::rmq
