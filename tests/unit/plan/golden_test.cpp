// Golden plan outputs for the examples in plans/, compared byte for byte. Timestamps are injected
// so the goldens are stable. Regenerate after an intended change with RMQUP_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "plan_fixture.hpp"
#include "rmqup/plan/plan_io.hpp"
#include "rmqup/plan/render.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void compare_golden(const std::string& actual, const std::string& golden_name) {
    const std::string path = std::string(RMQUP_TEST_DATA) + "/plans/" + golden_name;
    if (std::getenv("RMQUP_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::string expected = read_text(path);
    ASSERT_FALSE(expected.empty()) << "missing golden " << path << " (run with RMQUP_UPDATE_GOLDEN=1)";
    EXPECT_EQ(actual, expected) << "golden " << golden_name << " differs";
}

Plan example_plan(const std::string& file) {
    auto inv = parse_inventory(read_text(std::string(RMQUP_SOURCE_DIR) + "/plans/" + file), "plans/" + file);
    EXPECT_TRUE(inv.ok()) << inv.error().message;
    PlanRequest req = fixed_request();
    req.offline = true;
    auto plan = make_plan(*inv, nullptr, req);
    EXPECT_TRUE(plan.ok());
    return *plan;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, OfflinePlanMatches) {
    const std::string file = GetParam();
    const std::string stem = file.substr(0, file.rfind('.'));
    Plan plan = example_plan(file);
    compare_golden(render_plan(plan, PlanFormat::text), stem + ".txt");
    compare_golden(render_plan(plan, PlanFormat::markdown), stem + ".md");
    compare_golden(render_plan(plan, PlanFormat::json), stem + ".json");
    // The golden plan file itself verifies (its hash matches its content) and reads back whole.
    auto back = plan_from_json(read_text(std::string(RMQUP_TEST_DATA) + "/plans/" + stem + ".json"), stem + ".json");
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(plan_hash(*back), plan_hash(plan));
}

INSTANTIATE_TEST_SUITE_P(Examples, Golden,
                         ::testing::Values("two-masters.yaml", "two-masters-sync-slaves.yaml", "shared-host.json",
                                           "upgrade-4.9-to-5.3.yaml"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                             std::string n = p.param;
                             for (auto& c : n) {
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             }
                             return n;
                         });

// The live path: two masters whose discovery shows a topic living only on broker-a, a lagging
// consumer group and a slave-less cluster at 4.8.0.
TEST(GoldenLive, TwoMastersWithDiscovery) {
    auto inv = parse_inventory(read_text(std::string(RMQUP_SOURCE_DIR) + "/plans/two-masters.yaml"), "plans/two-masters.yaml");
    ASSERT_TRUE(inv.ok());
    FakeAdmin admin;
    for (auto [name, addr] : {std::pair{"broker-a", "127.0.0.11:10911"}, std::pair{"broker-b", "127.0.0.12:10911"}}) {
        FakeBroker b;
        b.cluster = "DefaultCluster";
        b.name = name;
        b.address = addr;
        b.add_topic("Orders", 8);
        b.add_topic("TBW102", 8);
        admin.add(b);
    }
    admin.find("127.0.0.11:10911")->add_topic("Audit", 4);
    admin.find("127.0.0.11:10911")->add_topic("%RETRY%audit-readers", 1);
    admin.find("127.0.0.11:10911")->consume_stats["audit-readers"] = lagging("Audit", "broker-a", 25000);
    PlanRequest req = fixed_request();
    req.accepted_risks = {"consumer-lag"};
    auto plan = make_plan(*inv, &admin, req);
    ASSERT_TRUE(plan.ok());
    compare_golden(render_plan(*plan, PlanFormat::text), "two-masters.live.txt");
}

}  // namespace
