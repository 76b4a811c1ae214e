#include "rmqup/net/remoting_admin.hpp"

#include <utility>

#include "admin_replies.hpp"
#include "request_names.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/requests.hpp"

namespace rmqup::net {

namespace reqs = rmq::requests;

RemotingAdmin::RemotingAdmin(RemotingClient& client, std::chrono::milliseconds timeout)
    : m_client(client), m_timeout(timeout) {}

namespace {

// A codec result (body decoder or header parser) gets the request's context on failure; a
// decode failure (anything but a refusal) is a protocol error.
template <typename T>
Result<T> in_context(Result<T> r, int code, const std::string& addr) {
    if (r)
        return r;
    Error e = std::move(r).error();
    if (e.kind == ErrorKind::rejected)
        return std::move(e).with(request_context(code, addr));
    return bad_body_error(std::move(e), code, addr);
}

// Decodes the body of a successful reply with `decode`.
template <typename T>
Result<T> body_reply(Reply r, int code, const std::string& addr, Result<T> (*decode)(std::string_view)) {
    r = expect_success(std::move(r), code, addr);
    if (!r)
        return std::move(r).error();
    return in_context(decode(r->body), code, addr);
}

// Parses a header-only reply with one of the codec's response parsers (which map refusals).
template <typename T>
Result<T> header_reply(Reply r, int code, const std::string& addr, Result<T> (*parse)(const rmq::RemotingCommand&)) {
    r = with_request_context(std::move(r), code, addr);
    if (!r)
        return std::move(r).error();
    return in_context(parse(*r), code, addr);
}

}  // namespace

Result<rmq::ClusterInfo> RemotingAdmin::cluster_info(const std::string& ns) {
    return cluster_info_reply(m_client.call(ns, reqs::get_broker_cluster_info(), m_timeout), ns);
}

Result<rmq::TopicRouteData> RemotingAdmin::topic_route(const std::string& ns, const std::string& topic) {
    return topic_route_reply(m_client.call(ns, reqs::get_route_info_by_topic(topic), m_timeout), ns);
}

Result<int> RemotingAdmin::wipe_write_perm(const std::string& ns, const std::string& broker_name) {
    return header_reply(m_client.call(ns, reqs::wipe_write_perm_of_broker(broker_name), m_timeout),
                        rmq::code::wipe_write_perm_of_broker, ns, &reqs::parse_wipe_topic_count);
}

Result<int> RemotingAdmin::add_write_perm(const std::string& ns, const std::string& broker_name) {
    auto r = header_reply(m_client.call(ns, reqs::add_write_perm_of_broker(broker_name), m_timeout),
                          rmq::code::add_write_perm_of_broker, ns, &reqs::parse_add_topic_count);
    if (!r && r.error().kind == ErrorKind::timeout) {
        // NameServers before 4.9.2 drop unknown codes silently: say why the wait was in vain.
        Error e = std::move(r).error();
        e.message += " (ADD_WRITE_PERM_OF_BROKER exists only from NameServer 4.9.2; an older one never answers)";
        return e;
    }
    return r;
}

Result<rmq::RuntimeInfo> RemotingAdmin::runtime_info(const std::string& broker) {
    return runtime_info_reply(m_client.call(broker, reqs::get_broker_runtime_info(), m_timeout), broker);
}

Result<rmq::Properties> RemotingAdmin::broker_config(const std::string& broker) {
    return broker_config_reply(m_client.call(broker, reqs::get_broker_config(), m_timeout), broker);
}

Status RemotingAdmin::update_broker_config(const std::string& broker, const rmq::Properties& kv) {
    constexpr int c = rmq::code::update_broker_config;
    // An empty kv sends no body: the broker changes and persists nothing, yet ACL still asks for
    // admin rights (the planner's acl-account check relies on this).
    auto r = expect_success(m_client.call(broker, reqs::update_broker_config(kv), m_timeout), c, broker);
    if (!r)
        return std::move(r).error();
    return ok_status();
}

Result<rmq::TopicConfigTable> RemotingAdmin::all_topic_config(const std::string& broker) {
    return body_reply(m_client.call(broker, reqs::get_all_topic_config(), m_timeout), rmq::code::get_all_topic_config,
                      broker, &rmq::decode_topic_config_table);
}

Result<rmq::ConsumeStats> RemotingAdmin::consume_stats(const std::string& broker, const std::string& group,
                                                       const std::string& topic) {
    return body_reply(m_client.call(broker, reqs::get_consume_stats(group, topic), m_timeout),
                      rmq::code::get_consume_stats, broker, &rmq::decode_consume_stats);
}

Result<rmq::ConsumerConnection> RemotingAdmin::consumer_connections(const std::string& broker,
                                                                    const std::string& group) {
    return body_reply(m_client.call(broker, reqs::get_consumer_connection_list(group), m_timeout),
                      rmq::code::get_consumer_connection_list, broker, &rmq::decode_consumer_connection);
}

Result<rmq::ProducerConnection> RemotingAdmin::producer_connections(const std::string& broker,
                                                                    const std::string& group) {
    return body_reply(m_client.call(broker, reqs::get_producer_connection_list(group), m_timeout),
                      rmq::code::get_producer_connection_list, broker, &rmq::decode_producer_connection);
}

Result<std::int64_t> RemotingAdmin::max_offset(const std::string& broker, const std::string& topic, int queue_id) {
    return header_reply(m_client.call(broker, reqs::get_max_offset(rmq::MessageQueue{topic, "", queue_id}), m_timeout),
                        rmq::code::get_max_offset, broker, &reqs::parse_offset);
}

Result<rmq::SendResult> RemotingAdmin::send_message(const std::string& broker, const rmq::SendRequest& msg) {
    return header_reply(m_client.call(broker, reqs::send_message_v2(msg), m_timeout), rmq::code::send_message_v2,
                        broker, &reqs::parse_send_result);
}

Result<rmq::PullResult> RemotingAdmin::pull_message(const std::string& broker, const rmq::PullRequest& req) {
    // A long-polling pull may be held by the broker for suspendTimeoutMillis: wait that long too.
    auto timeout = m_timeout + std::chrono::milliseconds(req.suspend_timeout_millis);
    return header_reply(m_client.call(broker, reqs::pull_message(req), timeout), rmq::code::pull_message, broker,
                        &reqs::parse_pull_result);
}

}  // namespace rmqup::net
