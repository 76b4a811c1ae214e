// Client census from %RETRY% groups and named producer groups; topic snapshot and its diff.
#include <gtest/gtest.h>

#include "plan_fixture.hpp"
#include "rmqup/plan/census.hpp"

using namespace rmqup;
using namespace rmqup::test;

namespace {

rmq::Connection conn(const std::string& id, const std::string& addr, const std::string& lang, int version) {
    return rmq::Connection{id, addr, lang, version};
}

TEST(Census, ConsumersFromRetryTopicsListedOncePerClient) {
    auto admin = healthy_two_groups();
    auto* a = admin.find("127.0.0.1:10911");
    auto* b = admin.find("127.0.0.2:10911");
    a->add_topic("%RETRY%billing", 1);
    b->add_topic("%RETRY%billing", 1);
    rmq::ConsumerConnection cc;
    cc.connection_set = {conn("c1@1", "10.0.0.5:4411", "JAVA", 413), conn("c2@1", "10.0.0.6:4411", "CPP", 373)};
    a->consumer_connections["billing"] = cc;
    b->consumer_connections["billing"] = cc;  // the same clients on both brokers
    rmq::ProducerConnection pc;
    pc.connection_set = {conn("p1@1", "10.0.0.7:5511", "GO", 407)};
    b->producer_connections["orders-producer"] = pc;

    auto census = take_census(admin, {"127.0.0.1:10911", "127.0.0.2:10911"}, {"orders-producer", "ghost"});
    ASSERT_EQ(census.clients.size(), 3u);
    EXPECT_EQ(census.clients[0].group, "billing");
    EXPECT_EQ(census.clients[0].client_addr, "10.0.0.5:4411");
    EXPECT_EQ(census.clients[0].version_name, "5.0.0");
    EXPECT_EQ(census.clients[1].language, "CPP");
    EXPECT_EQ(census.clients[1].version_name, "4.8.0");
    EXPECT_EQ(census.clients[2].kind, ClientGroupKind::producer);
    EXPECT_EQ(census.clients[2].version_name, "4.9.7");
    ASSERT_EQ(census.notes.size(), 1u);
    EXPECT_EQ(census.notes[0], "producer group ghost: no online producers");
    auto text = census_to_text(census);
    EXPECT_NE(text.find("consumer billing  10.0.0.6:4411  CPP  4.8.0  c2@1"), std::string::npos) << text;
}

TEST(TopicSnapshot, RoundTripAndNoDifferenceOnAnUnchangedCluster) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.1:10911")->add_topic("Orders", 4, 6, true);
    std::vector<MasterRef> masters{{"broker-a", "127.0.0.1:10911"}, {"broker-b", "127.0.0.2:10911"}};
    auto before = take_topic_snapshot(admin, masters, "TestCluster", "t0");
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->entries.size(), 3u);  // Orders@a, Shared@a, Shared@b
    auto json = snapshot_to_json(*before);
    auto back = snapshot_from_json(json, "s.json");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->entries, before->entries);
    auto after = take_topic_snapshot(admin, masters, "TestCluster", "t1");
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(diff_topics(*back, *after).empty());
}

TEST(TopicSnapshot, DiffFindsMissingAddedAndChanged) {
    auto admin = healthy_two_groups();
    std::vector<MasterRef> masters{{"broker-a", "127.0.0.1:10911"}, {"broker-b", "127.0.0.2:10911"}};
    admin.find("127.0.0.1:10911")->add_topic("Gone", 4);
    auto before = take_topic_snapshot(admin, masters, "TestCluster", "t0");
    ASSERT_TRUE(before.ok());
    admin.find("127.0.0.1:10911")->topics.topic_config_table.erase("Gone");
    admin.find("127.0.0.2:10911")->add_topic("New", 2);
    admin.find("127.0.0.2:10911")->add_topic("Shared", 8, 4);  // perm changed to read-only
    auto after = take_topic_snapshot(admin, masters, "TestCluster", "t1");
    ASSERT_TRUE(after.ok());
    auto diff = diff_topics(*before, *after);
    ASSERT_EQ(diff.missing.size(), 1u);
    EXPECT_EQ(diff.missing[0].topic, "Gone");
    ASSERT_EQ(diff.added.size(), 1u);
    EXPECT_EQ(diff.added[0].topic, "New");
    ASSERT_EQ(diff.changed.size(), 1u);
    EXPECT_EQ(diff.changed[0].second.perm, 4);
    EXPECT_NE(diff_to_text(diff).find("1 missing, 1 added, 1 changed"), std::string::npos);
}

TEST(TopicSnapshot, UnreachableMasterFailsTheSnapshot) {
    auto admin = healthy_two_groups();
    admin.find("127.0.0.2:10911")->down = true;
    auto snap = take_topic_snapshot(admin, {{"broker-b", "127.0.0.2:10911"}}, "TestCluster", "t");
    ASSERT_FALSE(snap.ok());
    EXPECT_EQ(snap.error().kind, ErrorKind::unreachable);
}

}  // namespace
