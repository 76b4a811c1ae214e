// Simulated NameServer: NameServerCore answers requests (no I/O, testable with fixture frames);
// run_namesrv wires it to a TCP server, the expiry scan and SIGTERM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "route_table.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/remoting/command.hpp"
#include "rmqup/remoting/dialect.hpp"

namespace rmqsim {

struct NamesrvOptions {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 9876;
    rmqup::RmqVersion version{4, 9, 7};
    std::int64_t broker_expiry_ms = 120000;  // BROKER_CHANNEL_EXPIRED_TIME
    std::int64_t delay_ms = 0;               // fault: delay every response
    std::int64_t exit_after_ms = 0;          // fault: crash-like exit after N ms
    std::string config_path;                 // -c file, for GET_NAMESRV_CONFIG
};

class NameServerCore {
public:
    explicit NameServerCore(rmqup::RmqVersion version) : m_version(version), m_dialect(rmqup::rmq::dialect_of(version)) {}
    // Answers one request; nothing when the real server sends no response (oneway, unknown code
    // before 5.x). Refuses what a NameServer of its version refuses (a 3.x one: every 4.x/5.x broker).
    std::optional<rmqup::rmq::RemotingCommand> handle(const rmqup::rmq::RemotingCommand& req,
                                                      std::uint64_t connection_id, std::int64_t now_ms);
    RouteTable& routes() { return m_routes; }
    void set_listen_port(std::uint16_t port) { m_listen_port = port; }

private:
    rmqup::rmq::RemotingCommand register_broker(const rmqup::rmq::RemotingCommand& req, std::uint64_t conn,
                                                std::int64_t now);
    std::optional<rmqup::rmq::RemotingCommand> answer(const rmqup::rmq::RemotingCommand& req, std::uint64_t conn,
                                                      std::int64_t now);
    rmqup::rmq::RemotingCommand route_reply(const rmqup::rmq::RemotingCommand& req) const;
    rmqup::RmqVersion m_version;
    rmqup::rmq::Dialect m_dialect;
    RouteTable m_routes;
    std::uint16_t m_listen_port = 9876;
};

// Parses namesrv.properties (listenPort, rmqsimListenAddress) into opts.
rmqup::Status load_namesrv_config(const std::string& path, NamesrvOptions& opts);
// Runs a NameServer until SIGTERM/SIGINT (or SIGHUP unless started ignoring it, as with nohup); returns the process exit code.
int run_namesrv(const NamesrvOptions& opts);

}  // namespace rmqsim
