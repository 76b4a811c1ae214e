#include "namesrv.hpp"

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange
#include <boost/asio.hpp>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "rmqup/remoting/bodies.hpp"
#include "sim_common.hpp"
#include "tcp_server.hpp"

namespace rmqsim {

namespace rmq = rmqup::rmq;

namespace {
std::uint32_t crc32_of(const std::string& body) {
    auto c = crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    return static_cast<std::uint32_t>(c) & 0x7FFFFFFFu;
}
}  // namespace

rmq::RemotingCommand NameServerCore::register_broker(const rmq::RemotingCommand& req, std::uint64_t conn,
                                                     std::int64_t now) {
    if (m_dialect.register_ordinal_limit && req.version >= *m_dialect.register_ordinal_limit) {
        // A 3.x NameServer looks the broker's header version up in its 140-entry MQVersion enum.
        return make_reply(req, m_version, rmq::rc::system_error,
                          "java.lang.ArrayIndexOutOfBoundsException: Index " + std::to_string(req.version) +
                              " out of bounds for length " + std::to_string(*m_dialect.register_ordinal_limit) +
                              ", com.alibaba.rocketmq.common.MQVersion.value2Version(MQVersion.java:41)");
    }
    auto crc = ext_int(req, "bodyCrc32", 0);
    if (crc != 0 && !req.body.empty() && static_cast<std::int64_t>(crc32_of(req.body)) != crc)
        return make_reply(req, m_version, rmq::rc::system_error, "crc32 not match");
    BrokerRegistration reg;
    reg.cluster = ext_str(req, "clusterName");
    reg.broker_addr = ext_str(req, "brokerAddr");
    reg.broker_name = ext_str(req, "brokerName");
    reg.broker_id = ext_int(req, "brokerId", 0);
    reg.ha_server_addr = ext_str(req, "haServerAddr");
    reg.connection_id = conn;
    if (m_dialect.acting_master_field == rmq::ActingMasterField::present)
        reg.enable_acting_master = ext_str(req, "enableActingMaster") == "true";
    if (!req.body.empty()) {
        // Like the real one, trust the header's `compressed` (a 5.x broker with compressedRegister=true
        // sends zlib under compressed=false, and every registration fails).
        auto body = rmq::decode_register_broker_body(req.body, ext_str(req, "compressed") == "true");
        if (!body.ok()) {
            if (m_version.is5x())
                return make_reply(req, m_version, rmq::rc::system_error,
                                  "java.lang.NullPointerException: Cannot invoke \"org.apache.rocketmq.remoting.protocol."
                                  "body.RegisterBrokerBody.getTopicConfigSerializeWrapper()\" because "
                                  "\"registerBrokerBody\" is null, org.apache.rocketmq.namesrv.processor."
                                  "DefaultRequestProcessor.registerBroker(DefaultRequestProcessor.java:242)");
            return make_reply(req, m_version, rmq::rc::system_error, "register broker body decode failed");
        }
        reg.topics = body->topic_config_wrapper;
    }
    auto out = m_routes.register_broker(reg, now);
    auto r = make_reply(req, m_version, rmq::rc::success);
    r.has_ext_fields = true;
    if (out.master_addr) {
        r.set_ext("masterAddr", *out.master_addr);
        if (out.ha_server_addr)
            r.set_ext("haServerAddr", *out.ha_server_addr);
    }
    return r;
}

rmq::RemotingCommand NameServerCore::route_reply(const rmq::RemotingCommand& req) const {
    auto topic = ext_str(req, "topic");
    auto route = m_routes.route(topic);
    if (!route) {
        const char* faq = m_version.is5x() ? "https://rocketmq.apache.org/docs/bestPractice/06FAQ"
                                           : "http://rocketmq.apache.org/docs/faq/";
        return make_reply(req, m_version, rmq::rc::topic_not_exist,
                          "No topic route info in name server for the topic: " + topic + "\nSee " + faq +
                              " for further details.");
    }
    if (m_dialect.acting_master_field == rmq::ActingMasterField::present)
        for (auto& bd : route->broker_datas)
            bd.enable_acting_master = bd.enable_acting_master.value_or(false);
    bool standard = m_dialect.route_json == rmq::RouteJsonRule::standard_on_request &&
                    (req.version >= 401 || ext_str(req, "acceptStandardJsonOnly") == "true");
    auto r = make_reply(req, m_version, rmq::rc::success);
    r.body = rmq::encode_topic_route(*route, standard ? rmq::JsonStyle::standard : rmq::JsonStyle::fastjson,
                                     rmq::body_form(m_dialect));
    return r;
}

std::optional<rmq::RemotingCommand> NameServerCore::handle(const rmq::RemotingCommand& req,
                                                           std::uint64_t connection_id, std::int64_t now) {
    auto r = answer(req, connection_id, now);
    if (req.is_oneway())
        return std::nullopt;
    return r;
}

std::optional<rmq::RemotingCommand> NameServerCore::answer(const rmq::RemotingCommand& req,
                                                           std::uint64_t connection_id, std::int64_t now) {
    std::optional<rmq::RemotingCommand> r;
    switch (req.code) {
    case rmq::code::register_broker:
        return register_broker(req, connection_id, now);
    case rmq::code::unregister_broker:
        m_routes.unregister_broker(ext_str(req, "clusterName"), ext_str(req, "brokerAddr"), ext_str(req, "brokerName"),
                                   ext_int(req, "brokerId", 0));
        return make_reply(req, m_version, rmq::rc::success);
    case rmq::code::get_routeinfo_by_topic:
        return route_reply(req);
    case rmq::code::get_broker_cluster_info: {
        auto info = m_routes.cluster_info();
        if (m_dialect.acting_master_field == rmq::ActingMasterField::present)
            for (auto& [name, bd] : info.broker_addr_table)
                bd.enable_acting_master = bd.enable_acting_master.value_or(false);
        r = make_reply(req, m_version, rmq::rc::success);
        r->body = rmq::encode_cluster_info(info, rmq::body_form(m_dialect));
        return r;
    }
    case rmq::code::get_all_topic_list_from_nameserver:
        r = make_reply(req, m_version, rmq::rc::success);
        r->body = rmq::encode_topic_list(m_routes.all_topics());
        return r;
    case rmq::code::get_topics_by_cluster:
        r = make_reply(req, m_version, rmq::rc::success);
        r->body = rmq::encode_topic_list(m_routes.topics_by_cluster(ext_str(req, "cluster")));
        return r;
    case rmq::code::wipe_write_perm_of_broker: {
        int n = m_routes.wipe_write_perm(ext_str(req, "brokerName"));
        r = make_reply(req, m_version, rmq::rc::success);
        r->has_ext_fields = true;
        r->set_ext("wipeTopicCount", std::to_string(n));
        return r;
    }
    case rmq::code::add_write_perm_of_broker: {
        if (!m_dialect.has_add_write_perm)
            return std::nullopt;  // unknown code before 4.9.2: no response
        int n = m_routes.add_write_perm(ext_str(req, "brokerName"));
        r = make_reply(req, m_version, rmq::rc::success);
        r->has_ext_fields = true;
        r->set_ext("addTopicCount", std::to_string(n));
        return r;
    }
    case rmq::code::get_kv_config:
        // No KV config is kept: what every NameServer answers for a key it does not have (3.x
        // clients ask PROJECT_CONFIG/<their IP> at every start).
        r = make_reply(req, m_version, rmq::rc::query_not_found,
                       "No config item, Namespace: " + ext_str(req, "namespace") + " Key: " + ext_str(req, "key"));
        r->has_ext_fields = true;
        return r;
    case rmq::code::get_namesrv_config: {
        r = make_reply(req, m_version, rmq::rc::success);
        rmq::Properties p{{"listenPort", std::to_string(m_listen_port)}, {"orderMessageEnable", "false"},
                          {"clusterTest", "false"}, {"productEnvName", "center"}};
        r->body = rmq::format_properties(p);
        return r;
    }
    default:
        if (m_dialect.namesrv_unknown_code == rmq::UnknownCodeReply::none)
            return std::nullopt;  // the default processor returns null: no response
        return make_reply(req, m_version, rmq::rc::request_code_not_supported,
                          " request type " + std::to_string(req.code) + " not supported");
    }
}

rmqup::Status load_namesrv_config(const std::string& path, NamesrvOptions& opts) {
    std::ifstream in(path);
    if (!in)
        return rmqup::make_error(rmqup::ErrorKind::io, "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    for (const auto& [k, v] : rmq::parse_properties(ss.str())) {
        if (k == "listenPort") {
            auto hp = split_host_port("x:" + v);
            if (!hp)
                return rmqup::make_error(rmqup::ErrorKind::invalid_input, path + ": bad listenPort " + v);
            opts.listen_port = hp->second;
        } else if (k == "rmqsimListenAddress") {
            opts.listen_host = v;
        }
    }
    opts.config_path = path;
    return {};
}

int run_namesrv(const NamesrvOptions& opts) {
    boost::asio::io_context io;
    NameServerCore core(opts.version);
    ServerHandlers h;
    const auto dialect = rmq::dialect_of(opts.version);
    h.on_request = [&](const ConnectionPtr& c, rmq::RemotingCommand req) {
        if (req.serialize_type == rmq::SerializeType::rocketmq &&
            dialect.binary_requests == rmq::BinaryRequests::connection_closed) {
            c->close();  // 3.x cannot read the ROCKETMQ header: the connection is dropped, no reply
            return;
        }
        auto reply = core.handle(req, c->id(), now_ms());
        if (!reply)
            return;
        if (opts.delay_ms > 0) {
            auto t = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(opts.delay_ms));
            t->async_wait([t, c, rep = std::move(*reply)](boost::system::error_code) { c->send(rep); });
        } else {
            c->send(*reply);
        }
    };
    h.on_close = [&](const ConnectionPtr& c) { core.routes().on_connection_closed(c->id()); };
    TcpServer server(io, h);
    auto st = server.listen(opts.listen_host, opts.listen_port);
    if (!st.ok()) {
        std::fprintf(stderr, "rmq-sim namesrv: %s\n", st.error().describe().c_str());
        return 1;
    }
    core.set_listen_port(server.port());
    std::printf("The Name Server boot success. serializeType=JSON listen=%s:%u version=%s\n", opts.listen_host.c_str(),
                server.port(), opts.version.str().c_str());
    std::fflush(stdout);

    boost::asio::steady_timer scan(io);
    auto scan_ms = std::max<std::int64_t>(50, std::min<std::int64_t>(10000, opts.broker_expiry_ms / 4));
    std::function<void()> arm = [&] {
        scan.expires_after(std::chrono::milliseconds(scan_ms));
        scan.async_wait([&](boost::system::error_code ec) {
            if (ec)
                return;
            core.routes().expire(now_ms(), opts.broker_expiry_ms);
            arm();
        });
    };
    arm();

    boost::asio::steady_timer exit_timer(io);
    if (opts.exit_after_ms > 0) {
        exit_timer.expires_after(std::chrono::milliseconds(opts.exit_after_ms));
        exit_timer.async_wait([](boost::system::error_code ec) {
            if (!ec)
                std::_Exit(1);
        });
    }
    boost::asio::signal_set signals(io);
    add_shutdown_signals(signals);
    signals.async_wait([&](boost::system::error_code, int) {
        server.stop();
        scan.cancel();
        exit_timer.cancel();
        io.stop();
    });
    io.run();
    return 0;
}

}  // namespace rmqsim
