#include "rmqup/remoting/acl.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace rmqup::rmq {
namespace {

using test::fixture_cmd;

// The secret the capture used for a signed fixture (acl/SIGNING.md).
std::string secret_for(const std::string& rel, const std::string& access_key) {
    if (rel.find("acl-badsecret-") != std::string::npos && access_key == "rmqadmin")
        return "WRONG-secret";
    if (access_key == "rmqadmin")
        return "rmqadmin-secret-123";
    if (access_key == "rmquser")
        return "rmquser-secret-456";
    return "12345678";  // rocketmq2, distribution conf/tools.yml
}

TEST(Acl, WorkedExamplesFromSigningDoc) {
    EXPECT_EQ(acl_signature("rmqadmin-secret-123", "rmqadmin"), "Ifowk4LCz8Nnw1jFcyficAbpIH8=");
    EXPECT_EQ(acl_signature("rmqadmin-secret-123", "rmqadminbrokerPermission=4\n"), "5rpj9JYzINSby0Jt1vW/JeKXbY0=");
    EXPECT_EQ(acl_signature("rmqadmin-secret-123", "rmqadminTBW102false62AclTopicSINGLE_TAG02"), "MV326mQ76QtgSNUgclcP7NmJUww=");
    EXPECT_EQ(acl_signature("12345678", "rocketmq2"), "Ou1T58RIcyZWaTIwzkhJZWn/Zvs=");
}

TEST(Acl, SignedContentOfUpdateTopic) {
    auto cmd = fixture_cmd("acl/acl-admin-updateTopic__01_UPDATE_AND_CREATE_TOPIC_AclTopic.request.bin");
    EXPECT_EQ(acl_signed_content(cmd), "rmqadminTBW102false62AclTopicSINGLE_TAG02");
    EXPECT_EQ(cmd.ext("Signature"), "MV326mQ76QtgSNUgclcP7NmJUww=");
}

TEST(Acl, EveryCapturedSignatureRecomputes) {
    std::size_t signed_frames = 0;
    for (const auto& rel : test::all_fixture_frames()) {
        if (rel.find(".request.bin") == std::string::npos)
            continue;
        auto cmd = fixture_cmd(rel);
        auto sig = cmd.ext("Signature");
        if (!sig)
            continue;
        auto ak = cmd.ext("AccessKey").value_or("");
        std::string secret = secret_for(rel, ak);
        EXPECT_EQ(acl_signature(secret, acl_signed_content(cmd)), *sig) << rel;
        EXPECT_TRUE(acl_verify(cmd, secret)) << rel;
        EXPECT_FALSE(acl_verify(cmd, secret + "x")) << rel;
        ++signed_frames;
    }
    EXPECT_GE(signed_frames, 120u);  // 122 signed requests captured
}

TEST(Acl, SignFreshRequestLikeMqadmin) {
    // SEND_MESSAGE_V2 from sendMessage__04: same fields and body, same signature.
    auto captured = fixture_cmd("sendMessage__04_SEND_MESSAGE_V2.request.bin");
    RemotingCommand fresh = RemotingCommand::request(code::send_message_v2);
    for (const auto& [k, v] : captured.ext_fields)
        if (k != "Signature" && k != "AccessKey")
            fresh.set_ext(k, v);
    fresh.body = captured.body;
    acl_sign(fresh, AclCredentials{"rocketmq2", Secret("12345678")});
    EXPECT_EQ(fresh.ext("Signature"), "Fk8w2hpQmujYpvBI3ijT7TFOrNg=");
    EXPECT_EQ(fresh.ext("AccessKey"), "rocketmq2");
    EXPECT_TRUE(acl_verify(fresh, "12345678"));

    RemotingCommand cluster = RemotingCommand::request(code::get_broker_cluster_info);
    acl_sign(cluster, AclCredentials{"rocketmq2", Secret("12345678")});
    EXPECT_EQ(cluster.ext("Signature"), "Ou1T58RIcyZWaTIwzkhJZWn/Zvs=");
    // Signing twice replaces, never duplicates.
    acl_sign(cluster, AclCredentials{"rocketmq2", Secret("12345678")});
    EXPECT_EQ(cluster.ext_fields.size(), 2u);
    EXPECT_EQ(cluster.ext("Signature"), "Ou1T58RIcyZWaTIwzkhJZWn/Zvs=");
}

TEST(Acl, VerifyRejectsUnsignedAndTampered) {
    auto unsigned_cmd = fixture_cmd("acl/acl-unsigned-getBrokerConfig__01_GET_BROKER_CONFIG.request.bin");
    EXPECT_FALSE(acl_verify(unsigned_cmd, "rmqadmin-secret-123"));
    auto cmd = fixture_cmd("acl/acl-admin-updateBrokerConfig-perm4__01_UPDATE_BROKER_CONFIG.request.bin");
    EXPECT_TRUE(acl_verify(cmd, "rmqadmin-secret-123"));
    cmd.body = "brokerPermission=6\n";
    EXPECT_FALSE(acl_verify(cmd, "rmqadmin-secret-123"));
    EXPECT_FALSE(AclCredentials{}.enabled());
    EXPECT_TRUE((AclCredentials{"ak", Secret("sk")}.enabled()));
}

}  // namespace
}  // namespace rmqup::rmq
