// rmq-sim's NameServer of each version against that version's real frames (3.2.6, 4.1.0, 4.6.0,
// 5.3.3 and the mixed 3.2.6/4.6.0 pairs), byte for byte where the real output is deterministic.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "namesrv.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/codec.hpp"

namespace rmqsim {
namespace {

namespace rmq = rmqup::rmq;
constexpr std::int64_t k_now = 1796083000000;

std::string bytes_of(const std::string& folder, const std::string& name) {
    std::ifstream in(std::string(RMQUP_FIXTURES) + "/" + folder + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << folder << "/" << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

rmq::RemotingCommand frame_of(const std::string& folder, const std::string& name) {
    auto cmd = rmq::decode_frame(bytes_of(folder, name));
    EXPECT_TRUE(cmd.ok()) << folder << "/" << name;
    return cmd.ok() ? *cmd : rmq::RemotingCommand{};
}

// One NameServer of a version, fed with the captured requests of a folder.
class VersionedNamesrv {
public:
    VersionedNamesrv(rmqup::RmqVersion v, std::string folder) : m_core(v), m_folder(std::move(folder)) {}
    // The encoded reply to the request of exchange `name` ("" when there is none).
    std::string answer(const std::string& name, std::uint64_t conn = 9) {
        auto r = m_core.handle(frame_of(m_folder, name + ".request.bin"), conn, k_now);
        return r ? rmq::encode_frame(*r) : std::string();
    }
    std::string real(const std::string& name) { return bytes_of(m_folder, name + ".response.bin"); }
    std::optional<rmq::RemotingCommand> handle(const rmq::RemotingCommand& req) { return m_core.handle(req, 1, k_now); }
    NameServerCore& core() { return m_core; }

private:
    NameServerCore m_core;
    std::string m_folder;
};

TEST(Namesrv326, RegistrationClusterInfoRouteAndKvConfigAreByteIdentical) {
    VersionedNamesrv ns({3, 2, 6}, "rocketmq-3.2.6");
    EXPECT_EQ(ns.answer("broker-register__01_REGISTER_BROKER", 1), ns.real("broker-register__01_REGISTER_BROKER"));
    EXPECT_EQ(ns.answer("clusterList__02_GET_BROKER_CLUSTER_INFO"), ns.real("clusterList__02_GET_BROKER_CLUSTER_INFO"));
    EXPECT_EQ(ns.answer("clusterList__01_GET_KV_CONFIG"), ns.real("clusterList__01_GET_KV_CONFIG"));
    EXPECT_EQ(ns.answer("topicRoute__02_GET_ROUTEINFO_BY_TOPIC_TBW102"),
              ns.real("topicRoute__02_GET_ROUTEINFO_BY_TOPIC_TBW102"));
    // Even a 4.9.7 mqadmin (version 407) gets the fastjson form from a 3.2.6 NameServer.
    EXPECT_EQ(ns.answer("x497-clusterList__01_GET_ROUTEINFO_BY_TOPIC_TBW102"),
              ns.real("x497-clusterList__01_GET_ROUTEINFO_BY_TOPIC_TBW102"));
    EXPECT_EQ(ns.answer("clusterInfo-raw-v79__01_GET_BROKER_CLUSTER_INFO"),
              ns.real("clusterInfo-raw-v79__01_GET_BROKER_CLUSTER_INFO"));
    EXPECT_EQ(ns.answer("broker-register__05_UNREGISTER_BROKER", 1), ns.real("broker-register__05_UNREGISTER_BROKER"));
}

TEST(Namesrv326, WipeIsTheOnlyWayToReadOnlyAndStaysAfterRegistration) {
    VersionedNamesrv ns({3, 2, 6}, "rocketmq-3.2.6");
    ASSERT_FALSE(ns.answer("broker-register__04_REGISTER_BROKER", 1).empty());
    EXPECT_EQ(ns.answer("permwait-wipeWritePerm__01_WIPE_WRITE_PERM_OF_BROKER"),
              ns.real("permwait-wipeWritePerm__01_WIPE_WRITE_PERM_OF_BROKER"));
    EXPECT_EQ(ns.answer("permwait-wipeWritePerm__02_GET_ROUTEINFO_BY_TOPIC_TBW102"),
              ns.real("permwait-wipeWritePerm__02_GET_ROUTEINFO_BY_TOPIC_TBW102"));
    // The next periodic registration carries the same DataVersion: the wipe stays (7 -> 5).
    ASSERT_FALSE(ns.answer("broker-register__04_REGISTER_BROKER", 1).empty());
    EXPECT_EQ(ns.core().routes().route("TBW102")->queue_datas.at(0).perm, 5);
}

TEST(Namesrv326, UnknownCodeGetsNoReplyAndAddWritePermDoesNotExist) {
    VersionedNamesrv ns({3, 2, 6}, "rocketmq-3.2.6");
    EXPECT_EQ(ns.answer("unknownCode-ns__01_CODE_9999"), "");
    auto add = rmq::RemotingCommand::request(rmq::code::add_write_perm_of_broker, {{"brokerName", "broker-b"}});
    EXPECT_FALSE(ns.handle(add));
}

TEST(NamesrvMixed, A326NameServerRefusesA460BrokerLikeTheRealOne) {
    VersionedNamesrv ns({3, 2, 6}, "rocketmq-mixed-3.2.6-4.6.0");
    EXPECT_EQ(ns.answer("register-4.6.0-broker-to-3.2.6-ns__01_REGISTER_BROKER", 1),
              ns.real("register-4.6.0-broker-to-3.2.6-ns__01_REGISTER_BROKER"));
    EXPECT_EQ(ns.answer("ns326-register-probe-v140__01_REGISTER_BROKER", 1),
              ns.real("ns326-register-probe-v140__01_REGISTER_BROKER"));
    EXPECT_TRUE(ns.core().routes().cluster_info().broker_addr_table.empty());
    // UNREGISTER_BROKER has no version check.
    EXPECT_EQ(ns.answer("register-4.6.0-broker-to-3.2.6-ns__04_UNREGISTER_BROKER", 1),
              ns.real("register-4.6.0-broker-to-3.2.6-ns__04_UNREGISTER_BROKER"));
}

TEST(NamesrvMixed, A460NameServerAcceptsA326Broker) {
    VersionedNamesrv ns({4, 6, 0}, "rocketmq-mixed-3.2.6-4.6.0");
    EXPECT_EQ(ns.answer("register-3.2.6-broker-to-4.6.0-ns__01_REGISTER_BROKER", 1),
              ns.real("register-3.2.6-broker-to-4.6.0-ns__01_REGISTER_BROKER"));
    auto info = ns.core().routes().cluster_info();
    ASSERT_EQ(info.broker_addr_table.count("broker-m32"), 1u);
    EXPECT_EQ(info.broker_addr_table.at("broker-m32").cluster, "DefaultCluster");
    EXPECT_EQ(ns.answer("ns460-clusterList-mqadmin3.2.6__01_GET_KV_CONFIG"),
              ns.real("ns460-clusterList-mqadmin3.2.6__01_GET_KV_CONFIG"));
}

TEST(Namesrv410, RegistrationAndRoutesAreByteIdentical) {
    VersionedNamesrv ns({4, 1, 0}, "rocketmq-4.1.0");
    EXPECT_EQ(ns.answer("broker-register__01_REGISTER_BROKER", 1), ns.real("broker-register__01_REGISTER_BROKER"));
    EXPECT_EQ(ns.answer("clusterInfo-raw-v232__01_GET_BROKER_CLUSTER_INFO"),
              ns.real("clusterInfo-raw-v232__01_GET_BROKER_CLUSTER_INFO"));
    EXPECT_EQ(ns.answer("topicRoute-raw-v232__01_GET_ROUTEINFO_BY_TOPIC_TBW102"),
              ns.real("topicRoute-raw-v232__01_GET_ROUTEINFO_BY_TOPIC_TBW102"));
    EXPECT_EQ(ns.answer("unknownCode-ns__01_CODE_9999"), "");
}

TEST(Namesrv460, RegistrationAndRoutesAreByteIdentical) {
    VersionedNamesrv ns({4, 6, 0}, "rocketmq-4.6.0");
    EXPECT_EQ(ns.answer("broker-register__01_REGISTER_BROKER", 1), ns.real("broker-register__01_REGISTER_BROKER"));
    EXPECT_EQ(ns.answer("clusterInfo-raw-v333__01_GET_BROKER_CLUSTER_INFO"),
              ns.real("clusterInfo-raw-v333__01_GET_BROKER_CLUSTER_INFO"));
    EXPECT_EQ(ns.answer("topicRoute-raw-v333__01_GET_ROUTEINFO_BY_TOPIC_TBW102"),
              ns.real("topicRoute-raw-v333__01_GET_ROUTEINFO_BY_TOPIC_TBW102"));
    EXPECT_EQ(ns.answer("unknownCode-ns__01_CODE_9999"), "");
}

TEST(Namesrv533, RegistrationClusterInfoRoutesAndUnknownCode) {
    VersionedNamesrv ns({5, 3, 3}, "rocketmq-5.3.3");
    EXPECT_EQ(ns.answer("broker-register__01_REGISTER_BROKER", 1), ns.real("broker-register__01_REGISTER_BROKER"));
    EXPECT_EQ(ns.answer("clusterList__01_GET_BROKER_CLUSTER_INFO"), ns.real("clusterList__01_GET_BROKER_CLUSTER_INFO"));
    for (const char* name : {"route-v333__01_GET_ROUTEINFO_BY_TOPIC_TBW102", "route-v401__01_GET_ROUTEINFO_BY_TOPIC_TBW102",
                             "route-v333-acceptStandardJsonOnly__01_GET_ROUTEINFO_BY_TOPIC_TBW102",
                             "route-missing-topic__01_GET_ROUTEINFO_BY_TOPIC_NoSuchTopic_xyz"}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(ns.answer(name), ns.real(name));
    }
    EXPECT_EQ(ns.answer("unknownCode-ns__01_CODE_9999"), ns.real("unknownCode-ns__01_CODE_9999"));
}

TEST(Namesrv533, CompressedRegisterFailsAsUpstreamDoes) {
    VersionedNamesrv ns({5, 3, 3}, "rocketmq-5.3.3");
    EXPECT_EQ(ns.answer("broker-register-compressedRegister-true__01_REGISTER_BROKER", 1),
              ns.real("broker-register-compressedRegister-true__01_REGISTER_BROKER"));
    EXPECT_TRUE(ns.core().routes().cluster_info().broker_addr_table.empty());
}

}  // namespace
}  // namespace rmqsim
