// Release boundaries (sources in docs/versions.md): 3.x from the 3.2.6 captures; 4.3.0 bodyCrc32 and
// the DataVersion bump before re-registering; 4.5.x mqadmin off the VIP channel; 4.9.0 topicSysFlag;
// 4.9.1 broker answers unknown codes; 4.9.2 ADD_WRITE_PERM_OF_BROKER; 4.9.4 standard route JSON;
// 5.0.0 stateVersion, enableActingMaster, getTransferredTps, NameServer code 3, compressed=false.
#include "rmqup/remoting/dialect.hpp"

namespace rmqup::rmq {

namespace {

// MQVersion enum length of 3.x servers: value2Version(version) throws for anything above V3_5_9.
constexpr int k_v3_enum_length = 140;

Dialect dialect_3x(Dialect d) {
    d.rpc_type_field = RpcTypeField::absent;
    d.binary_requests = BinaryRequests::connection_closed;
    d.broker_unknown_code = UnknownCodeReply::none;
    d.namesrv_unknown_code = UnknownCodeReply::none;
    d.broker_cluster_field = BrokerClusterField::absent;
    d.queue_flag = QueueFlagName::topic_syn_flag;
    d.data_version = DataVersionForm::timestatmp;
    d.route_json = RouteJsonRule::always_fastjson;
    d.register_header = RegisterHeaderForm::plain;
    d.perm_reach = PermReach::never;
    d.admin_channel = AdminChannel::main;
    d.register_ordinal_limit = k_v3_enum_length;
    d.has_add_write_perm = false;
    return d;
}

Dialect dialect_4x(Dialect d) {
    const RmqVersion& v = d.version;
    if (v < RmqVersion{4, 3, 0}) {
        d.register_header = RegisterHeaderForm::plain;
        d.perm_reach = PermReach::next_registration;
    }
    if (v < RmqVersion{4, 5, 0})
        d.admin_channel = AdminChannel::vip;
    if (v < RmqVersion{4, 9, 0})
        d.queue_flag = QueueFlagName::topic_syn_flag;
    if (v < RmqVersion{4, 9, 1})
        d.broker_unknown_code = UnknownCodeReply::none;
    if (v < RmqVersion{4, 9, 2})
        d.has_add_write_perm = false;
    if (v < RmqVersion{4, 9, 4})
        d.route_json = RouteJsonRule::always_fastjson;
    return d;
}

Dialect dialect_5x(Dialect d) {
    d.namesrv_unknown_code = UnknownCodeReply::not_supported;
    d.acting_master_field = ActingMasterField::present;
    d.data_version = DataVersionForm::with_state_version;
    d.register_header = RegisterHeaderForm::with_acting_master;
    d.compressed_flag = CompressedFlag::always_false;
    d.transferred_tps_key = TransferredTpsKey::transferred;
    return d;
}

}  // namespace

Dialect dialect_of(const RmqVersion& version) {
    Dialect d;
    d.version = version;
    d.ordinal = version.ordinal().value_or(version.major <= 3 ? 79 : version.major == 4 ? 407 : 479);
    if (version.major <= 3)
        return dialect_3x(d);
    if (version.major == 4)
        return dialect_4x(d);
    return dialect_5x(d);
}

bool namesrv_accepts_broker(const RmqVersion& namesrv, const RmqVersion& broker) {
    auto limit = dialect_of(namesrv).register_ordinal_limit;
    return !limit || dialect_of(broker).ordinal < *limit;
}

}  // namespace rmqup::rmq
