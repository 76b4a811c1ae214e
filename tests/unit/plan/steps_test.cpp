// steps_for lists exactly the engine's phases per node kind, with rendered commands and waits.
#include <gtest/gtest.h>

#include "plan_fixture.hpp"
#include "rmqup/plan/render.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

std::vector<Phase> phases(const std::vector<StepView>& steps) {
    std::vector<Phase> out;
    for (const auto& s : steps) out.push_back(s.phase);
    return out;
}

Plan offline(const std::string& text) {
    PlanRequest req = fixed_request();
    req.offline = true;
    auto plan = make_plan(parse_or_die(text), nullptr, req);
    EXPECT_TRUE(plan.ok());
    return *plan;
}

const PlanNode& node(const Plan& plan, const std::string& id) {
    for (const auto& n : plan.nodes) {
        if (n.id == id) return n;
    }
    throw std::logic_error("no node " + id);
}

TEST(Steps, MasterGoesThroughEveryBrokerPhase) {
    Plan plan = offline(k_two_groups);
    auto steps = steps_for(node(plan, "broker:broker-a:0"), plan);
    EXPECT_EQ(phases(steps), (std::vector<Phase>{Phase::set_read_only, Phase::confirm_read_only, Phase::drain, Phase::stop,
                                                 Phase::restore_config, Phase::start, Phase::await_registration,
                                                 Phase::set_read_write, Phase::confirm_read_write, Phase::verify}));
    EXPECT_EQ(steps[0].admin_calls, (std::vector<std::string>{"UPDATE_BROKER_CONFIG brokerPermission=4 -> 127.0.0.1:10911"}));
    EXPECT_EQ(steps[2].timeout, plan.policy.drain.timeout);
    EXPECT_EQ(steps[2].expected, plan.policy.drain.min_wait + plan.policy.drain.poll_interval);
    EXPECT_NE(steps[2].wait.find("every slave within"), std::string::npos);
    EXPECT_EQ(steps[3].commands.back(), "kill -TERM <pid of the process listening on 127.0.0.1:10911, "
                                            "identified by its socket>");
    EXPECT_NE(steps[5].commands.at(0).find(" && setsid nohup sh -c "), std::string::npos);
    EXPECT_NE(steps[5].commands.at(0).find("/opt/rocketmq-4.9.7/bin/mqbroker"), std::string::npos);
    EXPECT_NE(steps[6].wait.find("brokerVersionDesc is V4_9_7"), std::string::npos);
    EXPECT_EQ(steps[6].timeout, plan.policy.timeouts.start);
}

TEST(Steps, SlaveHasNoPermissionChanges) {
    Plan plan = offline(k_two_groups);
    auto steps = steps_for(node(plan, "broker:broker-a:1"), plan);
    EXPECT_EQ(phases(steps), (std::vector<Phase>{Phase::stop, Phase::restore_config, Phase::start,
                                                 Phase::await_registration, Phase::verify}));
}

TEST(Steps, NameServerStopsStartsAndWaitsForEveryBroker) {
    Plan plan = offline(k_two_groups);
    auto steps = steps_for(node(plan, "ns:127.0.0.2:9876"), plan);
    EXPECT_EQ(phases(steps), (std::vector<Phase>{Phase::stop, Phase::start, Phase::await_registration}));
    EXPECT_EQ(steps[2].timeout, plan.policy.timeouts.registration);
}

TEST(Steps, OverridesKillPolicyAndProbeAreRendered) {
    std::string text = k_two_groups;
    auto pos = text.find("storePathRootDir: /s/a}");
    text.replace(pos, 23, "storePathRootDir: /s/a, overrides: {aclEnable: true}}");
    text += "policy: {killPolicy: kill-after-term, probeTopic: PROBE}\n";
    Plan plan = offline(text);
    auto steps = steps_for(node(plan, "broker:broker-a:0"), plan);
    EXPECT_NE(steps[4].commands.at(0).find("+ overrides aclEnable=true"), std::string::npos);
    EXPECT_EQ(steps[3].commands.back(), "kill -KILL <pid> if still alive after 1m");
    EXPECT_EQ(steps[9].admin_calls.at(0), "SEND_MESSAGE_V2 PROBE -> 127.0.0.1:10911");
}

TEST(Steps, TopicsLosingWritableAreCarriedOnTheMastersSteps) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->add_topic("OnlyOnA", 4);
    auto plan = make_plan(parse_or_die(k_two_groups), &admin, fixed_request());
    ASSERT_TRUE(plan.ok());
    auto steps = steps_for(node(*plan, "broker:broker-a:0"), *plan);
    EXPECT_EQ(steps[0].topics_losing_writable, (std::vector<std::string>{"OnlyOnA"}));
    EXPECT_EQ(steps[8].topics_losing_writable, (std::vector<std::string>{"OnlyOnA"}));
    EXPECT_TRUE(steps[9].topics_losing_writable.empty());  // verify: writable again
}

TEST(Steps, SkippedNodeHasNoSteps) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.3:10921")->version_desc = "V4_9_7";
    auto plan = make_plan(parse_or_die(k_two_groups), &admin, fixed_request());
    ASSERT_TRUE(plan.ok());
    EXPECT_TRUE(steps_for(node(*plan, "broker:broker-b:1"), *plan).empty());
}

}  // namespace
