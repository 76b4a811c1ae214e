// Built requests match the captured Java requests byte for byte once signed like mqadmin.
#include "rmqup/remoting/requests.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "rmqup/remoting/acl.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::rmq {
namespace {

using test::fixture;
using test::fixture_cmd;

// Gives `built` the captured frame's opaque/language/version, signs it as mqadmin does (when the
// capture was signed) and compares the encoded frame with the captured bytes.
void expect_same_frame(RemotingCommand built, const std::string& rel) {
    auto captured = fixture_cmd(rel);
    built.opaque = captured.opaque;
    built.language = captured.language;
    built.version = captured.version;
    built.flag = captured.flag;
    if (captured.ext("Signature"))
        acl_sign(built, AclCredentials{"rocketmq2", Secret("12345678")});
    EXPECT_EQ(built.ext_fields, captured.ext_fields) << rel;
    EXPECT_EQ(encode_frame(built), fixture(rel)) << rel;
}

TEST(Requests, NameServerCallsMatchCaptures) {
    expect_same_frame(requests::get_broker_cluster_info(), "clusterList__01_GET_BROKER_CLUSTER_INFO.request.bin");
    expect_same_frame(requests::get_route_info_by_topic("TBW102"), "clusterList__02_GET_ROUTEINFO_BY_TOPIC_TBW102.request.bin");
    expect_same_frame(requests::get_route_info_by_topic("TestTopic"), "topicStatus__01_GET_ROUTEINFO_BY_TOPIC_TestTopic.request.bin");
    expect_same_frame(requests::get_all_topic_list(), "topicList__02_GET_ALL_TOPIC_LIST_FROM_NAMESERVER.request.bin");
    expect_same_frame(requests::wipe_write_perm_of_broker("broker-a"), "wipeWritePerm__02_WIPE_WRITE_PERM_OF_BROKER.request.bin");
    expect_same_frame(requests::add_write_perm_of_broker("broker-a"), "addWritePerm__01_ADD_WRITE_PERM_OF_BROKER.request.bin");
}

TEST(Requests, RouteStandardJsonFlag) {
    auto plain = requests::get_route_info_by_topic("T");
    EXPECT_FALSE(plain.ext("acceptStandardJsonOnly").has_value());
    auto standard = requests::get_route_info_by_topic("T", requests::RouteJson::standard_only);
    EXPECT_EQ(standard.ext("acceptStandardJsonOnly"), "true");
    auto captured = fixture_cmd("routeinfo-v373-acceptStandardJsonOnly__01_GET_ROUTEINFO_BY_TOPIC_TestTopic.request.bin");
    EXPECT_EQ(captured.ext("acceptStandardJsonOnly"), "true");
    EXPECT_EQ(requests::get_topics_by_cluster("DefaultCluster").ext("cluster"), "DefaultCluster");
}

TEST(Requests, BrokerAdminCallsMatchCaptures) {
    expect_same_frame(requests::get_broker_runtime_info(), "clusterList__03_GET_BROKER_RUNTIME_INFO.request.bin");
    expect_same_frame(requests::get_broker_config(), "getBrokerConfig__02_GET_BROKER_CONFIG.request.bin");
    expect_same_frame(requests::update_broker_config({{"brokerPermission", "4"}}),
                      "updateBrokerConfig-b-perm4__01_UPDATE_BROKER_CONFIG.request.bin");
    expect_same_frame(requests::get_topic_stats_info("TestTopic"), "topicStatus__03_GET_TOPIC_STATS_INFO_TestTopic.request.bin");
    expect_same_frame(requests::get_consume_stats("TestConsumerGroup"), "consumerProgress__03_GET_CONSUME_STATS.request.bin");
    expect_same_frame(requests::get_consumer_connection_list("TestConsumerGroup"),
                      "consumerConnection__03_GET_CONSUMER_CONNECTION_LIST.request.bin");
    expect_same_frame(requests::get_producer_connection_list("TestProducerGroup"),
                      "producerConnection__03_GET_PRODUCER_CONNECTION_LIST.request.bin");
    TopicConfig cap;
    cap.topic_name = "CapTopic";
    cap.read_queue_nums = 2;
    cap.write_queue_nums = 2;
    cap.perm = 6;
    expect_same_frame(requests::update_and_create_topic(cap), "updateTopic__02_UPDATE_AND_CREATE_TOPIC_CapTopic.request.bin");
    EXPECT_EQ(requests::get_all_topic_config().code, code::get_all_topic_config);
    EXPECT_TRUE(requests::get_all_topic_config().ext_fields.empty());
    EXPECT_EQ(requests::get_consume_stats("G", "T").ext("topic"), "T");
}

TEST(Requests, AclFixtureUpdateTopicSignedWithOtherCreds) {
    TopicConfig t;
    t.topic_name = "AclTopic";
    t.read_queue_nums = 2;
    t.write_queue_nums = 2;
    t.perm = 6;
    auto built = requests::update_and_create_topic(t);
    auto rel = "acl/acl-admin-updateTopic__01_UPDATE_AND_CREATE_TOPIC_AclTopic.request.bin";
    auto captured = fixture_cmd(rel);
    built.opaque = captured.opaque;
    built.language = captured.language;
    acl_sign(built, AclCredentials{"rmqadmin", Secret("rmqadmin-secret-123")});
    EXPECT_EQ(built.ext("Signature"), "MV326mQ76QtgSNUgclcP7NmJUww=");
    EXPECT_EQ(encode_frame(built), fixture(rel));
}

TEST(Requests, DataPathCallsMatchCaptures) {
    MessageQueue mq{"TestTopic", "broker-a", 0};
    auto max = requests::get_max_offset(mq);
    auto captured_max = fixture_cmd("consumeMessage__04_GET_MAX_OFFSET_TestTopic.request.bin");
    for (const char* key : {"topic", "queueId", "bname"})
        EXPECT_EQ(max.ext(key), captured_max.ext(key)) << key;
    EXPECT_EQ(requests::get_min_offset(mq).code, code::get_min_offset);

    PullRequest pr;
    pr.consumer_group = "TOOLS_CONSUMER";
    pr.topic = "TestTopic";
    pr.max_msg_nums = 1;
    pr.suspend_timeout_millis = 20000;
    auto pull = requests::pull_message(pr, "broker-a");
    auto captured_pull = fixture_cmd("consumeMessage__05_PULL_MESSAGE_TestTopic.request.bin");
    for (const auto& [k, v] : captured_pull.ext_fields) {
        if (k == "Signature" || k == "AccessKey" || k == "ReqT")
            continue;  // ReqT comes from the consumeMessage tool's own hook
        EXPECT_EQ(pull.ext(k), v) << k;
    }
    EXPECT_EQ(pull.ext_fields.size(), captured_pull.ext_fields.size() - 3);

    auto q = requests::query_consumer_offset("G", mq);
    EXPECT_EQ(q.ext("consumerGroup"), "G");
    EXPECT_EQ(q.ext("queueId"), "0");
    auto u = requests::update_consumer_offset("G", mq, 42);
    EXPECT_EQ(u.ext("commitOffset"), "42");
    EXPECT_EQ(u.code, code::update_consumer_offset);
}

TEST(Requests, SendMessageV2MatchesCapture) {
    auto rel = "sendMessage__04_SEND_MESSAGE_V2.request.bin";
    auto captured = fixture_cmd(rel);
    SendRequest msg;
    msg.producer_group = "1795260561755";  // the tool uses a timestamp as its group
    msg.topic = "TestTopic";
    msg.queue_id = 1;
    msg.born_timestamp = 1795260562158;
    msg.properties = parse_message_properties(*captured.ext("i"));
    msg.body = "fixture-body-1";
    msg.broker_name = "broker-b";
    expect_same_frame(requests::send_message_v2(msg), rel);
}

TEST(Requests, UnregisterClientMatchesCapture) {
    expect_same_frame(requests::unregister_client("192.0.2.2@1795260478210", "CLIENT_INNER_PRODUCER", ""),
                      "clusterList__05_UNREGISTER_CLIENT.request.bin");
}

TEST(Requests, RegisterAndUnregisterBrokerMatchCaptures) {
    requests::BrokerIdentity b{"DefaultCluster", "broker-b", "127.0.0.1:10921", "192.0.2.2:10922", 0};
    for (const char* rel : {"broker-register__01_REGISTER_BROKER.request.bin", "broker-register__03_REGISTER_BROKER.request.bin"}) {
        auto captured = fixture_cmd(rel);
        auto body = decode_register_broker_body(captured.body, false);
        ASSERT_TRUE(body.ok());
        expect_same_frame(requests::register_broker(b, *body, requests::BodyCompression::none), rel);
    }
    expect_same_frame(requests::unregister_broker(b), "broker-register__08_UNREGISTER_BROKER.request.bin");
    auto z = requests::register_broker(b, RegisterBrokerBody{}, requests::BodyCompression::zlib);
    EXPECT_EQ(z.ext("compressed"), "true");
    EXPECT_TRUE(decode_register_broker_body(z.body, true).ok());
}

TEST(Requests, HeartBeatBody) {
    HeartbeatData hb;
    hb.client_id = "c";
    hb.producer_groups = {"P"};
    auto cmd = requests::heart_beat(hb);
    EXPECT_EQ(cmd.code, code::heart_beat);
    EXPECT_EQ(cmd.body, encode_heartbeat(hb));
}

TEST(Requests, ParsesHeaderOnlyResponses) {
    auto max = requests::parse_offset(fixture_cmd("consumeMessage__04_GET_MAX_OFFSET_TestTopic.response.bin"));
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(*max, 10);
    auto wipe = requests::parse_wipe_topic_count(fixture_cmd("wipeWritePerm__02_WIPE_WRITE_PERM_OF_BROKER.response.bin"));
    ASSERT_TRUE(wipe.ok());
    EXPECT_EQ(*wipe, 12);
    auto add = requests::parse_add_topic_count(fixture_cmd("addWritePerm__01_ADD_WRITE_PERM_OF_BROKER.response.bin"));
    ASSERT_TRUE(add.ok());
    EXPECT_EQ(*add, 12);
    auto sent = requests::parse_send_result(fixture_cmd("sendMessage__04_SEND_MESSAGE_V2.response.bin"));
    ASSERT_TRUE(sent.ok()) << sent.error().describe();
    EXPECT_EQ(sent->msg_id, "7F00000100002AA90000000000003834");
    EXPECT_EQ(sent->queue_id, 1);
    EXPECT_EQ(sent->queue_offset, 16);
    EXPECT_EQ(sent->code, 0);
    auto pulled = requests::parse_pull_result(fixture_cmd("consumeMessage__05_PULL_MESSAGE_TestTopic.response.bin"));
    ASSERT_TRUE(pulled.ok()) << pulled.error().describe();
    EXPECT_EQ(pulled->status, "FOUND");
    EXPECT_EQ(pulled->next_begin_offset, 1);
    EXPECT_EQ(pulled->max_offset, 10);
    EXPECT_EQ(pulled->min_offset, 0);
    ASSERT_EQ(pulled->messages.size(), 1u);
    EXPECT_EQ(pulled->messages[0].body, "bg-msg-0");
}

TEST(Requests, RejectionsKeepServerRemark) {
    auto resp = fixture_cmd("topicRoute-missing__02_GET_ROUTEINFO_BY_TOPIC_NoSuchTopic_xyz.response.bin");
    auto r = requests::parse_offset(resp);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
    EXPECT_EQ(r.error().code, rc::topic_not_exist);
    EXPECT_EQ(r.error().remark.rfind("No topic route info in name server for the topic: NoSuchTopic_xyz", 0), 0u);
    RemotingCommand no_field = RemotingCommand::response_to(RemotingCommand::request(30), rc::success);
    auto missing = requests::parse_offset(no_field);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::protocol);
    no_field.set_ext("offset", "abc");
    EXPECT_FALSE(requests::parse_offset(no_field).ok());
    RemotingCommand not_found = RemotingCommand::response_to(RemotingCommand::request(11), rc::pull_not_found, "NO_NEW_MSG");
    for (const char* k : {"nextBeginOffset", "minOffset", "maxOffset", "suggestWhichBrokerId"})
        not_found.set_ext(k, "3");
    auto pr = requests::parse_pull_result(not_found);
    ASSERT_TRUE(pr.ok());
    EXPECT_EQ(pr->code, rc::pull_not_found);
    EXPECT_TRUE(pr->messages.empty());
}

}  // namespace
}  // namespace rmqup::rmq
