// The client and RemotingAdmin against a peer answering with real 3.2.6 and 5.3.3 frames: JSON
// headers always go out (3.x closes the connection on a binary one), 3.x replies decode, the
// cluster of a 3.x broker comes from clusterAddrTable, 5.x's renamed runtime key is read.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "rmqup/core/version.hpp"
#include "rmqup/net/remoting_admin.hpp"
#include "rmqup/net/remoting_client.hpp"
#include "scripted_server.hpp"

namespace rmqup::net {
namespace {

using namespace std::chrono_literals;
using nettest::replay;
using nettest::ScriptedServer;
using nettest::SeenFrame;

std::string version_fixture(const std::string& folder, const std::string& name) {
    std::ifstream in(std::string(RMQUP_FIXTURES) + "/" + folder + "/" + name + ".response.bin", std::ios::binary);
    EXPECT_TRUE(in.good()) << folder << "/" << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ClientOptions short_timeouts() {
    ClientOptions o;
    o.connect_timeout = 500ms;
    o.request_timeout = 500ms;
    return o;
}

TEST(VersionsClient, RequestsAreJsonEvenWhenBuiltBinaryAnd326ClusterHasItsCluster) {
    ScriptedServer server(replay([](const SeenFrame&) {
        return version_fixture("rocketmq-3.2.6", "clusterList__02_GET_BROKER_CLUSTER_INFO");
    }));
    RemotingClient client(short_timeouts());
    RemotingAdmin admin(client, 500ms);
    auto req = rmq::RemotingCommand::request(rmq::code::get_broker_cluster_info);
    req.serialize_type = rmq::SerializeType::rocketmq;
    ASSERT_TRUE(client.call(server.addr(), req).ok());
    auto info = admin.cluster_info(server.addr());
    ASSERT_TRUE(info.ok()) << info.error().describe();
    EXPECT_EQ(info->broker_addr_table.at("broker-b").cluster, "DefaultCluster");
    for (const auto& seen : server.seen()) {
        EXPECT_EQ(static_cast<unsigned char>(seen.bytes[4]), 0u);  // serialize type JSON
        EXPECT_EQ(seen.header.value("serializeTypeCurrentRPC", ""), "JSON");
    }
}

TEST(VersionsClient, RuntimeInfoOf326And533) {
    ScriptedServer old_broker(replay([](const SeenFrame&) {
        return version_fixture("rocketmq-3.2.6", "brokerStatus__02_GET_BROKER_RUNTIME_INFO");
    }));
    ScriptedServer new_broker(replay([](const SeenFrame&) {
        return version_fixture("rocketmq-5.3.3", "brokerStatus__01_GET_BROKER_RUNTIME_INFO");
    }));
    RemotingClient client(short_timeouts());
    RemotingAdmin admin(client, 500ms);
    auto v326 = admin.runtime_info(old_broker.addr());
    ASSERT_TRUE(v326.ok()) << v326.error().describe();
    EXPECT_EQ(v326->version_desc, "V3_2_6");
    EXPECT_EQ(RmqVersion::from_ordinal(v326->version.value_or(0)), (RmqVersion{3, 2, 6}));
    auto v533 = admin.runtime_info(new_broker.addr());
    ASSERT_TRUE(v533.ok()) << v533.error().describe();
    EXPECT_TRUE(v533->get_transferred_tps.s10.has_value());
}

TEST(VersionsClient, A326TopicConfigDecodes) {
    ScriptedServer broker(replay([](const SeenFrame&) {
        return version_fixture("rocketmq-3.2.6", "rawreq-allTopicConfig__01_GET_ALL_TOPIC_CONFIG");
    }));
    RemotingClient client(short_timeouts());
    RemotingAdmin admin(client, 500ms);
    auto topics = admin.all_topic_config(broker.addr());
    ASSERT_TRUE(topics.ok()) << topics.error().describe();
    EXPECT_EQ(topics->topic_config_table.at("RealRollTopic").write_queue_nums, 4);
}

}  // namespace
}  // namespace rmqup::net
