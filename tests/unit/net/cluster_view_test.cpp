// fetch_cluster_view against scripted NameServers and brokers: union of members, NameServer
// disagreements, a broker still starting, an unreachable broker, no NameServer at all.
#include <gtest/gtest.h>

#include <chrono>

#include "rmqup/net/cluster_view.hpp"
#include "scripted_server.hpp"

namespace rmqup::net {
namespace {

using namespace std::chrono_literals;
using nettest::fixture;
using nettest::replay;
using nettest::response_frame;
using nettest::ScriptedServer;
using nettest::SeenFrame;

// ClusterInfo body naming brokers broker-a (master + optional slave) at the given addresses.
std::string cluster_body(const std::string& a0, const std::string& a1) {
    std::string addrs = "0:\"" + a0 + "\"";
    if (!a1.empty())
        addrs += ",1:\"" + a1 + "\"";
    return "{\"brokerAddrTable\":{\"broker-a\":{\"brokerAddrs\":{" + addrs +
           "},\"brokerName\":\"broker-a\",\"cluster\":\"C1\"}},\"clusterAddrTable\":{\"C1\":[\"broker-a\"]}}";
}

// A broker answering runtime info from a fixture and its config with brokerPermission=perm.
std::unique_ptr<ScriptedServer> broker(const std::string& runtime_fixture, int perm) {
    return std::make_unique<ScriptedServer>(replay([runtime_fixture, perm](const SeenFrame& f) {
        if (f.code() == 26)
            return response_frame(f.opaque(), 0, "brokerName=broker-a\nbrokerPermission=" + std::to_string(perm) + "\n");
        return fixture(runtime_fixture);
    }));
}

std::unique_ptr<ScriptedServer> nameserver(std::string body) {
    return std::make_unique<ScriptedServer>(
        replay([body](const SeenFrame& f) { return response_frame(f.opaque(), 0, body); }));
}

TEST(ClusterView, ComparesNameServersAndFetchesBrokers) {
    auto master = broker("clusterList__03_GET_BROKER_RUNTIME_INFO", 6);
    auto slave = broker("misc/runtimeinfo-right-after-start__01_GET_BROKER_RUNTIME_INFO", 4);
    auto ns1 = nameserver(cluster_body(master->addr(), slave->addr()));
    auto ns2 = nameserver(cluster_body(master->addr(), ""));  // lacks the slave
    ClientOptions opts;
    opts.connect_timeout = 500ms;
    RemotingClient client(opts);

    auto view = fetch_cluster_view(client, {ns1->addr(), ns2->addr()}, 500ms);

    ASSERT_TRUE(view.ok()) << view.error().describe();
    ASSERT_EQ(view->brokers.size(), 2U);
    const auto& m = view->brokers[0];
    EXPECT_EQ(m.broker_name, "broker-a");
    EXPECT_EQ(m.broker_id, 0);
    EXPECT_EQ(m.cluster, "C1");
    EXPECT_EQ(m.state, BrokerState::ok);
    ASSERT_TRUE(m.runtime.has_value());
    EXPECT_EQ(m.runtime->version_desc, "V4_9_7");
    EXPECT_EQ(m.permission, 6);
    const auto& s = view->brokers[1];
    EXPECT_EQ(s.broker_id, 1);
    EXPECT_EQ(s.state, BrokerState::starting);
    EXPECT_EQ(s.permission, 4);
    ASSERT_EQ(view->disagreements.size(), 1U);
    EXPECT_EQ(view->disagreements[0], ns2->addr() + " lacks broker-a@1 (" + slave->addr() + ")");
}

TEST(ClusterView, UnreachableBrokerIsReportedNotFatal) {
    std::string gone;
    {
        ScriptedServer s([](nettest::Session&, const SeenFrame&) {});
        gone = s.addr();
    }
    auto ns = nameserver(cluster_body(gone, ""));
    RemotingClient client;

    auto view = fetch_cluster_view(client, {ns->addr()}, 500ms);

    ASSERT_TRUE(view.ok()) << view.error().describe();
    ASSERT_EQ(view->brokers.size(), 1U);
    EXPECT_EQ(view->brokers[0].state, BrokerState::failed);
    ASSERT_TRUE(view->brokers[0].error.has_value());
    EXPECT_EQ(view->brokers[0].error->kind, ErrorKind::unreachable);
}

TEST(ClusterView, NoNameServerAnsweringIsAnError) {
    ScriptedServer silent([](nettest::Session&, const SeenFrame&) {});
    RemotingClient client;

    auto view = fetch_cluster_view(client, {silent.addr()}, 200ms);

    ASSERT_FALSE(view.ok());
    EXPECT_EQ(view.error().kind, ErrorKind::timeout);
}

TEST(ClusterView, OneNameServerDownStillGivesTheView) {
    ScriptedServer silent([](nettest::Session&, const SeenFrame&) {});
    auto b = broker("clusterList__03_GET_BROKER_RUNTIME_INFO", 6);
    auto ns = nameserver(cluster_body(b->addr(), ""));
    RemotingClient client;

    auto view = fetch_cluster_view(client, {silent.addr(), ns->addr()}, 200ms);

    ASSERT_TRUE(view.ok()) << view.error().describe();
    EXPECT_TRUE(view->nameservers[0].error.has_value());
    EXPECT_EQ(view->brokers.size(), 1U);
    EXPECT_TRUE(view->disagreements.empty());
}

}  // namespace
}  // namespace rmqup::net
