// Plan file: round trip, hash over the canonical content, tamper detection.
#include <gtest/gtest.h>

#include "plan_fixture.hpp"
#include "rmqup/plan/plan_io.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

Plan sample_plan() {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->add_topic("OnlyOnA", 4);
    admin.find("127.0.0.2:10921")->version_desc = "V4_9_7";
    PlanRequest req = fixed_request();
    req.accepted_risks = {"single-group-topic"};
    std::string text = std::string(k_two_groups) +
                       "acl: {accessKey: \"${AK}\", secretKey: \"${SK}\"}\n"
                       "policy: {canary: broker-b, pauseAfterCanary: 1m, probeTopic: P, onFailure: pause, "
                       "drain: {tpsThreshold: 0.25}}\n";
    auto plan = make_plan(parse_or_die(text), &admin, req);
    EXPECT_TRUE(plan.ok());
    return *plan;
}

TEST(PlanIo, RoundTripKeepsEveryFieldAndTheHash) {
    Plan plan = sample_plan();
    std::string text = plan_to_json(plan);
    auto back = plan_from_json(text, "plan.json");
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(plan_to_json(*back), text);
    EXPECT_EQ(plan_hash(*back), plan_hash(plan));
    EXPECT_NE(text.find("\"hash\": \"" + plan_hash(plan) + "\""), std::string::npos);
    EXPECT_EQ(plan_hash(plan).size(), 64u);
    EXPECT_EQ(back->nodes.size(), plan.nodes.size());
    auto skipped = std::find_if(back->nodes.begin(), back->nodes.end(), [](const PlanNode& n) { return n.id == "broker:broker-a:1"; });
    ASSERT_NE(skipped, back->nodes.end());
    EXPECT_TRUE(skipped->skip);
    EXPECT_EQ(back->policy.canary_group, "broker-b");
    EXPECT_DOUBLE_EQ(back->policy.drain.tps_threshold, 0.25);
    EXPECT_EQ(back->acl_secret_key_ref, "${SK}");
    ASSERT_TRUE(finding(*back, "single-group-topic"));
    EXPECT_TRUE(finding(*back, "single-group-topic")->accepted);
}

TEST(PlanIo, AnyEditIsDetected) {
    std::string text = plan_to_json(sample_plan());
    for (auto [from, to] : {std::pair<std::string, std::string>{"\"batchSize\": 1", "\"batchSize\": 2"},
                            {"brokerPermission", "brokerPermissio"},
                            {"\"accepted\": true", "\"accepted\": false"},
                            {"/opt/rocketmq-4.9.7/bin/mqbroker", "/tmp/evil/bin/mqbroker"}}) {
        std::string edited = text;
        auto pos = edited.find(from);
        if (pos == std::string::npos) continue;  // not every sample contains every field
        edited.replace(pos, from.size(), to);
        auto r = plan_from_json(edited, "plan.json");
        ASSERT_FALSE(r.ok()) << from;
        EXPECT_EQ(r.error().kind, ErrorKind::conflict);
        EXPECT_EQ(r.error().message, "plan file was modified after review");
    }
}

TEST(PlanIo, HashDependsOnContent) {
    Plan a = sample_plan();
    Plan b = a;
    b.nodes[0].target.start_command += " ";
    EXPECT_NE(plan_hash(a), plan_hash(b));
    Plan c = a;
    EXPECT_EQ(plan_hash(a), plan_hash(c));
}

TEST(PlanIo, MissingHashOrGarbageIsInvalidInput) {
    auto r = plan_from_json("{\"cluster\": \"x\"}", "p.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
    auto g = plan_from_json("not json", "p.json");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().kind, ErrorKind::invalid_input);
}

}  // namespace
