// What differs on the wire between RocketMQ releases: header form, body spellings, replies to
// unknown codes, what a NameServer accepts, how brokerPermission reaches the routes. Facts from the
// captured servers (tests/data/fixtures/rocketmq-<version>/FINDINGS.md) and the tags' sources;
// docs/versions.md gives every row its source. Pure data, no I/O.
#pragma once

#include <optional>

#include "rmqup/core/version.hpp"
#include "rmqup/remoting/command.hpp"  // RpcTypeField

namespace rmqup::rmq {

// A request with the ROCKETMQ binary header: 3.x closes the connection without a reply.
enum class BinaryRequests { answered, connection_closed };
// A request code the server does not know: no reply at all (the caller times out), or code 3.
enum class UnknownCodeReply { none, not_supported };
// BrokerData `cluster` (3.x: absent; clusterAddrTable is the authority).
enum class BrokerClusterField { absent, present };
// BrokerData `enableActingMaster` (5.x).
enum class ActingMasterField { absent, present };
// QueueData flag spelling: `topicSynFlag` before 4.9.0, `topicSysFlag` from 4.9.0.
enum class QueueFlagName { topic_syn_flag, topic_sys_flag };
// DataVersion: 3.x `{"counter","timestatmp"}` (sic), 4.x `{"counter","timestamp"}`, 5.x + `stateVersion`.
enum class DataVersionForm { timestatmp, timestamp, with_state_version };
// GET_ROUTEINFO_BY_TOPIC body: always fastjson `{0:..}` (NameServers before 4.9.4), or standard JSON
// when the request's version >= 401 or it carries acceptStandardJsonOnly=true.
enum class RouteJsonRule { always_fastjson, standard_on_request };
// REGISTER_BROKER ext fields: 3.x-4.2 plain; from 4.3.0 + bodyCrc32/compressed; 5.x + enableActingMaster.
enum class RegisterHeaderForm { plain, with_crc32, with_acting_master };
// REGISTER_BROKER ext `compressed` of a broker with compressedRegister=true: the truth (4.3-4.9), or
// always "false" while the body is zlib-compressed (5.x BrokerOuterAPI.registerBroker: every
// registration then fails on a NameServer that trusts the header).
enum class CompressedFlag { truthful, always_false };
// Runtime-info key of the transfer TPS: 4.x `getTransferedTps` (sic), 5.x `getTransferredTps`.
enum class TransferredTpsKey { transfered, transferred };
// How UPDATE_BROKER_CONFIG brokerPermission reaches the NameServer routes: never (3.x: only
// WIPE_WRITE_PERM_OF_BROKER on each NameServer does), at the broker's next periodic registration
// (4.0-4.2: it re-registers before bumping its DataVersion), or at once (4.3.0+).
enum class PermReach { never, next_registration, immediate };
// Channel the release's own admin tools use by default: the main port, or the VIP port
// (listenPort - 2) through 4.4.0 (3.x brokers do not open it).
enum class AdminChannel { main, vip };

struct Dialect {
    RmqVersion version;
    int ordinal = 0;  // header `version` its servers send
    RpcTypeField rpc_type_field = RpcTypeField::written;
    BinaryRequests binary_requests = BinaryRequests::answered;
    UnknownCodeReply broker_unknown_code = UnknownCodeReply::not_supported;
    UnknownCodeReply namesrv_unknown_code = UnknownCodeReply::none;
    BrokerClusterField broker_cluster_field = BrokerClusterField::present;
    ActingMasterField acting_master_field = ActingMasterField::absent;
    QueueFlagName queue_flag = QueueFlagName::topic_sys_flag;
    DataVersionForm data_version = DataVersionForm::timestamp;
    RouteJsonRule route_json = RouteJsonRule::standard_on_request;
    RegisterHeaderForm register_header = RegisterHeaderForm::with_crc32;
    CompressedFlag compressed_flag = CompressedFlag::truthful;
    TransferredTpsKey transferred_tps_key = TransferredTpsKey::transfered;
    PermReach perm_reach = PermReach::immediate;
    AdminChannel admin_channel = AdminChannel::main;
    // A NameServer of this release answers REGISTER_BROKER with SYSTEM_ERROR when the broker's header
    // version is >= this (3.x: 140, the length of its MQVersion enum); nothing: any version accepted.
    std::optional<int> register_ordinal_limit;
    // ADD_WRITE_PERM_OF_BROKER (327) exists on the NameServer (4.9.2+).
    bool has_add_write_perm = true;
};

// The dialect of a release (3.x, 4.0-4.9, 5.x); later releases inherit the newest known rules.
Dialect dialect_of(const RmqVersion& version);

// Whether a NameServer of `namesrv` accepts REGISTER_BROKER from a broker of `broker`.
bool namesrv_accepts_broker(const RmqVersion& namesrv, const RmqVersion& broker);

}  // namespace rmqup::rmq
