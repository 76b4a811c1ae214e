#include "request_names.hpp"

#include "rmqup/remoting/command.hpp"

namespace rmqup::net {

std::string request_name(int c) {
    namespace code = rmq::code;
    switch (c) {
    case code::send_message: return "SEND_MESSAGE";
    case code::pull_message: return "PULL_MESSAGE";
    case code::query_consumer_offset: return "QUERY_CONSUMER_OFFSET";
    case code::update_consumer_offset: return "UPDATE_CONSUMER_OFFSET";
    case code::update_and_create_topic: return "UPDATE_AND_CREATE_TOPIC";
    case code::get_all_topic_config: return "GET_ALL_TOPIC_CONFIG";
    case code::update_broker_config: return "UPDATE_BROKER_CONFIG";
    case code::get_broker_config: return "GET_BROKER_CONFIG";
    case code::get_broker_runtime_info: return "GET_BROKER_RUNTIME_INFO";
    case code::get_max_offset: return "GET_MAX_OFFSET";
    case code::get_min_offset: return "GET_MIN_OFFSET";
    case code::heart_beat: return "HEART_BEAT";
    case code::unregister_client: return "UNREGISTER_CLIENT";
    case code::register_broker: return "REGISTER_BROKER";
    case code::unregister_broker: return "UNREGISTER_BROKER";
    case code::get_routeinfo_by_topic: return "GET_ROUTEINFO_BY_TOPIC";
    case code::get_broker_cluster_info: return "GET_BROKER_CLUSTER_INFO";
    case code::get_topic_stats_info: return "GET_TOPIC_STATS_INFO";
    case code::get_consumer_connection_list: return "GET_CONSUMER_CONNECTION_LIST";
    case code::get_producer_connection_list: return "GET_PRODUCER_CONNECTION_LIST";
    case code::wipe_write_perm_of_broker: return "WIPE_WRITE_PERM_OF_BROKER";
    case code::get_all_topic_list_from_nameserver: return "GET_ALL_TOPIC_LIST_FROM_NAMESERVER";
    case code::get_consume_stats: return "GET_CONSUME_STATS";
    case code::get_topics_by_cluster: return "GET_TOPICS_BY_CLUSTER";
    case code::send_message_v2: return "SEND_MESSAGE_V2";
    case code::get_namesrv_config: return "GET_NAMESRV_CONFIG";
    case code::add_write_perm_of_broker: return "ADD_WRITE_PERM_OF_BROKER";
    default: return "CODE_" + std::to_string(c);
    }
}

std::string request_context(int code, const std::string& addr) {
    return "request " + request_name(code) + " (" + std::to_string(code) + ") to " + addr;
}

}  // namespace rmqup::net
