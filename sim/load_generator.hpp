// Load generator: a producer and a consumer that behave like real RocketMQ clients during a roll
// (route refresh, writable master queues only, retry on another broker, heartbeats, pulls from
// every readable queue, from a slave while the master is down, offset commits), counting what was
// sent, acknowledged, failed, received, duplicated and LOST (acknowledged, never received).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"

namespace rmqsim {

struct LoadOptions {
    std::vector<std::string> namesrv_addrs;  // "ip:port" each
    std::string topic = "RmqSimLoadTopic";
    std::string consumer_group = "rmq_sim_load_consumer";
    std::string producer_group = "rmq_sim_load_producer";
    double rate = 200;                    // messages per second; 0 = as fast as max_inflight allows
    std::int64_t duration_ms = 10000;
    std::int64_t route_refresh_ms = 30000;
    std::int64_t heartbeat_ms = 30000;
    std::int64_t drain_ms = 15000;        // grace period after the last send for receiving
    std::int64_t send_timeout_ms = 3000;
    int body_size = 1024;
    int max_inflight = 2000;
    int retries = 2;                      // retryTimesWhenSendFailed
    bool consume = true;                  // false: producer only (benchmarks)
    std::string access_key;               // ACL: sign every request when set
    std::string secret_key;               // never printed
    int client_version = 407;             // header `version` (MQVersion ordinal) the client sends
    std::string client_language = "JAVA"; // header `language`
};

struct LoadReport {
    std::int64_t sent = 0;        // distinct messages the producer tried to send
    std::int64_t acked = 0;       // SEND_OK received
    std::int64_t failed = 0;      // gave up after retries
    std::int64_t received = 0;    // distinct messages of this run consumed
    std::int64_t duplicates = 0;  // deliveries of an already received message
    std::int64_t lost = 0;        // acknowledged but never received
    std::int64_t retries = 0;     // extra send attempts
    std::int64_t route_refreshes = 0;
    std::int64_t pull_errors = 0;
    std::int64_t elapsed_ms = 0;
    double send_tps = 0;          // acked per second of the send phase
    std::map<std::string, std::int64_t> acked_by_broker;
    std::map<std::string, std::int64_t> failures_by_reason;
    std::map<std::string, std::int64_t> failures_by_broker;  // brokerName (or "(no broker)") -> failed sends
};

// Runs the load to completion (duration + drain). Errors: no NameServer answered at all.
rmqup::Result<LoadReport> run_load(const LoadOptions& opts);
// The human summary.
std::string format_report(const LoadReport& r);
// One JSON object: sent, acked, failed, received, duplicates, lost, retries, elapsed_ms, ...
std::string format_report_json(const LoadReport& r);

}  // namespace rmqsim
