// Simulated broker: serves the admin and data-path requests of a real broker on one Asio thread,
// registers with every NameServer, persists its store, replicates from the master when a slave.
#pragma once

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange
#include <boost/asio.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker_config.hpp"
#include "broker_metadata.hpp"
#include "client_registry.hpp"
#include "message_store.hpp"
#include "plain_acl.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/dialect.hpp"
#include "tcp_server.hpp"
#include "tps_window.hpp"

namespace rmqsim {

// Sim-private request code: a slave asks its master for commit-log bytes from ext `offset`
// (reply body = whole records, ext `maxOffset`). Codes >= 30000 are unused by RocketMQ.
inline constexpr int k_code_sim_replicate = 30001;
// GET_CONSUMER_LIST_BY_GROUP: a Java push consumer's rebalance needs it.
inline constexpr int k_code_get_consumer_list_by_group = 38;

struct BrokerOptions {
    std::string config_path;
    rmqup::RmqVersion version{4, 9, 7};
    std::int64_t register_interval_ms = 0;     // 0: registerNameServerPeriod from the config (30000)
    std::int64_t runtime_info_error_ms = 900;  // SYSTEM_ERROR on runtime info right after start; 0 disables
    std::int64_t slow_start_ms = 0;            // fault: wait before binding
    bool fail_start = false;                   // fault: exit 1 at once
    std::int64_t exit_after_ms = 0;            // fault: crash-like exit (no unregister) after N ms
    bool no_register = false;                  // fault: never register with NameServers
    std::int64_t delay_ms = 0;                 // fault: delay every response
    std::int64_t replicate_interval_ms = 100;  // slave: poll period when caught up
};

class Broker {
public:
    Broker(boost::asio::io_context& io, BrokerOptions opts, BrokerConfig cfg);
    ~Broker();
    // Opens the store, writes the abort marker, listens and registers. Errors are fatal.
    rmqup::Status start();
    // Clean stop: close the server, UNREGISTER_BROKER to each NameServer, persist, drop the marker.
    void shutdown();
    std::uint16_t port() const { return m_server.port(); }

private:
    using Cmd = rmqup::rmq::RemotingCommand;
    struct HeldPull {
        ConnectionPtr conn;
        Cmd req;
        std::shared_ptr<boost::asio::steady_timer> timer;
    };

    void on_request(const ConnectionPtr& c, Cmd req);
    void send_reply(const ConnectionPtr& c, Cmd reply);
    Cmd reply(const Cmd& req, int code, std::optional<std::string> remark = {}) const;
    // Synchronous handlers return the reply; nothing means the handler replies later (or never).
    std::optional<Cmd> handle(const ConnectionPtr& c, const Cmd& req);
    // Client management (heartbeat, connections, consumer lists) and unknown codes.
    std::optional<Cmd> handle_client_request(const ConnectionPtr& c, const Cmd& req);

    std::optional<Cmd> on_send(const ConnectionPtr& c, const Cmd& req);
    std::optional<Cmd> on_pull(const ConnectionPtr& c, const Cmd& req, bool allow_hold);
    Cmd on_update_broker_config(const ConnectionPtr& c, const Cmd& req, bool& deferred);
    Cmd on_runtime_info(const Cmd& req);
    Cmd on_get_broker_config(const Cmd& req);
    Cmd on_update_topic(const Cmd& req);
    Cmd on_topic_stats(const Cmd& req);
    Cmd on_consume_stats(const Cmd& req);
    Cmd on_query_offset(const Cmd& req);
    Cmd on_queue_offset(const Cmd& req);  // GET_MAX_OFFSET, GET_MIN_OFFSET
    Cmd on_heartbeat(const ConnectionPtr& c, const Cmd& req);
    Cmd on_replicate(const Cmd& req);  // the simulator's own slave replication
    void wake_held_pulls(const std::string& topic, int queue_id);
    rmqup::rmq::TopicConfig auto_create_topic(const std::string& topic, int queue_nums);

    // Registration with every NameServer; done runs on the io thread after all answered.
    enum class RegisterMode { request, oneway };
    void register_all(RegisterMode mode, std::function<void()> done);
    Cmd build_register_request() const;
    // The topic table as this version writes it (3.x `timestatmp`, 5.x stateVersion and attributes).
    rmqup::rmq::TopicConfigTable wire_topics() const;
    // The broker-config DataVersion (GET_BROKER_CONFIG ext `version`) in this version's form.
    std::string config_data_version() const;
    void schedule_register();
    void schedule_replication(std::int64_t delay_ms);
    void replicate_once();
    std::vector<std::string> namesrv_addrs() const;

    boost::asio::io_context& m_io;
    BrokerOptions m_opts;
    rmqup::rmq::Dialect m_dialect;
    BrokerConfig m_cfg;
    TcpServer m_server;
    std::unique_ptr<MessageStore> m_store;
    std::optional<TopicTable> m_topics;
    std::optional<OffsetTable> m_offsets;
    std::optional<PlainAcl> m_acl;
    ClientRegistry m_clients;
    std::unique_ptr<rmqup::net::RemotingClient> m_client;
    std::int64_t m_boot_ms = 0;
    std::int64_t m_config_version_counter = 1;
    std::int64_t m_config_version_ts = 0;
    TpsWindow m_put_tps;
    TpsWindow m_get_found_tps;
    TpsWindow m_get_miss_tps;
    TpsWindow m_get_transferred_tps;
    std::int64_t m_put_size_total = 0;
    std::optional<std::string> m_master_addr;
    bool m_replicating = false;
    bool m_stopping = false;
    int m_replicate_rounds = 0;
    boost::asio::steady_timer m_register_timer;
    boost::asio::steady_timer m_replicate_timer;
    boost::asio::steady_timer m_persist_timer;
    std::map<std::pair<std::string, int>, std::vector<HeldPull>> m_held;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

// Runs a broker until SIGTERM/SIGINT (or SIGHUP unless started ignoring it, as with nohup); returns the process exit code.
int run_broker(const BrokerOptions& opts);

}  // namespace rmqsim
