// RemotingCommand: one RocketMQ remoting frame's header and body, as plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rmqup::rmq {

enum class SerializeType : std::uint8_t { json = 0, rocketmq = 1 };
// JSON header field `serializeTypeCurrentRPC`: written by 4.x/5.x peers, absent from 3.x headers.
enum class RpcTypeField { written, absent };

// Request codes used by rmq-upgrade and rmq-sim (RequestCode.java).
namespace code {
inline constexpr int send_message = 10;
inline constexpr int pull_message = 11;
inline constexpr int query_consumer_offset = 14;
inline constexpr int update_consumer_offset = 15;
inline constexpr int update_and_create_topic = 17;
inline constexpr int get_all_topic_config = 21;
inline constexpr int update_broker_config = 25;
inline constexpr int get_broker_config = 26;
inline constexpr int get_broker_runtime_info = 28;
inline constexpr int get_max_offset = 30;
inline constexpr int get_min_offset = 31;
inline constexpr int heart_beat = 34;
inline constexpr int unregister_client = 35;
inline constexpr int get_kv_config = 101;
inline constexpr int register_broker = 103;
inline constexpr int unregister_broker = 104;
inline constexpr int get_routeinfo_by_topic = 105;
inline constexpr int get_broker_cluster_info = 106;
inline constexpr int get_topic_stats_info = 202;
inline constexpr int get_consumer_connection_list = 203;
inline constexpr int get_producer_connection_list = 204;
inline constexpr int wipe_write_perm_of_broker = 205;
inline constexpr int get_all_topic_list_from_nameserver = 206;
inline constexpr int get_consume_stats = 208;
inline constexpr int get_topics_by_cluster = 224;
inline constexpr int send_message_v2 = 310;
inline constexpr int get_namesrv_config = 319;
inline constexpr int add_write_perm_of_broker = 327;
}  // namespace code

// Response codes (RemotingSysResponseCode + ResponseCode).
namespace rc {
inline constexpr int success = 0;
inline constexpr int system_error = 1;
inline constexpr int system_busy = 2;
inline constexpr int request_code_not_supported = 3;
inline constexpr int flush_disk_timeout = 10;
inline constexpr int slave_not_available = 11;
inline constexpr int flush_slave_timeout = 12;
inline constexpr int message_illegal = 13;
inline constexpr int service_not_available = 14;
inline constexpr int no_permission = 16;
inline constexpr int topic_not_exist = 17;
inline constexpr int pull_not_found = 19;
inline constexpr int pull_retry_immediately = 20;
inline constexpr int pull_offset_moved = 21;
inline constexpr int query_not_found = 22;
inline constexpr int subscription_not_exist = 24;
inline constexpr int consumer_not_online = 206;
}  // namespace rc

inline constexpr int k_flag_response = 1;
inline constexpr int k_flag_oneway = 2;

// One frame. extFields keep their order (the JSON header writes them in this order).
struct RemotingCommand {
    int code = 0;
    std::string language = "CPP";
    int version = 407;
    int opaque = 0;
    int flag = 0;
    std::optional<std::string> remark;
    std::vector<std::pair<std::string, std::string>> ext_fields;
    bool has_ext_fields = false;  // JSON "extFields" present (an empty map is still written)
    std::string body;
    SerializeType serialize_type = SerializeType::json;
    RpcTypeField rpc_type_field = RpcTypeField::written;  // JSON headers only

    bool is_response() const { return (flag & k_flag_response) != 0; }
    bool is_oneway() const { return (flag & k_flag_oneway) != 0; }
    // Returns the ext field value, if present.
    std::optional<std::string> ext(const std::string& key) const;
    // Adds or replaces an ext field.
    void set_ext(const std::string& key, std::string value);

    // A request with a code and ext fields; opaque is assigned by the client.
    static RemotingCommand request(int code, std::vector<std::pair<std::string, std::string>> ext = {});
    // A response to `req` (same opaque, response flag) with the given code and remark.
    static RemotingCommand response_to(const RemotingCommand& req, int code, std::optional<std::string> remark = {});
};

}  // namespace rmqup::rmq
