// Decoded bodies carry the concrete values the captured servers sent.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::rmq {
namespace {

using test::fixture_cmd;

std::string body_of(const std::string& rel) { return fixture_cmd(rel).body; }

TEST(BodiesValues, ClusterInfoWithBareIntegerKeys) {
    auto v = decode_cluster_info(body_of("clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin"));
    ASSERT_TRUE(v.ok()) << v.error().describe();
    ASSERT_EQ(v->broker_addr_table.size(), 2u);
    const auto& a = v->broker_addr_table.at("broker-a");
    EXPECT_EQ(a.cluster, "DefaultCluster");
    EXPECT_EQ(a.broker_name, "broker-a");
    EXPECT_EQ(a.broker_addrs.at(0), "127.0.0.1:10911");
    EXPECT_EQ(v->broker_addr_table.at("broker-b").broker_addrs.at(0), "127.0.0.1:10921");
    EXPECT_EQ(v->cluster_addr_table.at("DefaultCluster"), (std::vector<std::string>{"broker-b", "broker-a"}));
}

TEST(BodiesValues, ClusterInfoEncodesBrokersInJavaHashOrder) {
    ClusterInfo ci;
    for (const char* name : {"broker-a", "broker-b"}) {
        BrokerData bd;
        bd.cluster = "DefaultCluster";
        bd.broker_name = name;
        bd.broker_addrs[0] = std::string("127.0.0.1:") + (name[7] == 'a' ? "10911" : "10921");
        ci.broker_addr_table[name] = bd;
    }
    ci.cluster_addr_table["DefaultCluster"] = {"broker-a", "broker-b"};
    EXPECT_EQ(encode_cluster_info(ci), body_of("clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin"));
}

TEST(BodiesValues, TopicRouteBothForms) {
    auto standard = decode_topic_route(body_of("clusterList__02_GET_ROUTEINFO_BY_TOPIC_TBW102.response.bin"));
    ASSERT_TRUE(standard.ok());
    ASSERT_EQ(standard->queue_datas.size(), 2u);
    EXPECT_EQ(standard->queue_datas[0].broker_name, "broker-b");
    EXPECT_EQ(standard->queue_datas[0].perm, 7);
    EXPECT_EQ(standard->queue_datas[0].read_queue_nums, 8);
    EXPECT_EQ(standard->queue_datas[1].write_queue_nums, 8);
    ASSERT_EQ(standard->broker_datas.size(), 2u);
    EXPECT_EQ(standard->broker_datas[1].broker_addrs.at(0), "127.0.0.1:10911");
    EXPECT_FALSE(standard->order_topic_conf.has_value());

    auto legacy = decode_topic_route(body_of("routeinfo-v373-raw__01_GET_ROUTEINFO_BY_TOPIC_TestTopic.response.bin"));
    ASSERT_TRUE(legacy.ok()) << legacy.error().describe();
    EXPECT_EQ(legacy->broker_datas[0].broker_addrs.at(0), "127.0.0.1:10921");
    EXPECT_EQ(legacy->queue_datas[0].perm, 6);
    EXPECT_EQ(legacy->queue_datas[0].read_queue_nums, 4);
    // Same data, two spellings.
    EXPECT_EQ(encode_topic_route(*legacy, JsonStyle::standard),
              body_of("routeinfo-v373-acceptStandardJsonOnly__01_GET_ROUTEINFO_BY_TOPIC_TestTopic.response.bin"));
}

TEST(BodiesValues, TopicList) {
    auto v = decode_topic_list(body_of("topicList__02_GET_ALL_TOPIC_LIST_FROM_NAMESERVER.response.bin"));
    ASSERT_TRUE(v.ok());
    ASSERT_EQ(v->topics.size(), 12u);
    EXPECT_EQ(v->topics.front(), "TestTopic");
    EXPECT_EQ(v->topics.back(), "DefaultCluster");
    EXPECT_FALSE(v->broker_addr.has_value());
    // Sorted input is written in HashSet bucket order, as the NameServer does (topics with distinct buckets).
    TopicList sorted;
    sorted.topics = {"DefaultCluster", "RMQ_SYS_TRANS_HALF_TOPIC", "SCHEDULE_TOPIC_XXXX", "SELF_TEST_TOPIC", "TestTopic", "broker-a"};
    EXPECT_EQ(encode_topic_list(sorted),
              R"({"topicList":["TestTopic","SCHEDULE_TOPIC_XXXX","RMQ_SYS_TRANS_HALF_TOPIC","broker-a","SELF_TEST_TOPIC","DefaultCluster"]})");
}

TEST(BodiesValues, RuntimeInfoTypedFields) {
    auto v = decode_runtime_info(body_of("clusterList__03_GET_BROKER_RUNTIME_INFO.response.bin"));
    ASSERT_TRUE(v.ok()) << v.error().describe();
    EXPECT_EQ(v->version_desc, "V4_9_7");
    EXPECT_EQ(v->version, 407);
    EXPECT_EQ(v->msg_put_total_today_now, 13);
    EXPECT_EQ(v->msg_get_total_today_now, 14);
    EXPECT_EQ(v->commit_log_max_offset, 2823);
    EXPECT_EQ(v->commit_log_min_offset, 0);
    EXPECT_EQ(v->boot_timestamp, 1795260319764);
    ASSERT_TRUE(v->commit_log_disk_ratio.has_value());
    EXPECT_DOUBLE_EQ(*v->commit_log_disk_ratio, 0.18);
    ASSERT_TRUE(v->put_tps.s10.has_value());
    EXPECT_DOUBLE_EQ(*v->put_tps.s10, 0.39988003598920324);
    EXPECT_DOUBLE_EQ(v->put_tps.s60.value_or(-1), 0.19994001799460162);
    EXPECT_FALSE(v->put_tps.s600.has_value());
    EXPECT_EQ(v->table.at("getFoundTps"), "0.39988003598920324 0.1832783498283848 ");
}

TEST(BodiesValues, RuntimeInfoRightAfterStartHasEmptyWindows) {
    auto v = decode_runtime_info(body_of("misc/runtimeinfo-right-after-start__05_GET_BROKER_RUNTIME_INFO.response.bin"));
    ASSERT_TRUE(v.ok()) << v.error().describe();
    EXPECT_FALSE(v->put_tps.s10.has_value());
    EXPECT_FALSE(v->get_transferred_tps.s60.has_value());
    EXPECT_DOUBLE_EQ(v->get_total_tps.s600.value_or(-1), 0.0);
    EXPECT_EQ(v->commit_log_max_offset, 46295);
}

TEST(BodiesValues, RuntimeInfoBothTransferredSpellings) {
    auto v4 = decode_runtime_info(R"({"table":{"getTransferedTps":"1.5 2.5 3.5","putTps":"0.0  "}})");
    ASSERT_TRUE(v4.ok());
    EXPECT_DOUBLE_EQ(v4->get_transferred_tps.s60.value_or(-1), 2.5);
    EXPECT_DOUBLE_EQ(v4->put_tps.s10.value_or(-1), 0.0);
    EXPECT_FALSE(v4->put_tps.s60.has_value());
    EXPECT_FALSE(v4->put_tps.s600.has_value());
    auto v5 = decode_runtime_info(R"({"table":{"getTransferredTps":"4.0 5.0 6.0"}})");
    ASSERT_TRUE(v5.ok());
    EXPECT_DOUBLE_EQ(v5->get_transferred_tps.s600.value_or(-1), 6.0);
    EXPECT_FALSE(decode_runtime_info(R"({"table":{"commitLogMaxOffset":"12x"}})").ok());
    EXPECT_FALSE(decode_runtime_info(R"({"nope":1})").ok());
}

TEST(BodiesValues, KvTableMapEncoderUsesHashMapOrder) {
    std::map<std::string, std::string> t{{"brokerVersionDesc", "V4_9_7"}, {"putTps", "0.0  "}, {"bootTimestamp", "1"}};
    auto text = encode_kv_table(t);
    auto back = decode_kv_table(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->size(), 3u);
    EXPECT_EQ(encode_kv_table_ordered(*back), text);
    EXPECT_EQ(text.substr(0, 10), R"({"table":{)");
}

TEST(BodiesValues, TopicStatsWithObjectKeys) {
    auto v = decode_topic_stats(body_of("topicStatus__03_GET_TOPIC_STATS_INFO_TestTopic.response.bin"));
    ASSERT_TRUE(v.ok()) << v.error().describe();
    ASSERT_EQ(v->offset_table.size(), 4u);
    const auto& [mq, off] = v->offset_table[0];
    EXPECT_EQ(mq.broker_name, "broker-b");
    EXPECT_EQ(mq.queue_id, 2);
    EXPECT_EQ(mq.topic, "TestTopic");
    EXPECT_EQ(off.min_offset, 0);
    EXPECT_EQ(off.max_offset, 5);
    EXPECT_EQ(off.last_update_timestamp, 1795260493542);
    EXPECT_EQ(v->offset_table[3].first.queue_id, 3);
    EXPECT_FALSE(v->topic_put_tps.has_value());
}

TEST(BodiesValues, ConsumeStats) {
    auto v = decode_consume_stats(body_of("consumerProgress__03_GET_CONSUME_STATS.response.bin"));
    ASSERT_TRUE(v.ok()) << v.error().describe();
    EXPECT_DOUBLE_EQ(v->consume_tps, 0.7333455557592626);
    ASSERT_EQ(v->offset_table.size(), 5u);
    EXPECT_EQ(v->offset_table[2].first.topic, "%RETRY%TestConsumerGroup");
    EXPECT_EQ(v->offset_table[3].second.broker_offset, 15);
    EXPECT_EQ(v->offset_table[3].second.consumer_offset, 15);
    EXPECT_EQ(v->offset_table[0].second.last_timestamp, 1795260542810);
    EXPECT_EQ(v->total_diff(), 0);
    auto a = decode_consume_stats(body_of("consumerProgress__04_GET_CONSUME_STATS.response.bin"));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->offset_table[1].second.broker_offset, 10);
    EXPECT_EQ(a->offset_table[1].second.consumer_offset, 9);
    EXPECT_GE(a->total_diff(), 1);
}

TEST(BodiesValues, Connections) {
    auto c = decode_consumer_connection(body_of("consumerConnection__03_GET_CONSUMER_CONNECTION_LIST.response.bin"));
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->connection_set.size(), 1u);
    EXPECT_EQ(c->connection_set[0].client_addr, "127.0.0.1:48706");
    EXPECT_EQ(c->connection_set[0].client_id, "192.0.2.2@17861#568475602629");
    EXPECT_EQ(c->connection_set[0].language, "JAVA");
    EXPECT_EQ(c->connection_set[0].version, 407);
    EXPECT_EQ(c->consume_type, "CONSUME_PASSIVELY");
    EXPECT_EQ(c->message_model, "CLUSTERING");
    EXPECT_EQ(c->consume_from_where, "CONSUME_FROM_LAST_OFFSET");
    ASSERT_EQ(c->subscription_table.size(), 2u);
    EXPECT_EQ(c->subscription_table.at("TestTopic").sub_version, 1795260462987);
    EXPECT_EQ(c->subscription_table.at("TestTopic").sub_string, "*");
    auto p = decode_producer_connection(body_of("producerConnection__03_GET_PRODUCER_CONNECTION_LIST.response.bin"));
    ASSERT_TRUE(p.ok());
    ASSERT_EQ(p->connection_set.size(), 1u);
    EXPECT_EQ(p->connection_set[0].client_addr, "127.0.0.1:48698");
}

TEST(BodiesValues, RegisterBrokerBody) {
    auto req = fixture_cmd("broker-register__01_REGISTER_BROKER.request.bin");
    auto v = decode_register_broker_body(req.body, false);
    ASSERT_TRUE(v.ok()) << v.error().describe();
    EXPECT_EQ(v->topic_config_wrapper.data_version.counter, 2);
    EXPECT_EQ(v->topic_config_wrapper.data_version.timestamp, 1795260334502);
    const auto& sched = v->topic_config_wrapper.topic_config_table.at("SCHEDULE_TOPIC_XXXX");
    EXPECT_EQ(sched.read_queue_nums, 18);
    EXPECT_EQ(sched.write_queue_nums, 18);
    EXPECT_EQ(sched.perm, 6);
    EXPECT_EQ(sched.topic_filter_type, "SINGLE_TAG");
    EXPECT_EQ(v->topic_config_wrapper.topic_config_table.at("DefaultCluster").perm, 7);
    EXPECT_TRUE(v->filter_server_list.empty());
}

TEST(BodiesValues, RegisterBrokerCompressedRoundTrip) {
    auto req = fixture_cmd("broker-register__03_REGISTER_BROKER.request.bin");
    auto plain = decode_register_broker_body(req.body, false);
    ASSERT_TRUE(plain.ok());
    std::string z = encode_register_broker_body(*plain, true);
    EXPECT_LT(z.size(), req.body.size());
    EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x78u);  // zlib header
    auto back = decode_register_broker_body(z, true);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(back->topic_config_wrapper.data_version, plain->topic_config_wrapper.data_version);
    ASSERT_EQ(back->topic_config_wrapper.topic_config_table.size(), plain->topic_config_wrapper.topic_config_table.size());
    for (const auto& [name, tc] : plain->topic_config_wrapper.topic_config_table) {
        const auto& got = back->topic_config_wrapper.topic_config_table.at(name);
        EXPECT_EQ(got.read_queue_nums, tc.read_queue_nums) << name;
        EXPECT_EQ(got.write_queue_nums, tc.write_queue_nums) << name;
        EXPECT_EQ(got.perm, tc.perm) << name;
        EXPECT_EQ(got.topic_filter_type, tc.topic_filter_type) << name;
    }
    EXPECT_FALSE(decode_register_broker_body(z.substr(0, z.size() / 2), true).ok());
    EXPECT_FALSE(decode_register_broker_body("not zlib", true).ok());
}

TEST(BodiesValues, TopicConfigTableRoundTrip) {
    TopicConfigTable t;
    t.data_version = {7, 1795260334502, std::nullopt};
    TopicConfig a;
    a.topic_name = "TestTopic";
    a.read_queue_nums = 4;
    a.write_queue_nums = 4;
    t.topic_config_table["TestTopic"] = a;
    TopicConfig b = a;
    b.topic_name = "TBW102";
    b.perm = 7;
    t.topic_config_table["TBW102"] = b;
    std::string text = encode_topic_config_table(t);
    EXPECT_EQ(text.rfind(R"({"dataVersion":{"counter":7,"timestamp":1795260334502},"topicConfigTable":{)", 0), 0u) << text;
    auto back = decode_topic_config_table(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->topic_config_table, t.topic_config_table);
    EXPECT_EQ(encode_topic_config_table(*back), text);
}

TEST(BodiesValues, HeartbeatRoundTrip) {
    HeartbeatData hb;
    hb.client_id = "127.0.0.1@sim#1";
    hb.producer_groups = {"PG"};
    ConsumerData cd;
    cd.group_name = "CG";
    SubscriptionData sd;
    sd.topic = "TestTopic";
    sd.sub_string = "TagA || TagB";
    sd.tags_set = {"TagA", "TagB"};
    sd.code_set = {2598919, 2598920};
    sd.sub_version = 5;
    cd.subscription_data_set.push_back(sd);
    hb.consumer_data_set.push_back(cd);
    std::string text = encode_heartbeat(hb);
    EXPECT_EQ(text,
              R"({"clientID":"127.0.0.1@sim#1","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",)"
              R"("consumeType":"CONSUME_PASSIVELY","groupName":"CG","messageModel":"CLUSTERING","subscriptionDataSet":[)"
              R"({"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB",)"
              R"("subVersion":5,"tagsSet":["TagA","TagB"],"topic":"TestTopic"}],"unitMode":false}],)"
              R"("producerDataSet":[{"groupName":"PG"}]})");
    auto back = decode_heartbeat(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->client_id, hb.client_id);
    EXPECT_EQ(back->producer_groups, hb.producer_groups);
    ASSERT_EQ(back->consumer_data_set.size(), 1u);
    EXPECT_EQ(back->consumer_data_set[0].subscription_data_set[0].code_set, sd.code_set);
    EXPECT_EQ(encode_heartbeat(*back), text);
}

TEST(BodiesValues, Properties) {
    auto p = parse_properties("# comment\n! other\n\na=1\nb=\nc=x=y\r\n  d = 2\nflag\n");
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"a", "1"}));
    EXPECT_EQ(p[1].second, "");
    EXPECT_EQ(p[2].second, "x=y");
    EXPECT_EQ(p[3].first, "d ");
    EXPECT_EQ(p[4], (std::pair<std::string, std::string>{"flag", ""}));
    EXPECT_EQ(format_properties({{"brokerPermission", "4"}}), "brokerPermission=4\n");
    auto cfg = parse_properties(body_of("getBrokerConfig__02_GET_BROKER_CONFIG.response.bin"));
    ASSERT_GE(cfg.size(), 50u);
    EXPECT_EQ(cfg[0], (std::pair<std::string, std::string>{"shortPollingTimeMills", "1000"}));
}

TEST(BodiesValues, MessageProperties) {
    auto m = parse_message_properties("KEYS\x01k\x02TAGS\x01t\x02");
    EXPECT_EQ(m.size(), 2u);
    EXPECT_EQ(m.at("TAGS"), "t");
    auto n = parse_message_properties("A\x01" "1\x02junk\x02\x02" "B\x01\x02");
    EXPECT_EQ(n.at("A"), "1");
    EXPECT_EQ(n.at("B"), "");
    EXPECT_EQ(n.count("junk"), 0u);
    EXPECT_EQ(format_message_properties({{"KEYS", "k"}}), "KEYS\x01k");
}

TEST(BodiesValues, PulledMessageFromFixture) {
    auto resp = fixture_cmd("consumeMessage__05_PULL_MESSAGE_TestTopic.response.bin");
    auto msgs = decode_stored_messages(resp.body);
    ASSERT_TRUE(msgs.ok()) << msgs.error().describe();
    ASSERT_EQ(msgs->size(), 1u);
    const StoredMessage& m = (*msgs)[0];
    EXPECT_EQ(m.store_size, 216);
    EXPECT_EQ(m.magic, 0xDAA320A7u);
    EXPECT_EQ(m.topic, "TestTopic");
    EXPECT_EQ(m.body, "bg-msg-0");
    EXPECT_EQ(m.queue_id, 0);
    EXPECT_EQ(m.queue_offset, 0);
    EXPECT_EQ(m.commit_log_offset, 219);
    EXPECT_EQ(m.born_host, "127.0.0.1:48698");
    EXPECT_EQ(m.store_host, "127.0.0.1:10911");
    EXPECT_EQ(m.properties.at("KEYS"), "bgkey0");
    EXPECT_EQ(m.properties.at("TAGS"), "bg");
    EXPECT_EQ(m.properties.at("CLUSTER"), "DefaultCluster");
    EXPECT_EQ(m.properties.at("UNIQ_KEY"), "FD000000000000000000000000000002454B30946E096974B15F0000");
    EXPECT_EQ(encode_stored_message(m), resp.body);
    // Without the decoded text the properties are laid out in HashMap order (still decodable).
    StoredMessage copy = m;
    copy.raw_properties.reset();
    auto again = decode_stored_messages(encode_stored_message(copy));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)[0].properties, m.properties);
    EXPECT_EQ((*again)[0].body_crc, m.body_crc);
}

TEST(BodiesValues, StoredMessageV2AndIpv6) {
    StoredMessage m;
    m.magic = 0xDAA320AB;
    m.topic = std::string(200, 't');
    m.body = "payload";
    m.sys_flag = 0x10 | 0x20;
    m.born_host = "::1:1234";
    m.store_host = "fe80::1:10911";
    m.queue_offset = 42;
    m.properties = {{"TAGS", "x"}};
    std::string bytes = encode_stored_message(m) + encode_stored_message(m);
    auto back = decode_stored_messages(bytes);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[1].topic, m.topic);
    EXPECT_EQ((*back)[1].born_host, "::1:1234");
    EXPECT_EQ((*back)[1].store_host, "fe80::1:10911");
    EXPECT_EQ((*back)[1].queue_offset, 42);
    EXPECT_EQ(encode_stored_message((*back)[0]), encode_stored_message(m));
    EXPECT_FALSE(decode_stored_messages(bytes.substr(0, bytes.size() - 3)).ok());
    EXPECT_FALSE(decode_stored_messages(std::string("\x00\x00\x00\x08\x01\x02\x03\x04", 8)).ok());
}

TEST(BodiesValues, MalformedBodiesGiveErrors) {
    for (const char* bad : {"", "{", "[1,2]", "{\"brokerAddrTable\":{\"a\":5}}", "{\"x\":tru}", "nul"}) {
        EXPECT_FALSE(decode_cluster_info(bad).ok()) << bad;
    }
    EXPECT_FALSE(decode_topic_stats(R"({"offsetTable":{"k":{}}})").ok());
    EXPECT_FALSE(decode_topic_stats(R"({"offsetTable":{{"topic":"T"}:{"minOffset":0,"maxOffset":1}}})").ok());
    EXPECT_FALSE(decode_consume_stats(R"({"offsetTable":{{"queueId":1}:{"brokerOffset":"x"}}})").ok());
    EXPECT_FALSE(decode_topic_route(R"({"queueDatas":[1]})").ok());
    std::string deep(5000, '[');
    EXPECT_FALSE(decode_topic_list(deep).ok());
}

}  // namespace
}  // namespace rmqup::rmq
