// Typed bodies <-> fastjson text. decode_* accept fastjson's non-strict output (bare integer keys,
// object keys, 1.0E10); encode_* write exactly what a 4.9.7 (or 5.x, where noted) server writes,
// byte for byte, so the simulator answers like the real servers.
#pragma once

#include <string>
#include <string_view>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/dialect.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup::rmq {

// Which JSON dialect a body uses.
enum class JsonStyle {
    fastjson,   // default fastjson: bare non-string map keys, hash order
    standard,   // GET_ROUTEINFO_BY_TOPIC standard form: quoted, sorted map keys
};

// Spellings that differ between the NameServer releases that write a body (see dialect.hpp).
struct BodyForm {
    BrokerClusterField broker_cluster = BrokerClusterField::present;  // 3.x: absent
    QueueFlagName queue_flag = QueueFlagName::topic_sys_flag;        // before 4.9.0: topicSynFlag
};
// The form a server of that dialect writes.
BodyForm body_form(const Dialect& d);

// Accepts 3.x bodies (no BrokerData `cluster`: filled in from clusterAddrTable).
Result<ClusterInfo> decode_cluster_info(std::string_view body);
std::string encode_cluster_info(const ClusterInfo& v, const BodyForm& form = {});

// Accepts `topicSysFlag` and the older `topicSynFlag`.
Result<TopicRouteData> decode_topic_route(std::string_view body);
std::string encode_topic_route(const TopicRouteData& v, JsonStyle style, const BodyForm& form = {});

Result<TopicList> decode_topic_list(std::string_view body);
std::string encode_topic_list(const TopicList& v);

// DataVersion in either spelling (3.x `timestatmp`); written back as read (DataVersion::key).
Result<TopicConfigTable> decode_topic_config_table(std::string_view body);
std::string encode_topic_config_table(const TopicConfigTable& v);

// DataVersion JSON (GET_BROKER_CONFIG ext `version`), either timestamp spelling; written back as read.
Result<DataVersion> decode_data_version(std::string_view text);
std::string encode_data_version(const DataVersion& v);

// What a REGISTER_BROKER body holds, judged from its bytes (a zlib header or not): 5.x brokers with
// compressedRegister=true send zlib under ext compressed=false.
enum class RegisterBodyEncoding { json, zlib };
RegisterBodyEncoding sniff_register_body(std::string_view body);

// Compressed bodies in the 4.x layout and the 5.x one (topic attributes, queue-mapping trailer).
Result<RegisterBrokerBody> decode_register_broker_body(std::string_view body, bool compressed);
// Compressed: the 5.x layout when the DataVersion has a stateVersion, else 4.x's.
std::string encode_register_broker_body(const RegisterBrokerBody& v, bool compressed);

// KVTable {"table":{...}} with typed fields filled in (both Tps spellings accepted).
Result<RuntimeInfo> decode_runtime_info(std::string_view body);
// Writes the keys in Java HashMap order (what a broker's HashMap-backed KVTable produces).
std::string encode_kv_table(const std::map<std::string, std::string>& table);
// KVTable entries in wire order, and a writer that keeps the given order.
Result<Properties> decode_kv_table(std::string_view body);
std::string encode_kv_table_ordered(const Properties& wire_order);

Result<TopicStatsTable> decode_topic_stats(std::string_view body);
std::string encode_topic_stats(const TopicStatsTable& v);

Result<ConsumeStats> decode_consume_stats(std::string_view body);
std::string encode_consume_stats(const ConsumeStats& v);

Result<ConsumerConnection> decode_consumer_connection(std::string_view body);
std::string encode_consumer_connection(const ConsumerConnection& v);

Result<ProducerConnection> decode_producer_connection(std::string_view body);
std::string encode_producer_connection(const ProducerConnection& v);

Result<HeartbeatData> decode_heartbeat(std::string_view body);
std::string encode_heartbeat(const HeartbeatData& v);

// Java properties text ("key=value\n" lines). Parsing splits on the first '=', keeps empty values,
// skips blank and '#'/'!' comment lines.
Properties parse_properties(std::string_view text);
std::string format_properties(const Properties& props);

// Message property string: name \x01 value \x02 ... (trailing \x02 accepted when reading).
std::map<std::string, std::string> parse_message_properties(std::string_view text);
std::string format_message_properties(const std::map<std::string, std::string>& props);

// PULL_MESSAGE body: zero or more stored-message records (MessageDecoder layout, V1 and V2 magic).
Result<std::vector<StoredMessage>> decode_stored_messages(std::string_view body);
std::string encode_stored_message(const StoredMessage& m);

}  // namespace rmqup::rmq
