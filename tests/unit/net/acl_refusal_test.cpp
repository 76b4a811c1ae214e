// ACL refusals of a real 4.9.7 broker (broker-c of the ACL captures) are ErrorKind::denied with
// the broker's remark, so callers file them as an account problem, not as an unreachable broker;
// an empty UPDATE_BROKER_CONFIG (the planner's admin-rights probe) goes out without a body.
#include <gtest/gtest.h>

#include <chrono>

#include "rmqup/net/remoting_admin.hpp"
#include "scripted_server.hpp"

namespace rmqup::net {
namespace {

using namespace std::chrono_literals;

class AclRefusal : public ::testing::Test {
protected:
    void serve_fixture(const std::string& name) {
        m_server = std::make_unique<nettest::ScriptedServer>(
            nettest::replay([name](const nettest::SeenFrame&) { return nettest::fixture(name); }));
    }
    std::string addr() const { return m_server->addr(); }

    static ClientOptions options() {
        ClientOptions o;
        o.connect_timeout = 500ms;
        o.request_timeout = 500ms;
        return o;
    }
    RemotingClient m_client{options()};
    RemotingAdmin m_admin{m_client, 400ms};
    std::unique_ptr<nettest::ScriptedServer> m_server;
};

TEST_F(AclRefusal, NonAdminAccountRefusedUpdateBrokerConfigIsDenied) {
    serve_fixture("acl/acl-user-updateBrokerConfig__02_UPDATE_BROKER_CONFIG");
    auto st = m_admin.update_broker_config(addr(), {});
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::denied);
    EXPECT_EQ(st.error().code, 1);
    EXPECT_NE(st.error().remark.find("Need admin permission for request code=25"), std::string::npos);
    ASSERT_FALSE(m_server->seen().empty());
    EXPECT_EQ(m_server->seen().back().code(), 25);
    EXPECT_TRUE(m_server->seen().back().body.empty());  // no body: the broker would change nothing
}

TEST_F(AclRefusal, UnsignedAndBadSecretReadsAreDenied) {
    serve_fixture("acl/acl-unsigned-getBrokerConfig__01_GET_BROKER_CONFIG");
    auto cfg = m_admin.broker_config(addr());
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().kind, ErrorKind::denied);
    EXPECT_NE(cfg.error().remark.find("No accessKey is configured"), std::string::npos);

    serve_fixture("acl/acl-defaultcreds-rocketmq2-brokerStatus__02_GET_BROKER_RUNTIME_INFO");
    auto rt = m_admin.runtime_info(addr());
    ASSERT_FALSE(rt.ok());
    EXPECT_EQ(rt.error().kind, ErrorKind::denied);

    serve_fixture("acl/acl-badsecret-getBrokerConfig__02_GET_BROKER_CONFIG");
    auto bad = m_admin.broker_config(addr());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ErrorKind::denied);
    EXPECT_NE(bad.error().remark.find("Check signature failed"), std::string::npos);
}

TEST_F(AclRefusal, OtherSystemErrorsStayRejected) {
    serve_fixture("topicRoute-missing__02_GET_ROUTEINFO_BY_TOPIC_NoSuchTopic_xyz");
    auto r = m_admin.topic_route(addr(), "NoSuchTopic_xyz");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
}

}  // namespace
}  // namespace rmqup::net
