// The release boundaries of dialect_of (sources in docs/versions.md section 4).
#include <gtest/gtest.h>

#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/dialect.hpp"

namespace rmqup::rmq {
namespace {

TEST(Dialect, BoundariesBetweenReleases) {
    EXPECT_EQ(dialect_of({4, 2, 0}).perm_reach, PermReach::next_registration);
    EXPECT_EQ(dialect_of({4, 3, 0}).perm_reach, PermReach::immediate);
    EXPECT_EQ(dialect_of({4, 2, 0}).register_header, RegisterHeaderForm::plain);
    EXPECT_EQ(dialect_of({4, 3, 0}).register_header, RegisterHeaderForm::with_crc32);
    EXPECT_EQ(dialect_of({4, 4, 0}).admin_channel, AdminChannel::vip);
    EXPECT_EQ(dialect_of({4, 5, 1}).admin_channel, AdminChannel::main);
    EXPECT_EQ(dialect_of({4, 8, 0}).queue_flag, QueueFlagName::topic_syn_flag);
    EXPECT_EQ(dialect_of({4, 9, 0}).queue_flag, QueueFlagName::topic_sys_flag);
    EXPECT_EQ(dialect_of({4, 9, 0}).broker_unknown_code, UnknownCodeReply::none);
    EXPECT_EQ(dialect_of({4, 9, 1}).broker_unknown_code, UnknownCodeReply::not_supported);
    EXPECT_FALSE(dialect_of({4, 9, 1}).has_add_write_perm);
    EXPECT_TRUE(dialect_of({4, 9, 2}).has_add_write_perm);
    EXPECT_EQ(dialect_of({4, 9, 3}).route_json, RouteJsonRule::always_fastjson);
    EXPECT_EQ(dialect_of({4, 9, 4}).route_json, RouteJsonRule::standard_on_request);
    EXPECT_EQ(dialect_of({4, 9, 7}).namesrv_unknown_code, UnknownCodeReply::none);
    EXPECT_EQ(dialect_of({5, 0, 0}).namesrv_unknown_code, UnknownCodeReply::not_supported);
    EXPECT_EQ(dialect_of({4, 9, 7}).transferred_tps_key, TransferredTpsKey::transfered);
    EXPECT_EQ(dialect_of({5, 0, 0}).transferred_tps_key, TransferredTpsKey::transferred);
    EXPECT_EQ(dialect_of({5, 0, 0}).data_version, DataVersionForm::with_state_version);
    EXPECT_EQ(dialect_of({4, 1, 0}).ordinal, 232);
}

TEST(Dialect, Only3xDiffersInHeadersAndRegistrationLimit) {
    auto d3 = dialect_of({3, 2, 6});
    EXPECT_EQ(d3.rpc_type_field, RpcTypeField::absent);
    EXPECT_EQ(d3.binary_requests, BinaryRequests::connection_closed);
    EXPECT_EQ(d3.register_ordinal_limit, 140);
    EXPECT_EQ(d3.broker_cluster_field, BrokerClusterField::absent);
    EXPECT_EQ(d3.data_version, DataVersionForm::timestatmp);
    for (RmqVersion v : {RmqVersion{4, 0, 0}, RmqVersion{4, 9, 7}, RmqVersion{5, 3, 3}}) {
        auto d = dialect_of(v);
        EXPECT_EQ(d.rpc_type_field, RpcTypeField::written);
        EXPECT_FALSE(d.register_ordinal_limit);
        EXPECT_EQ(body_form(d).broker_cluster, BrokerClusterField::present);
    }
    EXPECT_EQ(body_form(d3).queue_flag, QueueFlagName::topic_syn_flag);
}

}  // namespace
}  // namespace rmqup::rmq
