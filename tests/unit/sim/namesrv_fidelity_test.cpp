// The simulated NameServer's answers compared with a real 4.9.7 NameServer's frames, byte for byte
// where the real output is deterministic.
#include <gtest/gtest.h>

#include <set>

#include "fixture_frames.hpp"
#include "namesrv.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqsim {
namespace {

namespace rmq = rmqup::rmq;
using test::fixture_bytes;
using test::fixture_frame;

constexpr std::int64_t k_now = 1795260400000;

// broker-a's registration, made from broker-b's real one (same topics, broker-a's own topic, and
// later in the capture CapTopic, which updateTopic__02 created on broker-a).
enum class CapTopic { absent, present };
rmq::RemotingCommand broker_a_registration(CapTopic cap = CapTopic::present) {
    auto req = fixture_frame("broker-register__14_REGISTER_BROKER.request.bin");
    auto body = rmq::decode_register_broker_body(req.body, false).value();
    auto& table = body.topic_config_wrapper.topic_config_table;
    auto own = table.at("broker-b");
    table.erase("broker-b");
    own.topic_name = "broker-a";
    table["broker-a"] = own;
    if (cap == CapTopic::present)
        table["CapTopic"] = rmq::TopicConfig{"CapTopic", 2, 2, 6, "SINGLE_TAG", 0, false, {}};
    req.body = rmq::encode_register_broker_body(body, false);
    req.set_ext("bodyCrc32", "0");
    req.set_ext("brokerName", "broker-a");
    req.set_ext("brokerAddr", "127.0.0.1:10911");
    return req;
}

class NamesrvFidelity : public ::testing::Test {
protected:
    void register_both(CapTopic cap = CapTopic::present) {
        ASSERT_TRUE(core.handle(fixture_frame("broker-register__14_REGISTER_BROKER.request.bin"), 1, k_now));
        ASSERT_TRUE(core.handle(broker_a_registration(cap), 2, k_now));
    }
    std::string answer(const std::string& request_fixture) {
        auto r = core.handle(fixture_frame(request_fixture), 9, k_now);
        return r ? rmq::encode_frame(*r) : std::string();
    }
    NameServerCore core{rmqup::RmqVersion{4, 9, 7}};
};

TEST_F(NamesrvFidelity, RegisterAndUnregisterRepliesAreByteIdentical) {
    EXPECT_EQ(answer("broker-register__01_REGISTER_BROKER.request.bin"),
              fixture_bytes("broker-register__01_REGISTER_BROKER.response.bin"));
    EXPECT_EQ(answer("broker-register__08_UNREGISTER_BROKER.request.bin"),
              fixture_bytes("broker-register__08_UNREGISTER_BROKER.response.bin"));
}

TEST_F(NamesrvFidelity, OnewayRegistrationGetsNoReply) {
    auto req = fixture_frame("broker-register__02_REGISTER_BROKER.request.bin");
    ASSERT_TRUE(req.is_oneway());
    EXPECT_FALSE(core.handle(req, 1, k_now).has_value());
    EXPECT_TRUE(core.routes().route("TestTopic").has_value());
}

TEST_F(NamesrvFidelity, ClusterInfoIsByteIdentical) {
    register_both();
    EXPECT_EQ(answer("clusterList__01_GET_BROKER_CLUSTER_INFO.request.bin"),
              fixture_bytes("clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin"));
}

TEST_F(NamesrvFidelity, RouteLegacyOrStandardJsonChosenLikeTheRealOne) {
    register_both();
    for (const char* name : {"routeinfo-v373-raw__01_GET_ROUTEINFO_BY_TOPIC_TestTopic",
                             "routeinfo-v373-acceptStandardJsonOnly__01_GET_ROUTEINFO_BY_TOPIC_TestTopic",
                             "routeinfo-v407-raw-unsigned__01_GET_ROUTEINFO_BY_TOPIC_TestTopic",
                             "topicRoute__02_GET_ROUTEINFO_BY_TOPIC_TestTopic"}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(answer(std::string(name) + ".request.bin"), fixture_bytes(std::string(name) + ".response.bin"));
    }
}

TEST_F(NamesrvFidelity, MissingTopicIsCode17WithTheRealRemark) {
    register_both();
    EXPECT_EQ(answer("topicRoute-missing__02_GET_ROUTEINFO_BY_TOPIC_NoSuchTopic_xyz.request.bin"),
              fixture_bytes("topicRoute-missing__02_GET_ROUTEINFO_BY_TOPIC_NoSuchTopic_xyz.response.bin"));
}

TEST_F(NamesrvFidelity, TopicListHasTheSameTopics) {
    register_both(CapTopic::absent);  // the list was captured before CapTopic was created
    auto ours = core.handle(fixture_frame("topicList__02_GET_ALL_TOPIC_LIST_FROM_NAMESERVER.request.bin"), 9, k_now);
    ASSERT_TRUE(ours);
    auto real = fixture_frame("topicList__02_GET_ALL_TOPIC_LIST_FROM_NAMESERVER.response.bin");
    auto a = rmq::decode_topic_list(ours->body).value().topics;
    auto b = rmq::decode_topic_list(real.body).value().topics;
    EXPECT_EQ(std::set<std::string>(a.begin(), a.end()), std::set<std::string>(b.begin(), b.end()));
    EXPECT_EQ(ours->code, real.code);
}

TEST_F(NamesrvFidelity, WipeCountsTopicsAndRouteMatchesTheRealOneAfterwards) {
    register_both();
    auto wipe = core.handle(fixture_frame("wipeWritePerm__02_WIPE_WRITE_PERM_OF_BROKER.request.bin"), 9, k_now);
    ASSERT_TRUE(wipe);
    auto real = fixture_frame("wipeWritePerm__02_WIPE_WRITE_PERM_OF_BROKER.response.bin");
    EXPECT_EQ(wipe->ext("wipeTopicCount"), real.ext("wipeTopicCount"));
    EXPECT_EQ(rmq::encode_frame(*wipe), rmq::encode_frame(real));
    EXPECT_EQ(answer("topicRoute-after-wipe__01_GET_ROUTEINFO_BY_TOPIC_TBW102.request.bin"),
              fixture_bytes("topicRoute-after-wipe__01_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"));
    // Periodic re-registration with an unchanged DataVersion keeps the wipe, as in 4.9.7.
    ASSERT_TRUE(core.handle(broker_a_registration(), 2, k_now + 30000));
    auto route = core.routes().route("TBW102").value();
    EXPECT_EQ(route.queue_datas.at(1).perm, 5);
}

TEST_F(NamesrvFidelity, AddWritePermSetsRWAndCounts) {
    register_both();
    core.handle(fixture_frame("wipeWritePerm__02_WIPE_WRITE_PERM_OF_BROKER.request.bin"), 9, k_now);
    auto add = core.handle(fixture_frame("addWritePerm__01_ADD_WRITE_PERM_OF_BROKER.request.bin"), 9, k_now);
    ASSERT_TRUE(add);
    auto real = fixture_frame("addWritePerm__01_ADD_WRITE_PERM_OF_BROKER.response.bin");
    EXPECT_EQ(add->code, real.code);
    EXPECT_EQ(add->ext("addTopicCount"), real.ext("addTopicCount"));
    auto route = core.routes().route("TBW102");
    ASSERT_TRUE(route);
    for (const auto& q : route->queue_datas) {
        if (q.broker_name == "broker-a") {
            EXPECT_EQ(q.perm, 6);  // not restoring 7
        }
    }
}

TEST_F(NamesrvFidelity, UnknownCodeGetsNoResponseOn4xAndCode3On5x) {
    auto req = fixture_frame("unknownCode-ns__01_CODE_9999.request.bin");
    EXPECT_FALSE(core.handle(req, 9, k_now).has_value());
    NameServerCore v5{rmqup::RmqVersion{5, 3, 3}};
    auto r = v5.handle(req, 9, k_now);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 3);
    EXPECT_EQ(r->remark.value_or(""), " request type 9999 not supported");
}

TEST_F(NamesrvFidelity, CrcMismatchIsRefused) {
    auto req = fixture_frame("broker-register__01_REGISTER_BROKER.request.bin");
    req.set_ext("bodyCrc32", "12345");
    auto r = core.handle(req, 1, k_now);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 1);
    EXPECT_EQ(r->remark.value_or(""), "crc32 not match");
    EXPECT_FALSE(core.routes().route("TestTopic").has_value());
}

TEST(RouteTable, BrokerDroppedWhenItsConnectionClosesOrItExpires) {
    NameServerCore core{rmqup::RmqVersion{4, 9, 7}};
    core.handle(fixture_frame("broker-register__14_REGISTER_BROKER.request.bin"), 7, k_now);
    core.handle(broker_a_registration(), 8, k_now);
    EXPECT_EQ(core.routes().on_connection_closed(7), 1);
    EXPECT_EQ(core.routes().cluster_info().broker_addr_table.count("broker-b"), 0u);
    EXPECT_EQ(core.routes().route("TestTopic").value().queue_datas.size(), 1u);
    EXPECT_EQ(core.routes().expire(k_now + 119000, 120000), 0);
    EXPECT_EQ(core.routes().expire(k_now + 121000, 120000), 1);
    EXPECT_FALSE(core.routes().route("TestTopic").has_value());
    EXPECT_TRUE(core.routes().cluster_info().cluster_addr_table.empty());
}

TEST(RouteTable, SlaveGetsMasterAddressAndKeepsQueuesWhileMasterIsGone) {
    RouteTable rt;
    rmq::TopicConfigTable topics;
    topics.data_version = {1, k_now, {}};
    topics.topic_config_table["T"] = rmq::TopicConfig{"T", 4, 4, 6, "SINGLE_TAG", 0, false, {}};
    BrokerRegistration master{"C", "127.0.0.1:10911", "b", 0, "127.0.0.1:10912", topics, 1, std::nullopt};
    BrokerRegistration slave{"C", "127.0.0.1:10921", "b", 1, "127.0.0.1:10922", topics, 2, std::nullopt};
    rt.register_broker(master, k_now);
    auto out = rt.register_broker(slave, k_now);
    EXPECT_EQ(out.master_addr.value_or(""), "127.0.0.1:10911");
    EXPECT_EQ(out.ha_server_addr.value_or(""), "127.0.0.1:10912");
    rt.unregister_broker("C", "127.0.0.1:10911", "b", 0);
    auto route = rt.route("T").value();
    ASSERT_EQ(route.broker_datas.size(), 1u);
    EXPECT_EQ(route.broker_datas[0].broker_addrs.count(0), 0u);
    EXPECT_EQ(route.broker_datas[0].broker_addrs.at(1), "127.0.0.1:10921");
}

}  // namespace
}  // namespace rmqsim
