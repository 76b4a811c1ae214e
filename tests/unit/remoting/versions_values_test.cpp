// The captured replies of 3.2.6, 4.1.0, 4.6.0 and 5.3.3 decode into the values the servers meant,
// and the dialect table says what those captures showed.
#include <gtest/gtest.h>

#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/dialect.hpp"
#include "version_fixtures.hpp"

namespace rmqup::rmq {
namespace {

using test::version_frame;

const char* const k_326 = "rocketmq-3.2.6";
const char* const k_410 = "rocketmq-4.1.0";
const char* const k_460 = "rocketmq-4.6.0";
const char* const k_533 = "rocketmq-5.3.3";
const char* const k_mixed = "rocketmq-mixed-3.2.6-4.6.0";

int tbw102_perm(const char* folder, const std::string& rel) {
    auto route = decode_topic_route(version_frame(folder, rel).body);
    EXPECT_TRUE(route.ok()) << rel;
    return route.ok() && !route->queue_datas.empty() ? route->queue_datas[0].perm : -1;
}

TEST(Version326, HeadersHaveNoRpcTypeAndVersion79) {
    auto resp = version_frame(k_326, "clusterList__02_GET_BROKER_CLUSTER_INFO.response.bin");
    EXPECT_EQ(resp.version, 79);
    EXPECT_EQ(resp.rpc_type_field, RpcTypeField::absent);
    EXPECT_EQ(RmqVersion::from_ordinal(resp.version), (RmqVersion{3, 2, 6}));
    auto v4 = version_frame("rocketmq-4.9.7", "clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin");
    EXPECT_EQ(v4.rpc_type_field, RpcTypeField::written);
}

TEST(Version326, ClusterInfoTakesTheClusterFromClusterAddrTable) {
    auto info = decode_cluster_info(version_frame(k_326, "clusterList__02_GET_BROKER_CLUSTER_INFO.response.bin").body);
    ASSERT_TRUE(info.ok());
    const auto& b = info->broker_addr_table.at("broker-b");
    EXPECT_EQ(b.cluster, "DefaultCluster");
    EXPECT_EQ(b.broker_addrs.at(0), "127.0.0.1:20921");
    EXPECT_EQ(info->cluster_addr_table.at("DefaultCluster"), std::vector<std::string>{"broker-b"});
}

TEST(Version326, RouteUsesTopicSynFlagAndOnlyWipeMakesItReadOnly) {
    auto route = decode_topic_route(version_frame(k_326, "topicRoute__02_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin").body);
    ASSERT_TRUE(route.ok());
    EXPECT_EQ(route->broker_datas.at(0).cluster, "");  // 3.x route BrokerData carries no cluster
    EXPECT_EQ(route->queue_datas.at(0).read_queue_nums, 8);
    EXPECT_EQ(tbw102_perm(k_326, "permwait-route-perm4-at-once__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 7);
    EXPECT_EQ(tbw102_perm(k_326, "permwait-route-perm4-after-35s__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 7);
    EXPECT_EQ(tbw102_perm(k_326, "permwait-route-wipe-at-once__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 5);
    EXPECT_EQ(tbw102_perm(k_326, "permwait-route-wipe-after-35s__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 5);
    EXPECT_EQ(dialect_of({3, 2, 6}).perm_reach, PermReach::never);
}

TEST(Version326, AllTopicConfigWithTimestatmpDecodesAndReencodes) {
    auto resp = version_frame(k_326, "rawreq-allTopicConfig__01_GET_ALL_TOPIC_CONFIG.response.bin");
    auto table = decode_topic_config_table(resp.body);
    ASSERT_TRUE(table.ok()) << table.error().describe();
    EXPECT_EQ(table->data_version.counter, 2);
    EXPECT_EQ(table->data_version.timestamp, 1796083713726);
    EXPECT_EQ(table->data_version.key, TimestampKey::timestatmp);
    const auto& t = table->topic_config_table.at("RealRollTopic");
    EXPECT_EQ(t.perm, 6);
    EXPECT_EQ(t.read_queue_nums, 4);
    EXPECT_EQ(t.topic_filter_type, "SINGLE_TAG");
    EXPECT_FALSE(t.order);
    EXPECT_NE(encode_topic_config_table(*table).find("\"timestatmp\":1796083713726"), std::string::npos);
}

TEST(Version326, BrokerConfigAndRuntimeInfo) {
    auto cfg = version_frame(k_326, "x497-getBrokerConfig__01_GET_BROKER_CONFIG.response.bin");
    auto dv = decode_data_version(cfg.ext("version").value_or(""));
    ASSERT_TRUE(dv.ok());
    EXPECT_EQ(dv->counter, 2);
    EXPECT_EQ(encode_data_version(*dv), *cfg.ext("version"));
    auto props = parse_properties(cfg.body);
    auto find = [&](const std::string& k) {
        for (const auto& [key, v] : props)
            if (key == k)
                return v;
        return std::string("<none>");
    };
    EXPECT_EQ(find("brokerPermission"), "6");
    EXPECT_EQ(find("brokerName"), "broker-b");
    EXPECT_NE(find("mapedFileSizeCommitLog"), "<none>");
    EXPECT_EQ(find("aclEnable"), "<none>");

    auto rt = decode_runtime_info(version_frame(k_326, "brokerStatus__02_GET_BROKER_RUNTIME_INFO.response.bin").body);
    ASSERT_TRUE(rt.ok()) << rt.error().describe();
    EXPECT_EQ(rt->version_desc, "V3_2_6");
    EXPECT_EQ(rt->version, 79);
    EXPECT_EQ(rt->put_tps.s10, 0.0);
    EXPECT_EQ(rt->commit_log_min_offset, -1);
    EXPECT_EQ(rt->table.count("putLatency99"), 0u);
}

TEST(Version326, KvConfigMissIsAnErrorWithTheRemark) {
    auto resp = version_frame(k_326, "clusterList__01_GET_KV_CONFIG.response.bin");
    EXPECT_EQ(resp.code, rc::query_not_found);
    EXPECT_EQ(resp.remark.value_or(""), "No config item, Namespace: PROJECT_CONFIG Key: 192.0.2.2");
}

TEST(Version326, RegisterBodyHasPlainHeaderAndTimestatmp) {
    auto req = version_frame(k_326, "broker-register__01_REGISTER_BROKER.request.bin");
    EXPECT_FALSE(req.ext("bodyCrc32"));
    EXPECT_FALSE(req.ext("compressed"));
    auto body = decode_register_broker_body(req.body, false);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(body->topic_config_wrapper.data_version.key, TimestampKey::timestatmp);
    EXPECT_EQ(encode_register_broker_body(*body, false), req.body);
}

TEST(Version410, SnapshotVersionAndPermAtNextRegistration) {
    auto rt = decode_runtime_info(version_frame(k_410, "brokerStatus__02_GET_BROKER_RUNTIME_INFO.response.bin").body);
    ASSERT_TRUE(rt.ok());
    EXPECT_EQ(rt->version_desc, "V4_1_0_SNAPSHOT");
    EXPECT_EQ(rt->version, 232);
    EXPECT_EQ(RmqVersion::from_ordinal(232)->desc(), "V4_1_0_SNAPSHOT");
    EXPECT_EQ(tbw102_perm(k_410, "permwait-route-perm4-at-once__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 7);
    EXPECT_EQ(tbw102_perm(k_410, "permwait-route-perm4-after-35s__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 4);
    EXPECT_EQ(dialect_of({4, 1, 0}).perm_reach, PermReach::next_registration);
    auto reg = version_frame(k_410, "broker-register__01_REGISTER_BROKER.request.bin");
    EXPECT_EQ(reg.version, 232);
    EXPECT_FALSE(reg.ext("bodyCrc32"));
    EXPECT_EQ(dialect_of({4, 1, 0}).register_header, RegisterHeaderForm::plain);
}

TEST(Version460, PermIsImmediateAndRouteIsFastjson) {
    EXPECT_EQ(tbw102_perm(k_460, "topicRoute-after-perm4__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"), 4);
    auto rt = decode_runtime_info(version_frame(k_460, "brokerStatus__01_GET_BROKER_RUNTIME_INFO.response.bin").body);
    ASSERT_TRUE(rt.ok());
    EXPECT_EQ(rt->version, 333);
    EXPECT_EQ(rt->version_desc, "V4_6_0");
    auto d = dialect_of({4, 6, 0});
    EXPECT_EQ(d.perm_reach, PermReach::immediate);
    EXPECT_EQ(d.route_json, RouteJsonRule::always_fastjson);
    EXPECT_EQ(d.queue_flag, QueueFlagName::topic_syn_flag);
}

TEST(Version533, RenamedTpsKeyActingMasterAndStateVersion) {
    auto rt = decode_runtime_info(version_frame(k_533, "brokerStatus__01_GET_BROKER_RUNTIME_INFO.response.bin").body);
    ASSERT_TRUE(rt.ok());
    EXPECT_EQ(rt->table.count("getTransferedTps"), 0u);
    EXPECT_EQ(rt->table.count("getTransferredTps"), 1u);
    EXPECT_TRUE(rt->get_transferred_tps.s10.has_value());
    EXPECT_EQ(rt->version, 479);
    auto info = decode_cluster_info(version_frame(k_533, "clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin").body);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->broker_addr_table.at("broker-d").enable_acting_master, false);
    auto cfg = version_frame(k_533, "getBrokerConfig__01_GET_BROKER_CONFIG.response.bin");
    auto dv = decode_data_version(cfg.ext("version").value_or(""));
    ASSERT_TRUE(dv.ok());
    EXPECT_TRUE(dv->state_version.has_value());
}

TEST(Version533, UnknownCodeAndCompressedRegisterBug) {
    auto unknown = version_frame(k_533, "unknownCode-ns__01_CODE_9999.response.bin");
    EXPECT_EQ(unknown.code, rc::request_code_not_supported);
    EXPECT_EQ(unknown.remark.value_or(""), " request type 9999 not supported");
    auto req = version_frame(k_533, "broker-register-compressedRegister-true__01_REGISTER_BROKER.request.bin");
    EXPECT_EQ(req.ext("compressed").value_or(""), "false");
    EXPECT_EQ(sniff_register_body(req.body), RegisterBodyEncoding::zlib);
    auto body = decode_register_broker_body(req.body, true);
    ASSERT_TRUE(body.ok()) << body.error().describe();
    const auto& tbw = body->topic_config_wrapper.topic_config_table.at("TBW102");
    EXPECT_EQ(tbw.perm, 7);
    EXPECT_TRUE(tbw.attributes.has_value());
    EXPECT_TRUE(body->topic_config_wrapper.data_version.state_version.has_value());
    auto resp = version_frame(k_533, "broker-register-compressedRegister-true__01_REGISTER_BROKER.response.bin");
    EXPECT_EQ(resp.code, rc::system_error);
    EXPECT_NE(resp.remark.value_or("").find("\"registerBrokerBody\" is null"), std::string::npos);
    EXPECT_EQ(dialect_of({5, 3, 3}).compressed_flag, CompressedFlag::always_false);
}

TEST(VersionMixed, A326NameServerRefusesEvery4xBroker) {
    auto refused = version_frame(k_mixed, "register-4.6.0-broker-to-3.2.6-ns__01_REGISTER_BROKER.response.bin");
    EXPECT_EQ(refused.code, rc::system_error);
    EXPECT_EQ(refused.remark.value_or(""),
              "java.lang.ArrayIndexOutOfBoundsException: Index 333 out of bounds for length 140, "
              "com.alibaba.rocketmq.common.MQVersion.value2Version(MQVersion.java:41)");
    auto accepted = version_frame(k_mixed, "register-3.2.6-broker-to-4.6.0-ns__01_REGISTER_BROKER.response.bin");
    EXPECT_EQ(accepted.code, rc::success);
    EXPECT_FALSE(namesrv_accepts_broker({3, 2, 6}, {4, 6, 0}));
    EXPECT_FALSE(namesrv_accepts_broker({3, 2, 6}, {5, 3, 3}));
    EXPECT_TRUE(namesrv_accepts_broker({3, 2, 6}, {3, 2, 6}));
    EXPECT_TRUE(namesrv_accepts_broker({4, 6, 0}, {3, 2, 6}));
    EXPECT_TRUE(namesrv_accepts_broker({4, 1, 0}, {3, 2, 6}));
    auto probe139 = version_frame(k_mixed, "ns326-register-probe-v139__01_REGISTER_BROKER.response.bin");
    auto probe140 = version_frame(k_mixed, "ns326-register-probe-v140__01_REGISTER_BROKER.response.bin");
    EXPECT_EQ(probe140.code, rc::system_error);
    EXPECT_NE(probe140.remark.value_or("").find("Index 140 out of bounds"), std::string::npos);
    EXPECT_EQ(probe139.remark.value_or("").find("ArrayIndexOutOfBounds"), std::string::npos);
}

TEST(Dialect, ClientsSendJsonToEveryVersion) {
    // 3.x closes the connection on a binary header; every request builder writes JSON.
    EXPECT_EQ(dialect_of({3, 2, 6}).binary_requests, BinaryRequests::connection_closed);
    RemotingCommand req = RemotingCommand::request(code::get_broker_cluster_info);
    EXPECT_EQ(req.serialize_type, SerializeType::json);
}

}  // namespace
}  // namespace rmqup::rmq
