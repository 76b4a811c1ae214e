// A snapshot of a RocketMQ cluster as `rmq-upgrade cluster` shows it: every NameServer's
// cluster info compared, then every broker's runtime info and configured permission, fetched
// concurrently over one RemotingClient.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rmqup/core/result.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup::net {

enum class BrokerState {
    ok,        // runtime info answered
    starting,  // runtime info not ready yet (broker booted < ~1 s ago)
    failed,    // unreachable, timeout, refused or undecodable: see BrokerRow::error
};

struct BrokerRow {
    std::string cluster;
    std::string broker_name;
    std::int64_t broker_id = 0;
    std::string addr;
    BrokerState state = BrokerState::failed;
    std::optional<rmq::RuntimeInfo> runtime;  // when state == ok
    std::optional<int> permission;            // brokerPermission from GET_BROKER_CONFIG
    std::optional<Error> error;               // runtime info error (not_ready when starting)
    std::optional<Error> config_error;        // GET_BROKER_CONFIG error, if any
};

struct NameServerView {
    std::string addr;
    std::optional<rmq::ClusterInfo> info;  // when it answered
    std::optional<Error> error;
};

struct ClusterView {
    std::vector<NameServerView> nameservers;  // in the order given
    std::vector<BrokerRow> brokers;           // union over NameServers, sorted by cluster, name, id
    std::vector<std::string> disagreements;   // e.g. "127.0.0.1:9877 lacks broker-b@1 (127.0.0.1:10921)"
};

// Queries every NameServer, then every broker they list, all concurrently; each request is
// bounded by `timeout`. Fails (unreachable/timeout) only when no NameServer answered.
Result<ClusterView> fetch_cluster_view(RemotingClient& client, const std::vector<std::string>& nameservers,
                                       std::chrono::milliseconds timeout);

// The disagreements between NameServers' cluster info, in words (empty when they agree).
std::vector<std::string> compare_nameservers(const std::vector<NameServerView>& views);

}  // namespace rmqup::net
