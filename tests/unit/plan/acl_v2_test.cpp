// ACL 1.0 (4.x plain_acl.yml, aclEnable=true) going to 5.3.3, which no longer reads aclEnable
// (RIP-77, apache/rocketmq #9363): the plan carries the ACL 2.0 equivalent (AuthConfig keys) as
// overrides or blocks; authentication never silently switches off. One test per case.
#include <gtest/gtest.h>

#include "fake_host_probe.hpp"
#include "plan_fixture.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

constexpr const char* k_current_acl = "/opt/rocketmq-4.8.0/conf/plain_acl.yml";
constexpr const char* k_no_white_list = "globalWhiteRemoteAddresses:\naccounts:\n  - accessKey: admin\n    secretKey: x\n";

std::string to_version(const std::string& target, std::string text = k_two_groups) {
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: " + target);
    text.replace(text.find("targetHome: /opt/rocketmq-4.9.7"), 31, "targetHome: /opt/rocketmq-" + target);
    return text;
}

// Every broker runs ACL 1.0; the slaves' inner credentials are in the config files (reported live).
FakeAdmin acl_v1_cluster(bool inner_credentials = true) {
    auto admin = healthy_two_groups();
    for (auto& b : admin.brokers) {
        b.config.emplace_back("aclEnable", "true");
        if (inner_credentials) b.config.emplace_back("innerClientAuthenticationCredentials", "{\"accessKey\":\"a\"}");
    }
    return admin;
}

Plan plan_of(FakeAdmin& admin, FakeHost& host, const std::string& text) {
    PlanRequest req = fixed_request();
    req.host_ops = provider_of(host);
    auto plan = make_plan(parse_or_die(text), &admin, req);
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

std::optional<std::string> override_of(const Plan& plan, const std::string& node_id, const std::string& key) {
    for (const auto& n : plan.nodes)
        if (n.id == node_id)
            for (const auto& [k, v] : n.config_overrides)
                if (k == key) return v;
    return std::nullopt;
}

std::vector<const CheckFinding*> acl_v2(const Plan& plan, Severity s) {
    std::vector<const CheckFinding*> out;
    for (const auto& f : plan.findings)
        if (f.id == "acl-v2" && f.severity == s) out.push_back(&f);
    return out;
}

TEST(AclV2, AclEnableGoingTo533CarriesTheAcl2Equivalent) {
    auto admin = acl_v1_cluster();
    FakeHost host;
    host.files[k_current_acl] = k_no_white_list;
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    for (const char* id : {"broker:broker-a:0", "broker:broker-a:1", "broker:broker-b:0", "broker:broker-b:1"}) {
        EXPECT_EQ(override_of(plan, id, "authenticationEnabled"), std::optional<std::string>("true")) << id;
        EXPECT_EQ(override_of(plan, id, "authorizationEnabled"), std::optional<std::string>("true")) << id;
        EXPECT_EQ(override_of(plan, id, "migrateAuthFromV1Enabled"), std::optional<std::string>("true")) << id;
        EXPECT_EQ(override_of(plan, id, "authenticationMetadataProvider"),
                  std::optional<std::string>("org.apache.rocketmq.auth.authentication.provider."
                                             "LocalAuthenticationMetadataProvider"))
            << id;
        EXPECT_TRUE(override_of(plan, id, "authorizationMetadataProvider")) << id;
    }
    EXPECT_TRUE(acl_v2(plan, Severity::error).empty());
    auto info = acl_v2(plan, Severity::info);
    ASSERT_EQ(info.size(), 1u);
    EXPECT_NE(info[0]->message.find("no longer reads aclEnable"), std::string::npos) << info[0]->message;
}

TEST(AclV2, ATargetThatStillReadsAclEnableIsLeftAlone) {
    auto admin = acl_v1_cluster();
    FakeHost host;
    auto plan = plan_of(admin, host, to_version("5.3.2"));
    EXPECT_FALSE(override_of(plan, "broker:broker-a:0", "authenticationEnabled"));
    for (const auto& f : plan.findings) EXPECT_NE(f.id, "acl-v2") << f.message;
}

TEST(AclV2, AuthenticationSetOffWhileAclEnableIsOnBlocks) {
    auto admin = acl_v1_cluster();
    admin.find("127.0.0.1:10911")->config.emplace_back("authenticationEnabled", "false");
    FakeHost host;
    host.files[k_current_acl] = k_no_white_list;
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    auto errors = acl_v2(plan, Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "broker-a@0");
    EXPECT_NE(errors[0]->message.find("would come up without authentication"), std::string::npos);
    EXPECT_FALSE(override_of(plan, "broker:broker-a:0", "authenticationEnabled"));
    EXPECT_TRUE(plan_blocked(plan));
}

TEST(AclV2, Acl2WithoutAMetadataProviderBlocks) {
    auto admin = acl_v1_cluster();
    admin.find("127.0.0.2:10911")->config.emplace_back("authenticationEnabled", "true");
    FakeHost host;
    host.files[k_current_acl] = k_no_white_list;
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    auto errors = acl_v2(plan, Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "broker-b@0");
    EXPECT_NE(errors[0]->message.find("authenticationMetadataProvider"), std::string::npos);
}

TEST(AclV2, SlavesWithoutInnerCredentialsBlock) {
    auto admin = acl_v1_cluster(false);
    FakeHost host;
    host.files[k_current_acl] = k_no_white_list;
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    auto errors = acl_v2(plan, Severity::error);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0]->subject, "broker-a");
    EXPECT_NE(errors[0]->message.find("innerClientAuthenticationCredentials"), std::string::npos);
    for (const auto& n : plan.nodes) EXPECT_FALSE(override_of(plan, n.id, "innerClientAuthenticationCredentials"));
}

TEST(AclV2, AGlobalWhiteListBlocksBecauseAcl2HasNone) {
    auto admin = acl_v1_cluster();
    FakeHost host;
    host.files[k_current_acl] = "globalWhiteRemoteAddresses:\n  - 10.10.103.*\naccounts: []\n";
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    auto errors = acl_v2(plan, Severity::error);
    ASSERT_FALSE(errors.empty());
    EXPECT_NE(errors[0]->message.find("10.10.103.*"), std::string::npos) << errors[0]->message;
}

TEST(AclV2, AnUnreadableAclFileIsAWarningToAccept) {
    auto admin = acl_v1_cluster();
    FakeHost host;  // no file
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    auto warnings = acl_v2(plan, Severity::warning);
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings[0]->message.find("globalWhiteRemoteAddresses"), std::string::npos);
}

TEST(AclV2, ABrokerWithoutAclGetsNothing) {
    auto admin = healthy_two_groups();
    FakeHost host;
    auto plan = plan_of(admin, host, to_version("5.3.3"));
    for (const auto& n : plan.nodes) EXPECT_FALSE(override_of(plan, n.id, "authenticationEnabled")) << n.id;
    for (const auto& f : plan.findings) EXPECT_NE(f.id, "acl-v2") << f.message;
}

}  // namespace
