// ACL switched on at the restart (the 4.1 -> 4.8 operator's goal): the client census against the
// plain_acl.yml that will be live (acl-clients), and the white-list rules and signing ability it
// rests on (RemoteAddressStrategyFactory and the acl module of rocketmq-all-4.4.0 / 4.8.0).
#include <gtest/gtest.h>

#include "fake_host_probe.hpp"
#include "plan_fixture.hpp"
#include "rmqup/core/version.hpp"
#include "rmqup/plan/census.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

constexpr const char* k_master_a = "127.0.0.1:10911";
constexpr const char* k_master_b = "127.0.0.2:10911";
constexpr const char* k_current_acl = "/opt/rocketmq-4.8.0/conf/plain_acl.yml";
constexpr const char* k_target_acl = "/opt/rocketmq-4.9.7/conf/plain_acl.yml";

int ordinal(int major, int minor, int patch) { return RmqVersion{major, minor, patch}.ordinal().value_or(-1); }

// k_two_groups with aclEnable=true set at every broker's restart.
std::string switching_on(bool carry) {
    std::string text = k_two_groups;
    for (const char* store : {"/s/a}", "/s/a-s}", "/s/b}", "/s/b-s}"}) {
        std::string s = store;
        const auto pos = text.find("storePathRootDir: " + s);
        text.replace(pos, 18 + s.size(), "storePathRootDir: " + s.substr(0, s.size() - 1) + ", overrides: {aclEnable: true}}");
    }
    if (!carry) text += "policy:\n  carryAclFile: false\n";
    return text;
}

std::string acl_file(const std::string& global, const std::string& account_white = "") {
    return "globalWhiteRemoteAddresses:\n" + (global.empty() ? std::string("  []\n") : "  - " + global + "\n") +
           "accounts:\n"
           "  - accessKey: app\n"
           "    secretKey: app-secret-value\n"
           "    whiteRemoteAddress: " + account_white + "\n"
           "    admin: false\n";
}

// One consumer group with one client on both masters (and its %RETRY% topic).
void add_consumer(FakeAdmin& admin, const std::string& group, const std::string& addr, const std::string& language,
                  int version) {
    for (const char* m : {k_master_a, k_master_b}) {
        auto* b = admin.find(m);
        b->add_topic("%RETRY%" + group, 1);
        rmq::Connection c;
        c.client_id = addr + "@1";
        c.client_addr = addr;
        c.language = language;
        c.version = version;
        b->consumer_connections[group].connection_set.push_back(c);
    }
}

struct Planned {
    Plan plan;
    std::vector<const CheckFinding*> of(const std::string& id, Severity s) const {
        std::vector<const CheckFinding*> out;
        for (const auto& f : plan.findings)
            if (f.id == id && f.severity == s) out.push_back(&f);
        return out;
    }
};

Planned plan_with(FakeAdmin& admin, FakeHost& host, const std::string& text) {
    PlanRequest req = fixed_request();
    req.host_ops = provider_of(host);
    auto plan = make_plan(parse_or_die(text), &admin, req);
    EXPECT_TRUE(plan.ok());
    return Planned{plan.ok() ? *plan : Plan{}};
}

TEST(AclCensus, OldJavaClientOutsideTheWhiteListBlocksWithGroupAddressLanguageVersion) {
    auto admin = healthy_two_groups();
    add_consumer(admin, "billing", "10.0.0.5:5000", "JAVA", ordinal(4, 1, 0));
    FakeHost host;
    host.files[k_target_acl] = acl_file("192.168.0.*");
    auto p = plan_with(admin, host, switching_on(false));
    auto errors = p.of("acl-clients", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "consumer group billing");
    for (const char* part : {"10.0.0.5:5000", "JAVA", "4.1.0", "aclEnable=true"})
        EXPECT_NE(errors[0]->message.find(part), std::string::npos) << part << " in " << errors[0]->message;
    EXPECT_EQ(errors[0]->message.find("app-secret-value"), std::string::npos);
    EXPECT_TRUE(plan_blocked(p.plan));
}

TEST(AclCensus, WhiteListedOldClientPasses) {
    auto admin = healthy_two_groups();
    add_consumer(admin, "billing", "10.0.0.5:5000", "JAVA", ordinal(4, 1, 0));
    FakeHost host;
    host.files[k_target_acl] = acl_file("10.0.0.1-9");
    auto p = plan_with(admin, host, switching_on(false));
    EXPECT_TRUE(p.of("acl-clients", Severity::error).empty());
    auto infos = p.of("acl-clients", Severity::info);
    ASSERT_FALSE(infos.empty());
    EXPECT_NE(infos.back()->message.find("1 covered by globalWhiteRemoteAddresses"), std::string::npos)
        << infos.back()->message;
}

TEST(AclCensus, JavaClientsThatCanSignAreOnlyNoted) {
    auto admin = healthy_two_groups();
    add_consumer(admin, "orders", "10.0.0.7:6000", "JAVA", ordinal(4, 9, 7));
    FakeHost host;
    host.files[k_target_acl] = acl_file("");
    auto p = plan_with(admin, host, switching_on(false));
    EXPECT_TRUE(p.of("acl-clients", Severity::error).empty());
    EXPECT_TRUE(p.of("acl-clients", Severity::warning).empty());
    auto infos = p.of("acl-clients", Severity::info);
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_NE(infos[0]->message.find("1 Java client(s) of 4.4.0 or later (orders)"), std::string::npos)
        << infos[0]->message;
}

TEST(AclCensus, NonJavaClientsWarnWhenRecentAndBlockWhenOld) {
    auto admin = healthy_two_groups();
    add_consumer(admin, "go-app", "10.0.0.8:7000", "GO", ordinal(4, 9, 7));
    add_consumer(admin, "py-app", "10.0.0.9:7000", "PYTHON", 1);
    FakeHost host;
    host.files[k_target_acl] = acl_file("");
    auto p = plan_with(admin, host, switching_on(false));
    auto warnings = p.of("acl-clients", Severity::warning);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0]->subject, "consumer group go-app");
    auto errors = p.of("acl-clients", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]->subject, "consumer group py-app");
    EXPECT_NE(errors[0]->message.find("PYTHON ordinal 1"), std::string::npos) << errors[0]->message;
}

TEST(AclCensus, AnAccountsWhiteAddressDoesNotAdmitAClientThatCannotSign) {
    auto admin = healthy_two_groups();
    add_consumer(admin, "billing", "10.0.0.5:5000", "JAVA", ordinal(4, 2, 0));
    FakeHost host;
    host.files[k_target_acl] = acl_file("", "10.0.0.*");
    auto p = plan_with(admin, host, switching_on(false));
    auto errors = p.of("acl-clients", Severity::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0]->message.find("account app's whiteRemoteAddress matches"), std::string::npos) << errors[0]->message;
}

TEST(AclCensus, CarryingAFileTheCurrentHomeLacksBlocks) {
    // 4.1.0 homes ship no plain_acl.yml: with carryAclFile the roll would stop at the carry step.
    auto admin = healthy_two_groups();
    FakeHost host;
    host.files[k_target_acl] = acl_file("");
    auto p = plan_with(admin, host, switching_on(true));
    auto errors = p.of("acl-file", Severity::error);
    ASSERT_FALSE(errors.empty());
    EXPECT_NE(errors[0]->message.find("carryAclFile: false"), std::string::npos) << errors[0]->message;

    host.files[k_current_acl] = acl_file("");
    auto carried = plan_with(admin, host, switching_on(true));
    EXPECT_TRUE(carried.of("acl-file", Severity::error).empty());
}

TEST(AclCensus, BrokersAlreadyRunningAclAreNotACensus) {
    auto admin = healthy_two_groups();
    for (auto& b : admin.brokers) b.config.emplace_back("aclEnable", "true");
    add_consumer(admin, "billing", "10.0.0.5:5000", "JAVA", ordinal(4, 1, 0));
    FakeHost host;
    auto p = plan_with(admin, host, switching_on(false));
    for (const auto& f : p.plan.findings) EXPECT_NE(f.id, "acl-clients") << f.message;
    EXPECT_EQ(admin.calls["consumer_connections"], 0);
}

TEST(AclCensus, ATargetWithoutAclSaysTheKeyDoesNothing) {
    std::string text = switching_on(false);
    text.replace(text.find("currentVersion: 4.8.0"), 21, "currentVersion: 4.1.0");
    text.replace(text.find("targetVersion: 4.9.7"), 20, "targetVersion: 4.3.2");
    auto admin = healthy_two_groups();
    for (auto& b : admin.brokers) b.version_desc = "V4_1_0_SNAPSHOT";
    FakeHost host;
    auto p = plan_with(admin, host, text);
    auto warnings = p.of("acl-clients", Severity::warning);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0]->message.find("4.3.2 has no ACL"), std::string::npos) << warnings[0]->message;
}

// --- the rules the census rests on ---

TEST(WhiteAddress, ReadsEveryFormOfRemoteAddressStrategyFactory) {
    struct Case {
        const char* pattern;
        const char* ip;
        bool covered;
    };
    const Case cases[] = {
        {"*", "10.1.2.3", true},
        {"*.*.*.*", "10.1.2.3", true},
        {"10.1.2.3", "10.1.2.3", true},
        {"10.1.2.3", "10.1.2.4", false},
        {"10.1.2.{3,4}", "10.1.2.4", true},
        {"10.1.2.{3,4}", "10.1.2.5", false},
        {"10.1.2.3,10.1.2.9", "10.1.2.9", true},
        {"10.1.*.*", "10.1.200.7", true},
        {"10.1.*.*", "10.2.0.7", false},
        {"10.1.2.1-5", "10.1.2.5", true},
        {"10.1.2.1-5", "10.1.2.6", false},
        {"10.1.0-3.*", "10.1.3.77", true},
        {"", "10.1.2.3", false},
        {"fe80::1", "10.1.2.3", false},
        {"10.1.2.3", "not-an-address", false},
    };
    for (const auto& c : cases) EXPECT_EQ(white_address_matches(c.pattern, c.ip), c.covered) << c.pattern << " vs " << c.ip;
}

TEST(ClientSigning, JavaFrom440SignsOlderAndUnknownNonJavaDoNot) {
    EXPECT_EQ(client_signing("JAVA", ordinal(4, 4, 0)), ClientSigning::can_sign);
    EXPECT_EQ(client_signing("JAVA", ordinal(4, 3, 2)), ClientSigning::cannot_sign);
    EXPECT_EQ(client_signing("JAVA", ordinal(3, 2, 6)), ClientSigning::cannot_sign);
    EXPECT_EQ(client_signing("CPP", ordinal(4, 9, 7)), ClientSigning::unknown);
    EXPECT_EQ(client_signing("CPP", ordinal(4, 1, 0)), ClientSigning::cannot_sign);
    EXPECT_EQ(client_signing("PYTHON", 1), ClientSigning::cannot_sign);
}

TEST(PlainAclFile, ReadsWhiteListsAndAccountsButNeverSaysTheSecret) {
    auto rules = parse_plain_acl("globalWhiteRemoteAddresses:\n  - 10.10.103.*\n  - 192.168.0.*\naccounts:\n"
                                 "  - accessKey: RocketMQ\n    secretKey: 12345678\n    whiteRemoteAddress: 192.168.0.*\n"
                                 "    admin: true\n",
                                 "plain_acl.yml");
    ASSERT_TRUE(rules.ok());
    EXPECT_EQ(rules->global_white_remote_addresses, (std::vector<std::string>{"10.10.103.*", "192.168.0.*"}));
    ASSERT_EQ(rules->accounts.size(), 1u);
    EXPECT_EQ(rules->accounts[0].access_key, "RocketMQ");
    EXPECT_TRUE(rules->accounts[0].admin);
    EXPECT_EQ(global_white_entry(*rules, "192.168.0.7"), std::optional<std::string>("192.168.0.*"));

    auto bad = parse_plain_acl("accounts:\n  - accessKey: a\n    secretKey: [s3cret\n", "x.yml");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().describe().find("s3cret"), std::string::npos) << bad.error().describe();
}

}  // namespace
