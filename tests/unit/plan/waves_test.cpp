// The wave planner's rules, each with a case that breaks when the rule is broken, plus a
// randomized check of every rule over many shapes of cluster.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "rmqup/plan/waves.hpp"

using namespace rmqup;

namespace {

using HostOf = std::function<std::string(int group, int broker_id)>;

std::string host_per_node(int g, int id) { return "h" + std::to_string(g) + "-" + std::to_string(id); }

// g0..g(n-1), each with `slaves` slaves and a master, members in roll order (slaves by id, master
// last), two NameServers on their own hosts.
WaveInput cluster(int groups, int slaves, const HostOf& host = host_per_node) {
    WaveInput in;
    in.nameservers = {{"ns:1", "nh1", 0, false}, {"ns:2", "nh2", 0, false}};
    for (int g = 0; g < groups; ++g) {
        WaveGroup group{"g" + std::to_string(g), {}};
        for (int id = 1; id <= slaves; ++id) group.members.push_back({"g" + std::to_string(g) + "@" + std::to_string(id), host(g, id), id, false});
        group.members.push_back({"g" + std::to_string(g) + "@0", host(g, 0), 0, false});
        in.groups.push_back(std::move(group));
    }
    in.routes = TopicRoutes::live;
    return in;
}

Policy with_parallel(int parallel, int max_per_host = 1) {
    Policy p;
    p.parallel = parallel;
    p.max_per_host = max_per_host;
    return p;
}

// Every rule of docs/plan.md "Waves", checked on the output; one message per violation.
std::vector<std::string> violations(const WaveInput& in, const Policy& p, const Waves& w) {
    std::vector<std::string> out;
    std::map<std::string, std::pair<std::size_t, const WaveNode*>> node;  // id -> (group or npos, node)
    std::map<std::string, std::size_t> group_of;
    for (const auto& n : in.nameservers) node[n.id] = {std::string::npos, &n};
    for (std::size_t g = 0; g < in.groups.size(); ++g) {
        for (const auto& m : in.groups[g].members) node[m.id] = {g, &m};
    }
    std::map<std::string, std::size_t> wave_of;
    if (w.proofs.size() != w.waves.size()) out.push_back("proofs and waves differ in count");
    std::size_t first_other_broker_wave = w.waves.size();
    for (std::size_t i = 0; i < w.waves.size(); ++i) {
        std::set<std::size_t> groups;
        std::map<std::string, int> hosts;
        std::set<std::size_t> masters;
        bool ns = false, canary = false, other = false;
        for (const auto& id : w.waves[i]) {
            auto [g, n] = node.at(id);
            if (n->skip) out.push_back("skipped node " + id + " in wave " + std::to_string(i + 1));
            if (!wave_of.emplace(id, i).second) out.push_back(id + " in two waves");
            if (++hosts[n->host] > p.max_per_host) out.push_back("host " + n->host + " over maxPerHost in wave " + std::to_string(i + 1));
            if (g == std::string::npos) {
                ns = true;
                continue;
            }
            if (!groups.insert(g).second) out.push_back("two members of " + in.groups[g].broker_name + " in wave " + std::to_string(i + 1));
            if (n->broker_id == 0) masters.insert(g);
            (p.canary_group && in.groups[g].broker_name == *p.canary_group ? canary : other) = true;
        }
        if (ns && w.waves[i].size() != 1) out.push_back("a NameServer shares wave " + std::to_string(i + 1));
        if (static_cast<int>(groups.size()) > p.parallel) out.push_back("over parallel in wave " + std::to_string(i + 1));
        if (canary && other) out.push_back("canary not alone in wave " + std::to_string(i + 1));
        if (canary && first_other_broker_wave < i) out.push_back("canary after another group");
        if (other) first_other_broker_wave = std::min(first_other_broker_wave, i);
        for (const auto& t : in.topics) {
            if (t.writable_groups.size() < 2) continue;
            const bool all = std::all_of(t.writable_groups.begin(), t.writable_groups.end(), [&](std::uint32_t g) { return masters.count(g) > 0; });
            if (all) out.push_back("topic " + t.name + " loses every writable group in wave " + std::to_string(i + 1));
        }
    }
    for (const auto& [id, entry] : node) {
        if (!entry.second->skip && !wave_of.count(id)) out.push_back(id + " in no wave");
    }
    for (const auto& g : in.groups) {
        for (const auto& m : g.members) {
            if (m.broker_id == 0 || m.skip) continue;
            for (const auto& master : g.members) {
                if (master.broker_id != 0 || master.skip) continue;
                if (p.slaves_first ? wave_of[m.id] >= wave_of[master.id] : wave_of[m.id] <= wave_of[master.id])
                    out.push_back("slave " + m.id + " not on the right side of its master");
            }
        }
    }
    if (w.order.size() != node.size()) out.push_back("order lists " + std::to_string(w.order.size()) + " of " + std::to_string(node.size()) + " nodes");
    return out;
}

std::vector<std::vector<std::string>> masters_waves(const Waves& w) {
    std::vector<std::vector<std::string>> out;
    for (const auto& wave : w.waves) {
        if (!wave.empty() && wave.front().size() > 2 && wave.front().substr(wave.front().size() - 2) == "@0") out.push_back(wave);
    }
    return out;
}

TEST(Waves, ParallelOneIsOneNodePerWaveInInventoryOrder) {
    auto in = cluster(2, 1);
    auto w = plan_waves(in, with_parallel(1));
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g0@1"}, {"g0@0"}, {"g1@1"}, {"g1@0"}}));
    EXPECT_EQ(w.order, (std::vector<std::string>{"ns:1", "ns:2", "g0@1", "g0@0", "g1@1", "g1@0"}));
    EXPECT_TRUE(violations(in, with_parallel(1), w).empty());
}

TEST(Waves, ASlavesWaveThenAMastersWave) {
    auto in = cluster(3, 1);
    auto w = plan_waves(in, with_parallel(3));
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g0@1", "g1@1", "g2@1"}, {"g0@0", "g1@0", "g2@0"}}));
    EXPECT_EQ(w.proofs[2], "slaves only: no writable queue leaves the cluster");
    EXPECT_EQ(w.proofs[3], "every topic keeps >= 1 writable group");
}

TEST(Waves, GroupsWithMoreSlavesStartEarlierSoMastersRestartTogether) {
    auto in = cluster(2, 1);
    in.groups[1].members.insert(in.groups[1].members.begin() + 1, WaveNode{"g1@2", "h1-2", 2, false});
    auto w = plan_waves(in, with_parallel(2));
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g1@1"}, {"g0@1", "g1@2"}, {"g0@0", "g1@0"}}));
    EXPECT_TRUE(violations(in, with_parallel(2), w).empty());
}

TEST(Waves, MastersFirstWhenSlavesFirstIsOff) {
    auto in = cluster(2, 1);
    for (auto& g : in.groups) std::rotate(g.members.begin(), g.members.end() - 1, g.members.end());  // master first
    Policy p = with_parallel(2);
    p.slaves_first = false;
    auto w = plan_waves(in, p);
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g0@0", "g1@0"}, {"g0@1", "g1@1"}}));
    EXPECT_TRUE(violations(in, p, w).empty());
}

TEST(Waves, NeverTwoMembersOfOneGroupInAWave) {
    auto in = cluster(1, 2);
    auto w = plan_waves(in, with_parallel(5, 5));
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g0@1"}, {"g0@2"}, {"g0@0"}}));
    EXPECT_TRUE(violations(in, with_parallel(5, 5), w).empty());
}

TEST(Waves, ATopicKeepsAWritableGroupInEveryWave) {
    auto in = cluster(3, 1);
    in.topics = {{"Orders", {0, 1}}};  // on g0 and g1 only: they may not restart together
    auto w = plan_waves(in, with_parallel(3));
    EXPECT_EQ(masters_waves(w), (std::vector<std::vector<std::string>>{{"g0@0", "g2@0"}, {"g1@0"}}));
    EXPECT_EQ(w.proofs[3], "every topic keeps >= 1 writable group; tightest: Orders keeps 1 of 2");
    EXPECT_TRUE(violations(in, with_parallel(3), w).empty());
}

TEST(Waves, TightestTopicIsNamedWithWhatItKeeps) {
    auto in = cluster(4, 0);
    in.topics = {{"Wide", {0, 1, 2, 3}}, {"Narrow", {0, 1, 2}}, {"Alone", {3}}};
    auto w = plan_waves(in, with_parallel(4));
    // Narrow allows two of g0..g2 together, so g2 waits; g3 joins the first wave.
    EXPECT_EQ(masters_waves(w), (std::vector<std::vector<std::string>>{{"g0@0", "g1@0", "g3@0"}, {"g2@0"}}));
    EXPECT_EQ(w.proofs[2],
              "every topic keeps >= 1 writable group except 1 on one group only (single-group-topic); tightest: "
              "Wide keeps 1 of 4");
    EXPECT_EQ(w.proofs[3], "every topic keeps >= 1 writable group; tightest: Narrow keeps 2 of 3");
}

TEST(Waves, SingleGroupTopicsDoNotBlock) {
    auto in = cluster(2, 0);
    in.topics = {{"OnlyA", {0}}};
    auto w = plan_waves(in, with_parallel(2));
    EXPECT_EQ(masters_waves(w), (std::vector<std::vector<std::string>>{{"g0@0", "g1@0"}}));
}

TEST(Waves, AGroupWhoseMasterIsSkippedKeepsItsTopicsWritable) {
    auto in = cluster(2, 1);
    in.topics = {{"T", {0, 1}}};
    in.groups[1].members.back().skip = true;  // g1's master already at target
    auto w = plan_waves(in, with_parallel(2));
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g0@1", "g1@1"}, {"g0@0"}}));
    EXPECT_NE(std::find(w.order.begin(), w.order.end(), "g1@0"), w.order.end());
    EXPECT_TRUE(violations(in, with_parallel(2), w).empty());
}

TEST(Waves, AtMostMaxPerHostNodesOfOneHost) {
    // Every master on host "m", every slave on host "s".
    auto in = cluster(3, 1, [](int, int id) { return std::string(id == 0 ? "m" : "s"); });
    auto one = plan_waves(in, with_parallel(3, 1));
    EXPECT_EQ(masters_waves(one), (std::vector<std::vector<std::string>>{{"g0@0"}, {"g1@0"}, {"g2@0"}}));
    EXPECT_TRUE(violations(in, with_parallel(3, 1), one).empty());
    auto two = plan_waves(in, with_parallel(3, 2));
    EXPECT_EQ(masters_waves(two), (std::vector<std::vector<std::string>>{{"g0@0", "g1@0"}, {"g2@0"}}));
    EXPECT_TRUE(violations(in, with_parallel(3, 2), two).empty());
}

TEST(Waves, AMasterAndAnotherGroupsSlaveOnOneHostRestartInDifferentWaves) {
    // Crossed layout: host k runs g(k)'s master and g(k-1)'s slave.
    auto in = cluster(4, 1, [](int g, int id) { return "h" + std::to_string(id == 0 ? g : (g + 1) % 4); });
    auto w = plan_waves(in, with_parallel(4));
    EXPECT_EQ(masters_waves(w), (std::vector<std::vector<std::string>>{{"g0@0", "g1@0", "g2@0", "g3@0"}}));
    EXPECT_TRUE(violations(in, with_parallel(4), w).empty());
}

TEST(Waves, AtMostParallelGroupsPerWave) {
    auto in = cluster(5, 1);
    auto w = plan_waves(in, with_parallel(2));
    EXPECT_EQ(masters_waves(w), (std::vector<std::vector<std::string>>{{"g0@0", "g1@0"}, {"g2@0", "g3@0"}, {"g4@0"}}));
    EXPECT_TRUE(violations(in, with_parallel(2), w).empty());
}

TEST(Waves, CanaryGroupAloneFirst) {
    auto in = cluster(3, 1);
    Policy p = with_parallel(3);
    p.canary_group = "g2";
    auto w = plan_waves(in, p);
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"ns:1"}, {"ns:2"}, {"g2@1"}, {"g2@0"}, {"g0@1", "g1@1"}, {"g0@0", "g1@0"}}));
    EXPECT_TRUE(violations(in, p, w).empty());
}

TEST(Waves, NameServersLastWhenAsked) {
    auto in = cluster(1, 0);
    Policy p = with_parallel(2);
    p.nameserver_order = NameServerOrder::last;
    auto w = plan_waves(in, p);
    EXPECT_EQ(w.waves, (std::vector<std::vector<std::string>>{{"g0@0"}, {"ns:1"}, {"ns:2"}}));
    EXPECT_EQ(w.proofs[1], "one NameServer at a time: 1 other(s) keep serving routes");
}

TEST(Waves, UnknownRoutesMakeMultiMasterWavesUnproven) {
    auto in = cluster(3, 0);
    in.routes = TopicRoutes::unknown;
    auto one = plan_waves(in, with_parallel(1));
    EXPECT_EQ(one.unproven_waves, 0);
    EXPECT_EQ(one.proofs[2], "one master at a time (topic routes not read)");
    auto three = plan_waves(in, with_parallel(3));
    EXPECT_EQ(three.unproven_waves, 1);
    EXPECT_EQ(three.proofs[2], "UNPROVEN: 3 masters together without the live topic routes");
}

TEST(Waves, FullySkippedGroupsTakeNoSlot) {
    auto in = cluster(3, 1);
    for (auto& m : in.groups[0].members) m.skip = true;
    auto w = plan_waves(in, with_parallel(2));
    EXPECT_EQ(masters_waves(w), (std::vector<std::vector<std::string>>{{"g1@0", "g2@0"}}));
    EXPECT_EQ(w.order.size(), 8u);
    EXPECT_TRUE(violations(in, with_parallel(2), w).empty());
}

// Random clusters: hosts shared, topics on 1-4 groups, skips, canary; every rule holds and the
// packing is tight enough (a full wave unless a rule stopped it is not checked: only correctness).
TEST(Waves, EveryRuleHoldsOnRandomClusters) {
    std::mt19937 rng(20261201);
    for (int round = 0; round < 300; ++round) {
        const int groups = 1 + static_cast<int>(rng() % 30);
        const int hosts = 1 + static_cast<int>(rng() % 20);
        WaveInput in = cluster(groups, static_cast<int>(rng() % 3), [&](int, int) { return "h" + std::to_string(rng() % hosts); });
        for (auto& g : in.groups) {
            for (auto& m : g.members) m.skip = rng() % 10 == 0;
        }
        const int topics = static_cast<int>(rng() % 60);
        for (int t = 0; t < topics; ++t) {
            WaveTopic topic{"t" + std::to_string(t), {}};
            const int spread = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < spread; ++k) topic.writable_groups.push_back(static_cast<std::uint32_t>(rng() % groups));
            std::sort(topic.writable_groups.begin(), topic.writable_groups.end());
            topic.writable_groups.erase(std::unique(topic.writable_groups.begin(), topic.writable_groups.end()), topic.writable_groups.end());
            in.topics.push_back(std::move(topic));
        }
        Policy p = with_parallel(1 + static_cast<int>(rng() % 8), 1 + static_cast<int>(rng() % 3));
        if (rng() % 3 == 0) p.canary_group = "g" + std::to_string(rng() % groups);
        p.slaves_first = rng() % 4 != 0;
        if (!p.slaves_first) {
            for (auto& g : in.groups) std::rotate(g.members.begin(), g.members.end() - 1, g.members.end());
        }
        // Topics held by a skipped master are not at risk; the checker only knows restarts.
        for (auto& t : in.topics) {
            const bool kept = std::any_of(t.writable_groups.begin(), t.writable_groups.end(), [&](std::uint32_t g) {
                return std::any_of(in.groups[g].members.begin(), in.groups[g].members.end(),
                                   [](const WaveNode& m) { return m.broker_id == 0 && m.skip; });
            });
            if (kept) t.writable_groups.resize(1);
        }
        auto w = plan_waves(in, p);
        auto v = violations(in, p, w);
        ASSERT_TRUE(v.empty()) << "round " << round << ": " << v.front();
    }
}

}  // namespace
