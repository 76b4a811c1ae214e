// The simulated broker's ACL remarks compared with a real 4.9.7 ACL broker's, using the signed
// requests of the acl fixtures (secrets from acl/SIGNING.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fixture_frames.hpp"
#include "plain_acl.hpp"

namespace rmqsim {
namespace {

using test::fixture_frame;

PlainAcl fixture_accounts() {
    PlainAcl acl;
    acl.add_account("rmqadmin", "rmqadmin-secret-123", true);
    acl.add_account("rmquser", "rmquser-secret-456", false);
    return acl;
}

void expect_same_remark(const PlainAcl& acl, const std::string& name) {
    SCOPED_TRACE(name);
    auto req = fixture_frame("acl/" + name + ".request.bin");
    auto real = fixture_frame("acl/" + name + ".response.bin");
    auto ours = acl.check(req);
    if (real.code == 0) {
        EXPECT_FALSE(ours.has_value()) << ours.value_or("");
    } else {
        ASSERT_TRUE(ours.has_value());
        EXPECT_EQ(real.code, 1);
        EXPECT_EQ(*ours, real.remark.value_or(""));
    }
}

TEST(PlainAcl, RemarksMatchTheRealBroker) {
    auto acl = fixture_accounts();
    for (const char* name : {"acl-unsigned-getBrokerConfig__01_GET_BROKER_CONFIG",
                             "acl-unsigned-updateBrokerConfig__01_UPDATE_BROKER_CONFIG",
                             "acl-unsigned-brokerStatus-raw__01_GET_BROKER_RUNTIME_INFO",
                             "acl-defaultcreds-rocketmq2-brokerStatus__02_GET_BROKER_RUNTIME_INFO",
                             "acl-badsecret-getBrokerConfig__02_GET_BROKER_CONFIG",
                             "acl-user-updateBrokerConfig__02_UPDATE_BROKER_CONFIG",
                             "acl-user-getBrokerConfig__02_GET_BROKER_CONFIG",
                             "acl-admin-getBrokerConfig__01_GET_BROKER_CONFIG",
                             "acl-admin-updateBrokerConfig-perm4__01_UPDATE_BROKER_CONFIG",
                             "acl-admin-updateTopic__01_UPDATE_AND_CREATE_TOPIC_AclTopic"})
        expect_same_remark(acl, name);
}

TEST(PlainAcl, LoadsAccountsFromPlainAclYaml) {
    auto dir = std::filesystem::temp_directory_path() / ("rmqsim-acl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "plain_acl.yml") << "globalWhiteRemoteAddresses:\n"
                                            "accounts:\n"
                                            "  - accessKey: rmqadmin\n"
                                            "    secretKey: rmqadmin-secret-123\n"
                                            "    admin: true\n"
                                            "  - accessKey: rmquser\n"
                                            "    secretKey: rmquser-secret-456\n"
                                            "    admin: false\n";
    auto acl = PlainAcl::load((dir / "plain_acl.yml").string());
    ASSERT_TRUE(acl.ok());
    expect_same_remark(*acl, "acl-admin-updateBrokerConfig-perm4__01_UPDATE_BROKER_CONFIG");
    expect_same_remark(*acl, "acl-user-updateBrokerConfig__02_UPDATE_BROKER_CONFIG");
    std::filesystem::remove_all(dir);
    EXPECT_FALSE(PlainAcl::load((dir / "missing.yml").string()).ok());
}

}  // namespace
}  // namespace rmqsim
