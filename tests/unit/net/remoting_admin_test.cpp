// RemotingAdmin against a scripted server replaying real 4.9.7 replies: each call builds the right
// request, decodes the right values, and maps refusals, not-ready and timeouts to error kinds.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "scripted_server.hpp"

namespace rmqup::net {
namespace {

using namespace std::chrono_literals;
using nettest::fixture;
using nettest::replay;
using nettest::response_frame;
using nettest::ScriptedServer;
using nettest::SeenFrame;

ClientOptions short_timeouts() {
    ClientOptions o;
    o.connect_timeout = 500ms;
    o.request_timeout = 500ms;
    return o;
}

// Test fixture: one scripted server answering with `reply(request)` and an admin pointed at it.
class AdminTest : public ::testing::Test {
protected:
    void serve(std::function<std::string(const SeenFrame&)> reply) {
        m_server = std::make_unique<ScriptedServer>(replay(std::move(reply)));
    }
    void serve_fixture(const std::string& name) {
        serve([name](const SeenFrame&) { return fixture(name); });
    }
    std::string addr() const { return m_server->addr(); }
    SeenFrame last_request() const {
        auto seen = m_server->seen();
        return seen.empty() ? SeenFrame{} : seen.back();
    }

    RemotingClient m_client{short_timeouts()};
    RemotingAdmin m_admin{m_client, 400ms};
    std::unique_ptr<ScriptedServer> m_server;
};

TEST_F(AdminTest, ClusterInfoDecodesBrokers) {
    serve_fixture("clusterList__01_GET_BROKER_CLUSTER_INFO");
    auto r = m_admin.cluster_info(addr());
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(last_request().code(), 106);
    ASSERT_EQ(r->broker_addr_table.size(), 2U);
    EXPECT_EQ(r->broker_addr_table.at("broker-a").broker_addrs.at(0), "127.0.0.1:10911");
    EXPECT_EQ(r->broker_addr_table.at("broker-b").cluster, "DefaultCluster");
    EXPECT_EQ(r->cluster_addr_table.at("DefaultCluster").size(), 2U);
}

TEST_F(AdminTest, TopicRouteSendsTopicAndDecodesQueues) {
    serve_fixture("topicRoute__02_GET_ROUTEINFO_BY_TOPIC_TestTopic");
    auto r = m_admin.topic_route(addr(), "TestTopic");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(last_request().code(), 105);
    EXPECT_EQ(last_request().ext("topic"), "TestTopic");
    ASSERT_EQ(r->queue_datas.size(), 2U);
    EXPECT_EQ(r->queue_datas[0].perm, 6);
    EXPECT_EQ(r->queue_datas[0].write_queue_nums, 4);
    ASSERT_EQ(r->broker_datas.size(), 2U);
}

TEST_F(AdminTest, MissingTopicIsRejectedWithServerRemark) {
    serve_fixture("topicRoute-missing__02_GET_ROUTEINFO_BY_TOPIC_NoSuchTopic_xyz");
    auto r = m_admin.topic_route(addr(), "NoSuchTopic_xyz");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
    EXPECT_EQ(r.error().code, 17);
    EXPECT_NE(r.error().remark.find("No topic route info"), std::string::npos);
    ASSERT_FALSE(r.error().context.empty());
    EXPECT_EQ(r.error().context.back(), "request GET_ROUTEINFO_BY_TOPIC (105) to " + addr());
}

TEST_F(AdminTest, WipeAndAddWritePermReturnCounts) {
    serve([](const SeenFrame& f) {
        return fixture(f.code() == 205 ? "wipeWritePerm__02_WIPE_WRITE_PERM_OF_BROKER"
                                       : "addWritePerm__01_ADD_WRITE_PERM_OF_BROKER");
    });
    auto wiped = m_admin.wipe_write_perm(addr(), "broker-a");
    ASSERT_TRUE(wiped.ok()) << wiped.error().describe();
    EXPECT_EQ(*wiped, 12);
    EXPECT_EQ(last_request().ext("brokerName"), "broker-a");
    auto added = m_admin.add_write_perm(addr(), "broker-a");
    ASSERT_TRUE(added.ok()) << added.error().describe();
    EXPECT_EQ(*added, 12);
    EXPECT_EQ(last_request().code(), 327);
}

TEST_F(AdminTest, AddWritePermOnOldNameServerTimesOutWithHint) {
    serve([](const SeenFrame&) { return std::string(); });  // < 4.9.2 never answers code 327
    auto r = m_admin.add_write_perm(addr(), "broker-a");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::timeout);
    EXPECT_NE(r.error().message.find("4.9.2"), std::string::npos);
    EXPECT_NE(r.error().describe().find("ADD_WRITE_PERM_OF_BROKER (327)"), std::string::npos);
}

TEST_F(AdminTest, RuntimeInfoDecodesTypedFields) {
    serve_fixture("clusterList__03_GET_BROKER_RUNTIME_INFO");
    auto r = m_admin.runtime_info(addr());
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->version_desc, "V4_9_7");
    EXPECT_EQ(r->commit_log_max_offset, 2823);
    ASSERT_TRUE(r->commit_log_disk_ratio.has_value());
    EXPECT_DOUBLE_EQ(*r->commit_log_disk_ratio, 0.18);
    ASSERT_TRUE(r->put_tps.s10.has_value());
    EXPECT_NEAR(*r->put_tps.s10, 0.39988, 1e-4);
    EXPECT_GT(r->table.size(), 30U);
}

TEST_F(AdminTest, RuntimeInfoRightAfterBootIsNotReady) {
    serve_fixture("misc/runtimeinfo-right-after-start__01_GET_BROKER_RUNTIME_INFO");
    auto r = m_admin.runtime_info(addr());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::not_ready);
    EXPECT_EQ(r.error().code, 1);
    EXPECT_NE(r.error().remark.find("NoSuchElementException"), std::string::npos);
    EXPECT_EQ(r.error().context.back(), "request GET_BROKER_RUNTIME_INFO (28) to " + addr());
}

TEST_F(AdminTest, RuntimeInfoOtherSystemErrorIsRejected) {
    serve([](const SeenFrame& f) { return response_frame(f.opaque(), 1, {}, {}, "java.lang.NullPointerException"); });
    auto r = m_admin.runtime_info(addr());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
}

TEST_F(AdminTest, BrokerConfigParsesProperties) {
    serve_fixture("getBrokerConfig__02_GET_BROKER_CONFIG");
    auto r = m_admin.broker_config(addr());
    ASSERT_TRUE(r.ok()) << r.error().describe();
    std::map<std::string, std::string> kv(r->begin(), r->end());
    EXPECT_EQ(kv.at("brokerPermission"), "6");
    EXPECT_EQ(kv.at("brokerName"), "broker-a");
    EXPECT_EQ(kv.at("listenPort"), "10911");
}

TEST_F(AdminTest, UpdateBrokerConfigSendsPropertiesBody) {
    serve_fixture("updateBrokerConfig-perm4__02_UPDATE_BROKER_CONFIG");
    auto st = m_admin.update_broker_config(addr(), {{"brokerPermission", "4"}});
    ASSERT_TRUE(st.ok()) << st.error().describe();
    EXPECT_EQ(last_request().code(), 25);
    EXPECT_EQ(last_request().body, "brokerPermission=4\n");
}

TEST_F(AdminTest, AllTopicConfigDecodesTable) {
    serve([](const SeenFrame& f) {
        return response_frame(
            f.opaque(), 0,
            R"({"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}})");
    });
    auto r = m_admin.all_topic_config(addr());
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->data_version.counter, 3);
    EXPECT_EQ(r->topic_config_table.at("TopicTest").read_queue_nums, 4);
}

TEST_F(AdminTest, ConsumeStatsDecodesOffsets) {
    serve_fixture("consumerProgress__04_GET_CONSUME_STATS");
    auto r = m_admin.consume_stats(addr(), "TestConsumerGroup", "");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(last_request().ext("consumerGroup"), "TestConsumerGroup");
    ASSERT_EQ(r->offset_table.size(), 5U);
    EXPECT_EQ(r->total_diff(), 1);
    EXPECT_NEAR(r->consume_tps, 0.3166, 1e-3);
}

TEST_F(AdminTest, ConnectionListsDecode) {
    serve([](const SeenFrame& f) {
        return fixture(f.code() == 203 ? "consumerConnection__03_GET_CONSUMER_CONNECTION_LIST"
                                       : "producerConnection__03_GET_PRODUCER_CONNECTION_LIST");
    });
    auto consumers = m_admin.consumer_connections(addr(), "TestConsumerGroup");
    ASSERT_TRUE(consumers.ok()) << consumers.error().describe();
    ASSERT_EQ(consumers->connection_set.size(), 1U);
    EXPECT_EQ(consumers->connection_set[0].version, 407);
    EXPECT_EQ(consumers->subscription_table.size(), 2U);
    auto producers = m_admin.producer_connections(addr(), "PG");
    ASSERT_TRUE(producers.ok()) << producers.error().describe();
    EXPECT_EQ(last_request().ext("producerGroup"), "PG");
    ASSERT_EQ(producers->connection_set.size(), 1U);
    EXPECT_EQ(producers->connection_set[0].client_addr, "127.0.0.1:48698");
}

TEST_F(AdminTest, MaxOffsetReadsResponseHeader) {
    serve_fixture("consumeMessage__04_GET_MAX_OFFSET_TestTopic");
    auto max = m_admin.max_offset(addr(), "TestTopic", 0);
    ASSERT_TRUE(max.ok()) << max.error().describe();
    EXPECT_EQ(*max, 10);
    EXPECT_EQ(last_request().code(), 30);
    EXPECT_EQ(last_request().ext("topic"), "TestTopic");
    EXPECT_EQ(last_request().ext("queueId"), "0");
}

TEST_F(AdminTest, SendMessageBuildsV2HeaderAndReadsResult) {
    serve_fixture("sendMessage__04_SEND_MESSAGE_V2");
    rmq::SendRequest msg;
    msg.producer_group = "PG1";
    msg.topic = "TestTopic";
    msg.queue_id = 1;
    msg.born_timestamp = 1700000000000;
    msg.properties = {{"KEYS", "k1"}, {"WAIT", "true"}};
    msg.body = "fixture-body-1";
    msg.broker_name = "broker-b";
    auto r = m_admin.send_message(addr(), msg);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->msg_id, "7F00000100002AA90000000000003834");
    EXPECT_EQ(r->queue_id, 1);
    EXPECT_EQ(r->queue_offset, 16);
    auto req = last_request();
    EXPECT_EQ(req.code(), 310);
    EXPECT_EQ(req.ext("a"), "PG1");
    EXPECT_EQ(req.ext("b"), "TestTopic");
    EXPECT_EQ(req.ext("c"), "TBW102");
    EXPECT_EQ(req.ext("e"), "1");
    EXPECT_EQ(req.ext("g"), "1700000000000");
    EXPECT_EQ(req.ext("n"), "broker-b");
    EXPECT_EQ(req.body, "fixture-body-1");
}

TEST_F(AdminTest, PullMessageDecodesStoredMessages) {
    serve_fixture("consumeMessage__05_PULL_MESSAGE_TestTopic");
    rmq::PullRequest pr;
    pr.consumer_group = "TOOLS_CONSUMER";
    pr.topic = "TestTopic";
    pr.max_msg_nums = 1;
    auto r = m_admin.pull_message(addr(), pr);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->code, 0);
    EXPECT_EQ(r->status, "FOUND");
    EXPECT_EQ(r->next_begin_offset, 1);
    EXPECT_EQ(r->max_offset, 10);
    ASSERT_EQ(r->messages.size(), 1U);
    EXPECT_EQ(r->messages[0].topic, "TestTopic");
    EXPECT_EQ(r->messages[0].body, "bg-msg-0");
    auto req = last_request();
    EXPECT_EQ(req.ext("sysFlag"), "4");
    EXPECT_EQ(req.ext("subscription"), "*");
}

TEST_F(AdminTest, UndecodableBodyIsProtocolError) {
    serve([](const SeenFrame& f) { return response_frame(f.opaque(), 0, "{\"brokerAddrTable\":[oops"); });
    auto r = m_admin.cluster_info(addr());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::protocol);
    EXPECT_EQ(r.error().context.back(), "request GET_BROKER_CLUSTER_INFO (106) to " + addr());
}

TEST_F(AdminTest, UnreachableBrokerKeepsRequestContext) {
    std::string gone;
    {
        ScriptedServer s([](nettest::Session&, const SeenFrame&) {});
        gone = s.addr();
    }
    auto r = m_admin.runtime_info(gone);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::unreachable);
    EXPECT_NE(r.error().describe().find("request GET_BROKER_RUNTIME_INFO (28) to " + gone), std::string::npos);
}

}  // namespace
}  // namespace rmqup::net
