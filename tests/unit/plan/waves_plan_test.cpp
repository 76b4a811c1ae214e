// Waves through make_plan: live topic routes decide which groups restart together, offline plans
// with parallel > 1 are blocked as unproven, the plan shows each wave with its proof, the expected
// duration counts a wave once, and the plan file keeps every wave field.
#include <gtest/gtest.h>

#include "plan_fixture.hpp"
#include "plan/duration_text.hpp"
#include "plan/plan_json.hpp"
#include "rmqup/plan/plan_io.hpp"
#include "rmqup/plan/render.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

using Batches = std::vector<std::vector<std::string>>;

Plan plan_of(const std::string& text, AdminApi* admin) {
    PlanRequest req = fixed_request();
    req.offline = admin == nullptr;
    auto plan = make_plan(parse_or_die(text), admin, req);
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : Plan{};
}

// The two groups share no topic: each holds its own.
FakeAdmin disjoint_topics() {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10911")->topics.topic_config_table.erase("Shared");
    admin.find("127.0.0.2:10911")->add_topic("OnB", 8);
    return admin;
}

TEST(WavesPlan, GroupsWithoutSharedTopicsRestartTogether) {
    auto admin = disjoint_topics();
    auto plan = plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", &admin);
    EXPECT_EQ(plan.batches, (Batches{{"ns:127.0.0.1:9876"}, {"ns:127.0.0.2:9876"},
                                     {"broker:broker-a:1", "broker:broker-b:1"},
                                     {"broker:broker-a:0", "broker:broker-b:0"}}));
    ASSERT_EQ(plan.batch_proofs.size(), plan.batches.size());
    EXPECT_EQ(plan.batch_proofs[3], "every topic keeps >= 1 writable group except 2 on one group only (single-group-topic)");
    EXPECT_FALSE(finding(plan, "waves-unproven"));
}

TEST(WavesPlan, ASharedTopicKeepsTheMastersApart) {
    auto admin = healthy_two_groups();  // "Shared" on both groups
    auto plan = plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", &admin);
    EXPECT_EQ(plan.batches, (Batches{{"ns:127.0.0.1:9876"}, {"ns:127.0.0.2:9876"}, {"broker:broker-a:1"},
                                     {"broker:broker-a:0"}, {"broker:broker-b:1"}, {"broker:broker-b:0"}}));
    EXPECT_EQ(plan.batch_proofs[3], "every topic keeps >= 1 writable group; tightest: Shared keeps 1 of 2");
    EXPECT_FALSE(plan_blocked(plan));
}

TEST(WavesPlan, AReadOnlyMasterHoldsNoWritableQueue) {
    auto admin = healthy_two_groups();  // "Shared" on both groups
    admin.find("127.0.0.2:10911")->perm = 4;  // broker-b's master left read-only: Shared is writable on broker-a only
    auto plan = plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", &admin);
    EXPECT_EQ(plan.batches[3], (std::vector<std::string>{"broker:broker-a:0", "broker:broker-b:0"}));
    EXPECT_EQ(plan.batch_proofs[3], "every topic keeps >= 1 writable group except 1 on one group only (single-group-topic)");
}

TEST(WavesPlan, AnUnreadableMastersTopicsLeaveTheWavesUnproven) {
    auto admin = disjoint_topics();
    admin.find("127.0.0.2:10911")->down = true;  // broker-b's master answers nothing
    auto plan = plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", &admin);
    ASSERT_TRUE(finding(plan, "waves-unproven"));
    EXPECT_EQ(finding(plan, "waves-unproven")->severity, Severity::error);
}

TEST(WavesPlan, OfflineParallelIsBlockedAsUnproven) {
    auto plan = plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", nullptr);
    auto* f = finding(plan, "waves-unproven");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::error);
    EXPECT_NE(f->message.find("1 wave(s) restart several masters together (policy.parallel 2)"), std::string::npos) << f->message;
    EXPECT_TRUE(plan_blocked(plan));
    // The waves are still shown, marked unproven.
    EXPECT_EQ(plan.batch_proofs[3], "UNPROVEN: 2 masters together without the live topic routes");
}

TEST(WavesPlan, OfflineParallelOneIsNotBlocked) {
    auto plan = plan_of(k_two_groups, nullptr);
    EXPECT_FALSE(finding(plan, "waves-unproven"));
    EXPECT_FALSE(plan_blocked(plan));
    EXPECT_EQ(plan.batch_proofs[3], "one master at a time (topic routes not read)");
}

TEST(WavesPlan, BatchSizeIsADeprecatedAliasOfParallel) {
    auto plan = plan_of(std::string(k_two_groups) + "policy: {batchSize: 2}\n", nullptr);
    EXPECT_EQ(plan.policy.parallel, 2);
    auto* f = finding(plan, "deprecated-key");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::info);
    EXPECT_NE(f->message.find("test.yaml:"), std::string::npos);
    EXPECT_NE(f->message.find("'batchSize' is deprecated"), std::string::npos);
}

TEST(WavesPlan, APauseAfterAWaveThePlanDoesNotHaveIsAWarning) {
    auto admin = healthy_two_groups();
    auto plan = plan_of(std::string(k_two_groups) + "policy: {pauseAfter: [3, 7]}\n", &admin);
    auto* f = finding(plan, "pause-after-wave");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->severity, Severity::warning);
    EXPECT_NE(f->message.find("wave 7 but this plan has 6 wave(s)"), std::string::npos) << f->message;
}

TEST(WavesPlan, TextShowsEveryWaveWithItsProofAndGates) {
    auto admin = disjoint_topics();
    auto plan = plan_of(std::string(k_two_groups) + "policy: {parallel: 2, pauseAfter: [3]}\n", &admin);
    const std::string text = render_plan(plan, PlanFormat::text);
    EXPECT_NE(text.find("  wave 3: broker-a@1, broker-b@1 — slaves only: no writable queue leaves the cluster  (then stop for approval)\n"),
              std::string::npos) << text;
    EXPECT_NE(text.find("  wave 4: broker-a@0, broker-b@0 — every topic keeps >= 1 writable group"), std::string::npos) << text;
    EXPECT_NE(text.find("up to 2 broker group(s) per wave, at most 1 node(s) of a host per wave"), std::string::npos);
    EXPECT_NE(text.find("stop for approval after wave(s) 3"), std::string::npos);
    EXPECT_NE(text.find("Node 4/6, wave 3: slave broker-b@1"), std::string::npos) << text;
    const std::string md = render_plan(plan, PlanFormat::markdown);
    EXPECT_NE(md.find("## Waves"), std::string::npos);
    EXPECT_NE(md.find("- wave 4: broker-a@0, broker-b@0 — every topic keeps"), std::string::npos) << md;
}

std::string expected_line(const Plan& plan) {
    const std::string text = render_plan(plan, PlanFormat::text);
    auto pos = text.find("Expected duration: ");
    return text.substr(pos, text.find('\n', pos) - pos);
}

TEST(WavesPlan, ExpectedDurationCountsAWaveAsItsSlowestNode) {
    auto admin = disjoint_topics();
    auto one = plan_of(k_two_groups, &admin);
    auto two = plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", &admin);
    std::chrono::milliseconds ns{0}, slave{0}, master{0};
    for (const auto& n : one.nodes) {
        auto d = expected_duration(n, one);
        (n.kind == NodeKind::nameserver ? ns : n.broker_id == 0 ? master : slave) = d;
    }
    ASSERT_GT(master, slave);
    // parallel 1: every node one after another; parallel 2: both slaves, then both masters, at once.
    EXPECT_EQ(expected_line(one), "Expected duration: " + plan_detail::duration_text(2 * ns + 2 * slave + 2 * master) +
                                      " (6 wave(s), each as long as its slowest node)");
    EXPECT_EQ(expected_line(two), "Expected duration: " + plan_detail::duration_text(2 * ns + slave + master) +
                                      " (4 wave(s), each as long as its slowest node)");
}

TEST(WavesPlan, PlanFileKeepsEveryWaveFieldUnderItsHash) {
    auto admin = disjoint_topics();
    auto plan = plan_of(std::string(k_two_groups) +
                            "policy: {parallel: 2, maxPerHost: 3, canary: broker-b, pauseAfterCanary: 5m, "
                            "pauseAfter: [4, 6], healthGate: {minPutTpsRatio: 0.75}}\n",
                        &admin);
    const std::string text = plan_to_json(plan);
    auto back = plan_from_json(text, "plan.json");
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(plan_to_json(*back), text);
    const auto& p = back->policy;
    EXPECT_EQ(p.parallel, 2);
    EXPECT_EQ(p.max_per_host, 3);
    EXPECT_TRUE(p.approve_after_canary);
    EXPECT_EQ(p.pause_after_canary, std::chrono::minutes(5));
    EXPECT_EQ(p.pause_after_waves, (std::vector<int>{4, 6}));
    EXPECT_FALSE(p.pause_after_every_wave);
    EXPECT_DOUBLE_EQ(p.health_gate.min_put_tps_ratio, 0.75);
    EXPECT_EQ(back->batch_proofs, plan.batch_proofs);
    ASSERT_FALSE(back->batch_proofs.empty());
    // Every wave field is covered by the hash.
    for (auto [from, to] : {std::pair<std::string, std::string>{"\"parallel\": 2", "\"parallel\": 3"},
                            {"\"maxPerHost\": 3", "\"maxPerHost\": 4"},
                            {"\"approveAfterCanary\": true", "\"approveAfterCanary\": false"},
                            {"\"pauseAfterEveryWave\": false", "\"pauseAfterEveryWave\": true"},
                            {"\"minPutTpsRatio\": 0.75", "\"minPutTpsRatio\": 0.1"},
                            {"keeps", "kept"}}) {
        std::string edited = text;
        auto pos = edited.find(from);
        ASSERT_NE(pos, std::string::npos) << from;
        edited.replace(pos, from.size(), to);
        auto r = plan_from_json(edited, "plan.json");
        ASSERT_FALSE(r.ok()) << from;
        EXPECT_EQ(r.error().kind, ErrorKind::conflict);
    }
    Plan every = plan;
    every.policy.pause_after_every_wave = true;
    auto every_back = plan_from_json(plan_to_json(every), "plan.json");
    ASSERT_TRUE(every_back.ok());
    EXPECT_TRUE(every_back->policy.pause_after_every_wave);
}

TEST(WavesPlan, APlanFileFromBeforeWavesReadsAsOneGroupAtATime) {
    auto admin = disjoint_topics();
    auto tree = nlohmann::json::parse(plan_to_json(plan_of(std::string(k_two_groups) + "policy: {parallel: 2}\n", &admin)));
    tree.erase("hash");
    tree.erase("batchProofs");
    for (const char* key : {"parallel", "maxPerHost", "approveAfterCanary", "pauseAfterWaves", "pauseAfterEveryWave", "healthGate"})
        tree["policy"].erase(key);
    auto old = plan_detail::plan_from_tree(tree);
    ASSERT_TRUE(old.ok()) << old.error().describe();
    EXPECT_EQ(old->policy.parallel, 1);
    EXPECT_EQ(old->policy.max_per_host, 1);
    EXPECT_FALSE(old->policy.approve_after_canary);
    EXPECT_TRUE(old->policy.pause_after_waves.empty());
    EXPECT_DOUBLE_EQ(old->policy.health_gate.min_put_tps_ratio, 0.5);
    EXPECT_TRUE(old->batch_proofs.empty());
    tree["batchProofs"] = {"only one"};
    EXPECT_FALSE(plan_detail::plan_from_tree(tree).ok());  // one proof per wave, or none
}

// plans/parallel-waves.yaml against a live cluster: Payments on broker-2/3/4, Orders on
// broker-1/2/5, Audit on broker-6 only. The wave lines are docs/plan.md's example.
TEST(WavesPlan, TheParallelWavesExamplePlansLive) {
    auto inv = load_inventory(std::string(RMQUP_SOURCE_DIR) + "/plans/parallel-waves.yaml");
    ASSERT_TRUE(inv.ok()) << inv.error().message;
    FakeAdmin admin;
    for (const auto& g : inv->broker_groups) {
        for (const auto& m : g.members) {
            FakeBroker b;
            b.cluster = "BigCluster";
            b.name = g.broker_name;
            b.id = m.broker_id;
            b.address = m.address;
            if (m.is_master()) b.add_topic("RMQ_UPGRADE_PROBE", 1);
            auto& added = admin.add(b);
            if (!m.is_master()) continue;
            const auto n = g.broker_name.back();
            if (n == '2' || n == '3' || n == '4') added.add_topic("Payments", 8);
            if (n == '1' || n == '2' || n == '5') added.add_topic("Orders", 8);
            if (n == '6') added.add_topic("Audit", 4);
        }
    }
    auto plan = make_plan(*inv, &admin, fixed_request());
    ASSERT_TRUE(plan.ok());
    const std::string text = render_plan(*plan, PlanFormat::text);
    auto begin = text.find("Waves (");
    auto end = text.find("\n\n", begin);
    EXPECT_EQ(text.substr(begin, end - begin),
              "Waves (the nodes of a wave restart together; docs/plan.md \"Waves\"):\n"
              "  wave 1: NameServer 10.0.0.1:9876 — one NameServer at a time: 1 other(s) keep serving routes\n"
              "  wave 2: NameServer 10.0.0.2:9876 — one NameServer at a time: 1 other(s) keep serving routes\n"
              "  wave 3: broker-1@1 — slaves only: no writable queue leaves the cluster\n"
              "  wave 4: broker-1@0 — every topic keeps >= 1 writable group; tightest: Orders keeps 2 of 3  "
              "(canary broker-1 done: observe 10m, then stop for approval)\n"
              "  wave 5: broker-2@1, broker-3@1, broker-5@1 — slaves only: no writable queue leaves the cluster\n"
              "  wave 6: broker-2@0, broker-3@0, broker-5@0 — every topic keeps >= 1 writable group; tightest: Orders "
              "keeps 1 of 3  (then stop for approval)\n"
              "  wave 7: broker-4@1, broker-6@1 — slaves only: no writable queue leaves the cluster\n"
              "  wave 8: broker-4@0, broker-6@0 — every topic keeps >= 1 writable group except 1 on one group only "
              "(single-group-topic); tightest: Payments keeps 2 of 3")
        << text;
    EXPECT_NE(text.find("Node 5/14, wave 5: slave broker-2@1 10.0.0.13:10921 on host mq3"), std::string::npos);
    EXPECT_FALSE(finding(*plan, "waves-unproven"));
}

}  // namespace
