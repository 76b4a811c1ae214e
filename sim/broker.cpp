#include <algorithm>
#include "broker.hpp"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rmqup/remoting/bodies.hpp"
#include "sim_common.hpp"

namespace rmqsim {

namespace asio = boost::asio;
namespace rmq = rmqup::rmq;

namespace {
rmqup::net::ClientOptions client_options(const rmqup::RmqVersion& v) {
    rmqup::net::ClientOptions o;
    o.version = v.ordinal().value_or(407);
    o.language = "JAVA";
    o.connect_timeout = std::chrono::milliseconds(3000);
    o.request_timeout = std::chrono::milliseconds(6000);  // registerBrokerTimeoutMills
    return o;
}
}  // namespace

Broker::Broker(asio::io_context& io, BrokerOptions opts, BrokerConfig cfg)
    : m_io(io),
      m_opts(std::move(opts)),
      m_dialect(rmq::dialect_of(m_opts.version)),
      m_cfg(std::move(cfg)),
      m_server(io, ServerHandlers{[this](const ConnectionPtr& c, rmq::RemotingCommand r) { on_request(c, std::move(r)); },
                                  [this](const ConnectionPtr& c) { m_clients.connection_closed(c->id()); }}),
      m_put_tps(now_ms()),
      m_get_found_tps(now_ms()),
      m_get_miss_tps(now_ms()),
      m_get_transferred_tps(now_ms()),
      m_register_timer(io),
      m_replicate_timer(io),
      m_persist_timer(io) {}

Broker::~Broker() { *m_alive = false; }

std::vector<std::string> Broker::namesrv_addrs() const {
    std::vector<std::string> out;
    std::string all = m_cfg.get("namesrvAddr");
    std::size_t pos = 0;
    while (pos <= all.size()) {
        auto end = all.find(';', pos);
        if (end == std::string::npos)
            end = all.size();
        auto a = all.substr(pos, end - pos);
        if (!a.empty())
            out.push_back(a);
        pos = end + 1;
    }
    return out;
}

rmqup::Status Broker::start() {
    m_boot_ms = now_ms();
    m_config_version_ts = m_boot_ms;
    const std::string root = m_cfg.store_root();
    auto store = MessageStore::open(root);
    if (!store.ok())
        return std::move(store).error().with("broker " + m_cfg.broker_name());
    m_store = std::move(store).value();
    m_topics = TopicTable::load(root, m_cfg.cluster(), m_cfg.broker_name(), m_boot_ms);
    m_topics->bump_version(m_boot_ms);  // a restart is a new DataVersion, as in a real broker
    m_offsets = OffsetTable::load(root);
    {
        std::ofstream abort_marker(root + "/abort");
    }
    if (m_cfg.get_bool("aclEnable", false)) {
        std::string acl_file = m_cfg.get("rmqsimAclFile");
        if (acl_file.empty())
            acl_file = (std::filesystem::path(m_cfg.path()).parent_path() / "plain_acl.yml").string();
        auto acl = PlainAcl::load(acl_file);
        if (!acl.ok())
            return std::move(acl).error();
        m_acl = std::move(acl).value();
    }
    RMQUP_TRY(m_server.listen(m_cfg.ip(), m_cfg.port()));
    m_client = std::make_unique<rmqup::net::RemotingClient>(client_options(m_opts.version));

    std::printf("The broker[%s, %s] boot success. serializeType=JSON and name server is %s (rmq-sim %s)\n",
                m_cfg.broker_name().c_str(), m_cfg.addr().c_str(), m_cfg.get("namesrvAddr").c_str(),
                m_opts.version.str().c_str());
    std::fflush(stdout);

    if (!m_opts.no_register) {
        register_all(RegisterMode::request, [] {});
        schedule_register();
    }
    if (m_cfg.broker_id() != 0)
        schedule_replication(m_opts.replicate_interval_ms);

    auto arm_persist = std::make_shared<std::function<void()>>();
    *arm_persist = [this, arm_persist] {
        m_persist_timer.expires_after(std::chrono::seconds(5));
        m_persist_timer.async_wait([this, arm_persist](boost::system::error_code ec) {
            if (ec)
                return;
            (void)m_offsets->persist();
            (*arm_persist)();
        });
    };
    (*arm_persist)();
    return {};
}

rmq::TopicConfigTable Broker::wire_topics() const {
    rmq::TopicConfigTable t = m_topics->table();
    if (m_dialect.data_version == rmq::DataVersionForm::timestatmp)
        t.data_version.key = rmq::TimestampKey::timestatmp;
    if (m_dialect.data_version == rmq::DataVersionForm::with_state_version) {
        t.data_version.state_version = t.data_version.state_version.value_or(0);
        for (auto& [name, tc] : t.topic_config_table)
            if (!tc.attributes)
                tc.attributes.emplace();
    }
    return t;
}

std::string Broker::config_data_version() const {
    rmq::DataVersion v{m_config_version_counter, m_config_version_ts, {}, rmq::TimestampKey::timestamp};
    if (m_dialect.data_version == rmq::DataVersionForm::timestatmp)
        v.key = rmq::TimestampKey::timestatmp;
    if (m_dialect.data_version == rmq::DataVersionForm::with_state_version)
        v.state_version = 0;
    return rmq::encode_data_version(v);
}

rmq::RemotingCommand Broker::build_register_request() const {
    rmq::RegisterBrokerBody body;
    body.topic_config_wrapper = wire_topics();
    int bperm = m_cfg.permission();
    bool full = (bperm & rmq::k_perm_read) && (bperm & rmq::k_perm_write);
    if (!full) {
        for (auto& [name, tc] : body.topic_config_wrapper.topic_config_table)
            tc.perm = m_opts.version.is5x() ? (tc.perm & bperm) : bperm;
    }
    // compressedRegister=true: zlib body; a 5.x broker still says compressed=false (upstream bug).
    const bool zlib = m_dialect.register_header != rmq::RegisterHeaderForm::plain &&
                      m_cfg.get_bool("compressedRegister", false);
    const bool header_says_compressed = zlib && m_dialect.compressed_flag == rmq::CompressedFlag::truthful;
    auto req = rmq::RemotingCommand::request(rmq::code::register_broker);
    req.body = rmq::encode_register_broker_body(body, zlib);
    auto crc = crc32(0L, reinterpret_cast<const Bytef*>(req.body.data()), static_cast<uInt>(req.body.size())) &
               0x7FFFFFFFu;
    auto ha_port = m_cfg.get_int("haListenPort", m_cfg.port() + 1);
    const bool with_crc = m_dialect.register_header != rmq::RegisterHeaderForm::plain;
    req.set_ext("brokerId", std::to_string(m_cfg.broker_id()));
    if (with_crc)
        req.set_ext("bodyCrc32", std::to_string(crc));
    req.set_ext("clusterName", m_cfg.cluster());
    req.set_ext("brokerAddr", m_cfg.addr());
    if (m_dialect.register_header == rmq::RegisterHeaderForm::with_acting_master)
        req.set_ext("enableActingMaster", m_cfg.get_bool("enableSlaveActingMaster", false) ? "true" : "false");
    req.set_ext("haServerAddr", m_cfg.get("brokerIP2", m_cfg.ip()) + ":" + std::to_string(ha_port));
    if (with_crc)
        req.set_ext("compressed", header_says_compressed ? "true" : "false");
    req.set_ext("brokerName", m_cfg.broker_name());
    req.has_ext_fields = true;
    req.language = "JAVA";
    req.rpc_type_field = m_dialect.rpc_type_field;
    return req;
}

void Broker::register_all(RegisterMode mode, std::function<void()> done) {
    auto addrs = namesrv_addrs();
    if (addrs.empty() || m_opts.no_register || !m_client) {
        done();
        return;
    }
    auto req = build_register_request();
    if (mode == RegisterMode::oneway) {
        for (const auto& a : addrs)
            (void)m_client->oneway(a, req);
        done();
        return;
    }
    auto left = std::make_shared<std::size_t>(addrs.size());
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    for (const auto& a : addrs) {
        m_client->call_async(a, req, std::chrono::milliseconds(6000),
                             [this, alive = m_alive, left, finish](rmqup::Result<rmq::RemotingCommand> r) {
                                 asio::post(m_io, [this, alive, left, finish, r = std::move(r)] {
                                     if (!*alive)
                                         return;
                                     if (r.ok() && r->code == 0 && m_cfg.broker_id() != 0) {
                                         if (auto m = r->ext("masterAddr"); m && !m->empty())
                                             m_master_addr = *m;
                                     }
                                     if (--*left == 0)
                                         (*finish)();
                                 });
                             });
    }
}

void Broker::schedule_register() {
    // The real broker clamps registerNameServerPeriod to 10-60 s (operations fact 3,
    // BrokerController.start()); only the sim-only --register-interval-ms goes below, for tests.
    std::int64_t period = m_opts.register_interval_ms > 0
                              ? std::max<std::int64_t>(m_opts.register_interval_ms, 50)
                              : std::clamp<std::int64_t>(m_cfg.get_int("registerNameServerPeriod", 30000), 10000, 60000);
    m_register_timer.expires_after(std::chrono::milliseconds(period));
    m_register_timer.async_wait([this](boost::system::error_code ec) {
        if (ec || m_stopping)
            return;
        register_all(RegisterMode::request, [] {});
        schedule_register();
    });
}

void Broker::schedule_replication(std::int64_t delay_ms) {
    m_replicate_timer.expires_after(std::chrono::milliseconds(delay_ms));
    m_replicate_timer.async_wait([this](boost::system::error_code ec) {
        if (ec || m_stopping)
            return;
        replicate_once();
    });
}

void Broker::replicate_once() {
    if (!m_master_addr || !m_client) {
        schedule_replication(m_opts.replicate_interval_ms);
        return;
    }
    std::string master = *m_master_addr;
    // Topic configs follow the master every ~20 rounds (SlaveSynchronize does it every 60 s).
    if (m_replicate_rounds++ % 20 == 0) {
        auto treq = rmq::RemotingCommand::request(rmq::code::get_all_topic_config, {{"rmqsimReplica", "true"}});
        m_client->call_async(master, treq, std::chrono::milliseconds(3000),
                             [this, alive = m_alive](rmqup::Result<rmq::RemotingCommand> r) {
                                 asio::post(m_io, [this, alive, r = std::move(r)] {
                                     if (!*alive || !r.ok() || r->code != 0)
                                         return;
                                     auto t = rmq::decode_topic_config_table(r->body);
                                     if (t.ok() && m_topics->replace(*t))
                                         (void)m_topics->persist();
                                 });
                             });
    }
    auto req = rmq::RemotingCommand::request(k_code_sim_replicate);
    req.set_ext("offset", std::to_string(m_store->commit_log_max_offset()));
    m_client->call_async(master, req, std::chrono::milliseconds(3000),
                         [this, alive = m_alive](rmqup::Result<rmq::RemotingCommand> r) {
                             asio::post(m_io, [this, alive, r = std::move(r)] {
                                 if (!*alive || m_stopping)
                                     return;
                                 bool more = false;
                                 if (r.ok() && r->code == 0 && !r->body.empty() &&
                                     ext_int(*r, "fromOffset", -1) == m_store->commit_log_max_offset()) {
                                     auto st = m_store->append_raw(r->body);
                                     more = st.ok();
                                     // Wake pulls held on the slave.
                                     std::vector<std::pair<std::string, int>> keys;
                                     for (const auto& [k, v] : m_held)
                                         keys.push_back(k);
                                     for (const auto& k : keys)
                                         wake_held_pulls(k.first, k.second);
                                 }
                                 if (!r.ok())
                                     m_master_addr.reset();  // master gone: wait for the next registration
                                 schedule_replication(more ? 0 : m_opts.replicate_interval_ms);
                             });
                         });
}

void Broker::shutdown() {
    if (m_stopping)
        return;
    m_stopping = true;
    m_server.stop();
    m_register_timer.cancel();
    m_replicate_timer.cancel();
    m_persist_timer.cancel();
    for (auto& [k, list] : m_held)
        for (auto& h : list)
            h.timer->cancel();
    m_held.clear();
    if (!m_opts.no_register && m_client) {
        for (const auto& a : namesrv_addrs()) {
            auto req = rmq::RemotingCommand::request(rmq::code::unregister_broker);
            req.set_ext("brokerId", std::to_string(m_cfg.broker_id()));
            req.set_ext("clusterName", m_cfg.cluster());
            req.set_ext("brokerAddr", m_cfg.addr());
            req.set_ext("brokerName", m_cfg.broker_name());
            req.has_ext_fields = true;
            (void)m_client->call(a, req, std::chrono::milliseconds(3000));
        }
    }
    if (m_offsets)
        (void)m_offsets->persist();
    if (m_topics)
        (void)m_topics->persist();
    std::error_code ec;
    std::filesystem::remove(m_cfg.store_root() + "/abort", ec);
}

int run_broker(const BrokerOptions& opts) {
    if (opts.fail_start) {
        std::fprintf(stderr, "rmq-sim broker: failing at start (--fail-start)\n");
        return 1;
    }
    auto cfg = BrokerConfig::load(opts.config_path);
    if (!cfg.ok()) {
        std::fprintf(stderr, "rmq-sim broker: %s\n", cfg.error().describe().c_str());
        return 1;
    }
    if (opts.slow_start_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(opts.slow_start_ms));
    asio::io_context io;
    Broker broker(io, opts, std::move(cfg).value());
    auto st = broker.start();
    if (!st.ok()) {
        std::fprintf(stderr, "rmq-sim broker: %s\n", st.error().describe().c_str());
        return 1;
    }
    asio::steady_timer exit_timer(io);
    if (opts.exit_after_ms > 0) {
        exit_timer.expires_after(std::chrono::milliseconds(opts.exit_after_ms));
        exit_timer.async_wait([](boost::system::error_code ec) {
            if (!ec)
                std::_Exit(1);  // like a crash: no unregister, the abort marker stays
        });
    }
    asio::signal_set signals(io);
    add_shutdown_signals(signals);
    signals.async_wait([&](boost::system::error_code, int) {
        exit_timer.cancel();
        io.stop();
    });
    io.run();
    broker.shutdown();
    return 0;
}

}  // namespace rmqsim
