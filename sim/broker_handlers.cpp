// Request handlers of the simulated broker: admin codes, send, pull (with long polling), offsets.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "broker.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "sim_common.hpp"

namespace rmqsim {

namespace asio = boost::asio;
namespace rmq = rmqup::rmq;

namespace {
constexpr int k_pull_flag_commit_offset = 0x1;
constexpr int k_pull_flag_suspend = 0x2;

std::string faq_suffix() { return "\nSee http://rocketmq.apache.org/docs/faq/ for further details."; }

// Offset message id: store host IPv4 (4 bytes) + port (4) + commit-log offset (8), upper-case hex.
std::string offset_msg_id(const std::string& ip, std::uint16_t port, std::int64_t offset) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    std::sscanf(ip.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d);
    char buf[33];
    std::snprintf(buf, sizeof buf, "%02X%02X%02X%02X%08X%016llX", a & 0xFF, b & 0xFF, c & 0xFF, d & 0xFF,
                  static_cast<unsigned>(port), static_cast<unsigned long long>(offset));
    return buf;
}

std::string first_of(const rmq::RemotingCommand& req, const char* v2, const char* v1) {
    if (auto v = req.ext(v2))
        return *v;
    return req.ext(v1).value_or("");
}
std::int64_t int_of(const rmq::RemotingCommand& req, const char* v2, const char* v1, std::int64_t fallback) {
    if (req.ext(v2))
        return ext_int(req, v2, fallback);
    return ext_int(req, v1, fallback);
}
}  // namespace

rmq::RemotingCommand Broker::reply(const Cmd& req, int code, std::optional<std::string> remark) const {
    return make_reply(req, m_opts.version, code, std::move(remark));
}

void Broker::send_reply(const ConnectionPtr& c, Cmd r) {
    if (m_opts.delay_ms > 0) {
        auto t = std::make_shared<asio::steady_timer>(m_io, std::chrono::milliseconds(m_opts.delay_ms));
        t->async_wait([t, c, r = std::move(r)](boost::system::error_code) { c->send(r); });
        return;
    }
    c->send(r);
}

void Broker::on_request(const ConnectionPtr& c, Cmd req) {
    if (req.is_response() || m_stopping)
        return;
    if (req.serialize_type == rmq::SerializeType::rocketmq &&
        m_dialect.binary_requests == rmq::BinaryRequests::connection_closed) {
        c->close();  // 3.x cannot read the ROCKETMQ header: the connection is dropped, no reply
        return;
    }
    // Replication between simulated brokers stands for the HA channel, which ACL does not cover.
    bool replica_traffic = req.code == k_code_sim_replicate || req.ext("rmqsimReplica").has_value();
    if (m_acl && !replica_traffic) {
        if (auto remark = m_acl->check(req)) {
            if (!req.is_oneway())
                send_reply(c, reply(req, rmq::rc::system_error, *remark));
            return;
        }
    }
    auto r = handle(c, req);
    if (r && !req.is_oneway())
        send_reply(c, std::move(*r));
}

std::optional<rmq::RemotingCommand> Broker::handle(const ConnectionPtr& c, const Cmd& req) {
    switch (req.code) {
    case rmq::code::send_message:
    case rmq::code::send_message_v2:
        return on_send(c, req);
    case rmq::code::pull_message:
        return on_pull(c, req, true);
    case rmq::code::update_broker_config: {
        bool deferred = false;
        auto r = on_update_broker_config(c, req, deferred);
        if (deferred)
            return std::nullopt;
        return r;
    }
    case rmq::code::get_broker_config:
        return on_get_broker_config(req);
    case rmq::code::get_broker_runtime_info:
        return on_runtime_info(req);
    case rmq::code::update_and_create_topic:
        return on_update_topic(req);
    case rmq::code::get_all_topic_config: {
        auto r = reply(req, rmq::rc::success);
        r.body = rmq::encode_topic_config_table(wire_topics());
        return r;
    }
    case rmq::code::get_max_offset:
    case rmq::code::get_min_offset:
        return on_queue_offset(req);
    case rmq::code::query_consumer_offset:
        return on_query_offset(req);
    case rmq::code::update_consumer_offset:
        m_offsets->set(ext_str(req, "consumerGroup"), ext_str(req, "topic"),
                       static_cast<int>(ext_int(req, "queueId", 0)), ext_int(req, "commitOffset", 0));
        return reply(req, rmq::rc::success);
    case rmq::code::get_topic_stats_info:
        return on_topic_stats(req);
    case rmq::code::get_consume_stats:
        return on_consume_stats(req);
    case k_code_sim_replicate:
        return on_replicate(req);
    default:
        return handle_client_request(c, req);
    }
}

std::optional<rmq::RemotingCommand> Broker::handle_client_request(const ConnectionPtr& c, const Cmd& req) {
    switch (req.code) {
    case rmq::code::heart_beat:
        return on_heartbeat(c, req);
    case rmq::code::unregister_client:
        m_clients.unregister(ext_str(req, "clientID"), ext_str(req, "producerGroup"), ext_str(req, "consumerGroup"));
        return reply(req, rmq::rc::success);
    case rmq::code::get_consumer_connection_list: {
        auto g = ext_str(req, "consumerGroup");
        auto cc = m_clients.consumer_connection(g);
        if (!cc)
            return reply(req, rmq::rc::consumer_not_online, "the consumer group[" + g + "] not online");
        auto r = reply(req, rmq::rc::success);
        r.body = rmq::encode_consumer_connection(*cc);
        return r;
    }
    case rmq::code::get_producer_connection_list: {
        auto g = ext_str(req, "producerGroup");
        auto pc = m_clients.producer_connection(g);
        if (!pc)
            return reply(req, rmq::rc::system_error, "the producer group[" + g + "] not exist");
        auto r = reply(req, rmq::rc::success);
        r.body = rmq::encode_producer_connection(*pc);
        return r;
    }
    case k_code_get_consumer_list_by_group: {
        auto g = ext_str(req, "consumerGroup");
        auto ids = m_clients.consumer_ids(g);
        if (ids.empty())
            return reply(req, rmq::rc::system_error, "no consumer for this group, " + g);
        auto r = reply(req, rmq::rc::success);
        r.body = nlohmann::json{{"consumerIdList", ids}}.dump();
        return r;
    }
    default:
        if (m_dialect.broker_unknown_code == rmq::UnknownCodeReply::none)
            return std::nullopt;  // before 4.9.1: no response at all
        return reply(req, rmq::rc::request_code_not_supported,
                     " request type " + std::to_string(req.code) + " not supported");
    }
}

rmq::RemotingCommand Broker::on_queue_offset(const Cmd& req) {
    auto topic = ext_str(req, "topic");
    int q = static_cast<int>(ext_int(req, "queueId", 0));
    auto r = reply(req, rmq::rc::success);
    r.has_ext_fields = true;
    r.set_ext("offset", std::to_string(req.code == rmq::code::get_max_offset ? m_store->max_offset(topic, q)
                                                                             : m_store->min_offset(topic, q)));
    return r;
}

rmq::RemotingCommand Broker::on_heartbeat(const ConnectionPtr& c, const Cmd& req) {
    auto hb = rmq::decode_heartbeat(req.body);
    if (!hb.ok())
        return reply(req, rmq::rc::system_error, "heartbeat body decode failed");
    m_clients.heartbeat(*hb, c->id(), c->remote_address(), req.language, req.version);
    // A clustering consumer group gets its retry topic, as a real broker creates it on heartbeat.
    bool created = false;
    for (const auto& cd : hb->consumer_data_set) {
        std::string retry = "%RETRY%" + cd.group_name;
        if (cd.message_model == "CLUSTERING" && m_cfg.broker_id() == 0 && !m_topics->find(retry)) {
            m_topics->upsert(rmq::TopicConfig{retry, 1, 1, rmq::k_perm_read_write, "SINGLE_TAG", 0, false, {}},
                             now_ms());
            created = true;
        }
    }
    if (created) {
        (void)m_topics->persist();
        register_all(RegisterMode::oneway, [] {});
    }
    return reply(req, rmq::rc::success);
}

rmq::RemotingCommand Broker::on_replicate(const Cmd& req) {
    std::int64_t from = ext_int(req, "offset", 0);
    auto r = reply(req, rmq::rc::success);
    r.has_ext_fields = true;
    r.set_ext("fromOffset", std::to_string(from));
    r.set_ext("maxOffset", std::to_string(m_store->commit_log_max_offset()));
    if (from <= m_store->commit_log_max_offset())
        r.body = m_store->read_raw(from, 1 << 20);
    return r;
}

rmq::TopicConfig Broker::auto_create_topic(const std::string& topic, int queue_nums) {
    rmq::TopicConfig tc;
    tc.topic_name = topic;
    int max_q = 8;
    if (auto def = m_topics->find("TBW102"))
        max_q = def->write_queue_nums;
    tc.read_queue_nums = tc.write_queue_nums = std::max(1, std::min(queue_nums, max_q));
    tc.perm = rmq::k_perm_read_write;
    m_topics->upsert(tc, now_ms());
    (void)m_topics->persist();
    register_all(RegisterMode::oneway, [] {});  // registerBrokerAll(false, true, true): oneway
    return tc;
}

std::optional<rmq::RemotingCommand> Broker::on_send(const ConnectionPtr& c, const Cmd& req) {
    std::string topic = first_of(req, "b", "topic");
    if (m_cfg.broker_id() != 0)
        return reply(req, rmq::rc::service_not_available,
                     "service not available now. It may be caused by one of the following reasons: the broker's disk "
                     "is full, messages are put to the slave, message store has been shut down, etc.");
    const rmq::TopicConfig* tc = m_topics->find(topic);
    rmq::TopicConfig created;
    if (!tc) {
        if (!m_cfg.get_bool("autoCreateTopicEnable", true))
            return reply(req, rmq::rc::topic_not_exist,
                         "topic[" + topic + "] not exist, apply first please!" + faq_suffix());
        created = auto_create_topic(topic, static_cast<int>(int_of(req, "d", "defaultTopicQueueNums", 4)));
        tc = &created;
    }
    if (!(m_cfg.permission() & rmq::k_perm_write) && tc->order)
        return reply(req, rmq::rc::no_permission, "the broker[" + m_cfg.ip() + "] sending message is forbidden");
    int queue_id = static_cast<int>(int_of(req, "e", "queueId", 0));
    if (queue_id < 0)
        queue_id = 0;
    if (queue_id >= std::max(tc->read_queue_nums, tc->write_queue_nums))
        return reply(req, rmq::rc::system_error,
                     "request queueId[" + std::to_string(queue_id) + "] is illegal, topic:" + topic);

    rmq::StoredMessage m;
    m.topic = topic;
    m.queue_id = queue_id;
    m.flag = static_cast<int>(int_of(req, "h", "flag", 0));
    m.sys_flag = static_cast<int>(int_of(req, "f", "sysFlag", 0));
    m.born_timestamp = int_of(req, "g", "bornTimestamp", now_ms());
    m.born_host = c->remote_address();
    m.store_timestamp = now_ms();
    m.store_host = m_cfg.addr();
    m.reconsume_times = static_cast<int>(int_of(req, "j", "reconsumeTimes", 0));
    m.raw_properties = first_of(req, "i", "properties");  // keeps the producer's HashMap order
    m.properties = rmq::parse_message_properties(*m.raw_properties);
    m.body = req.body;
    auto put = m_store->put(std::move(m));
    if (!put.ok())
        return reply(req, rmq::rc::service_not_available, "service not available now: " + put.error().message);
    m_put_tps.add(now_ms());
    m_put_size_total += put->size;

    auto r = reply(req, rmq::rc::success);
    r.has_ext_fields = true;
    r.set_ext("queueId", std::to_string(queue_id));
    r.set_ext("TRACE_ON", "true");
    r.set_ext("MSG_REGION", m_cfg.get("regionId", "DefaultRegion"));
    r.set_ext("msgId", offset_msg_id(m_cfg.ip(), m_cfg.port(), put->commit_log_offset));
    r.set_ext("queueOffset", std::to_string(put->queue_offset));
    wake_held_pulls(topic, queue_id);
    return r;
}

std::optional<rmq::RemotingCommand> Broker::on_pull(const ConnectionPtr& c, const Cmd& req, bool allow_hold) {
    auto topic = ext_str(req, "topic");
    auto group = ext_str(req, "consumerGroup");
    int queue_id = static_cast<int>(ext_int(req, "queueId", 0));
    std::int64_t offset = ext_int(req, "queueOffset", 0);
    int sys_flag = static_cast<int>(ext_int(req, "sysFlag", 0));
    if (!(m_cfg.permission() & rmq::k_perm_read))
        return reply(req, rmq::rc::no_permission, "the broker[" + m_cfg.ip() + "] pulling message is forbidden");
    const rmq::TopicConfig* tc = m_topics->find(topic);
    if (!tc)
        return reply(req, rmq::rc::topic_not_exist,
                     "topic[" + topic + "] not exist, apply first please!" + faq_suffix());
    if (queue_id < 0 || queue_id >= tc->read_queue_nums)
        return reply(req, rmq::rc::system_error,
                     "queueId[" + std::to_string(queue_id) + "] is illegal, topic:[" + topic +
                         "] topicConfig.readQueueNums:[" + std::to_string(tc->read_queue_nums) + "] consumer:[" +
                         c->remote_address() + "]");
    if ((sys_flag & k_pull_flag_commit_offset) && m_cfg.broker_id() == 0)
        m_offsets->set(group, topic, queue_id, ext_int(req, "commitOffset", 0));

    auto got = m_store->get(topic, queue_id, offset, static_cast<int>(ext_int(req, "maxMsgNums", 32)));
    int code = rmq::rc::success;
    switch (got.status) {
    case GetStatus::found: code = rmq::rc::success; break;
    case GetStatus::no_message_in_queue: code = offset == 0 ? rmq::rc::pull_not_found : rmq::rc::pull_offset_moved; break;
    case GetStatus::offset_overflow_one: code = rmq::rc::pull_not_found; break;
    case GetStatus::offset_overflow_badly:
    case GetStatus::offset_too_small: code = rmq::rc::pull_offset_moved; break;
    }
    std::int64_t now = now_ms();
    if (code == rmq::rc::success) {
        m_get_found_tps.add(now);
        m_get_transferred_tps.add(now, got.count);
    } else {
        m_get_miss_tps.add(now);
    }
    if (code == rmq::rc::pull_not_found && allow_hold && (sys_flag & k_pull_flag_suspend)) {
        std::int64_t hold = m_cfg.get_bool("longPollingEnable", true) ? ext_int(req, "suspendTimeoutMillis", 15000)
                                                                     : m_cfg.get_int("shortPollingTimeMills", 1000);
        hold = std::clamp<std::int64_t>(hold, 0, 30000);
        auto timer = std::make_shared<asio::steady_timer>(m_io, std::chrono::milliseconds(hold));
        auto key = std::make_pair(topic, queue_id);
        m_held[key].push_back(HeldPull{c, req, timer});
        timer->async_wait([this, alive = m_alive, key, timer](boost::system::error_code ec) {
            if (ec || !*alive)
                return;
            auto it = m_held.find(key);
            if (it == m_held.end())
                return;
            auto& list = it->second;
            auto h = std::find_if(list.begin(), list.end(), [&](const HeldPull& x) { return x.timer == timer; });
            if (h == list.end())
                return;
            HeldPull held = std::move(*h);
            list.erase(h);
            if (list.empty())
                m_held.erase(it);
            if (held.conn->is_open())
                if (auto r = on_pull(held.conn, held.req, false))
                    send_reply(held.conn, std::move(*r));
        });
        return std::nullopt;
    }
    auto r = reply(req, code, std::string(to_string(got.status)));
    r.has_ext_fields = true;
    r.set_ext("suggestWhichBrokerId", "0");
    r.set_ext("nextBeginOffset", std::to_string(got.next_begin_offset));
    r.set_ext("minOffset", std::to_string(got.min_offset));
    r.set_ext("maxOffset", std::to_string(got.max_offset));
    r.body = std::move(got.body);
    return r;
}

void Broker::wake_held_pulls(const std::string& topic, int queue_id) {
    auto it = m_held.find(std::make_pair(topic, queue_id));
    if (it == m_held.end())
        return;
    auto list = std::move(it->second);
    m_held.erase(it);
    for (auto& h : list) {
        h.timer->cancel();
        if (h.conn->is_open())
            if (auto r = on_pull(h.conn, h.req, false))
                send_reply(h.conn, std::move(*r));
    }
}

rmq::RemotingCommand Broker::on_update_broker_config(const ConnectionPtr& c, const Cmd& req, bool& deferred) {
    // A real broker skips a request without body: nothing updated, nothing persisted (ACL has
    // already required an admin account by then).
    if (req.body.empty())
        return reply(req, rmq::rc::success);
    auto props = rmq::parse_properties(req.body);
    bool perm_changed = m_cfg.update(props);
    ++m_config_version_counter;
    m_config_version_ts = now_ms();
    (void)m_cfg.persist();
    if (!perm_changed)
        return reply(req, rmq::rc::success);
    switch (m_dialect.perm_reach) {
    case rmq::PermReach::never:
        // 3.x: no re-registration, and the periodic ones carry an unchanged DataVersion, which the
        // NameServer ignores for topic data: the routes keep the old perm.
        return reply(req, rmq::rc::success);
    case rmq::PermReach::next_registration:
        // 4.0-4.2: registers at once with the old DataVersion (ignored), then bumps it; the routes
        // change at the next periodic registration.
        register_all(RegisterMode::request, [] {});
        m_topics->bump_version(now_ms());
        (void)m_topics->persist();
        return reply(req, rmq::rc::success);
    case rmq::PermReach::immediate:
        break;
    }
    // brokerPermission: DataVersion++ and a synchronous registration with every NameServer first.
    m_topics->bump_version(now_ms());
    (void)m_topics->persist();
    deferred = true;
    auto r = reply(req, rmq::rc::success);
    bool oneway = req.is_oneway();
    register_all(RegisterMode::request, [this, c, r, oneway]() mutable {
        if (!oneway)
            send_reply(c, std::move(r));
    });
    return r;
}

}  // namespace rmqsim
