// encode(decode(body)) == body for every body the captured servers and clients wrote.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "rmqup/remoting/bodies.hpp"

namespace rmqup::rmq {
namespace {

using test::all_fixture_frames;
using test::fixture_cmd;

struct Exchange {
    std::string request;   // relative path
    std::string response;  // relative path, may not exist
};

// Every exchange whose request has the given code.
std::vector<Exchange> exchanges_with_code(int code) {
    std::vector<Exchange> out;
    for (const auto& rel : all_fixture_frames()) {
        auto pos = rel.find(".request.bin");
        if (pos == std::string::npos)
            continue;
        auto req = fixture_cmd(rel);
        if (req.code != code)
            continue;
        Exchange e{rel, rel.substr(0, pos) + ".response.bin"};
        if (!std::filesystem::exists(test::fixture_dir() / e.response))
            e.response.clear();
        out.push_back(e);
    }
    return out;
}

// Response bodies of successful exchanges with the given request code.
std::vector<std::pair<std::string, RemotingCommand>> ok_responses(int code) {
    std::vector<std::pair<std::string, RemotingCommand>> out;
    for (const auto& e : exchanges_with_code(code)) {
        if (e.response.empty())
            continue;
        auto resp = fixture_cmd(e.response);
        if (resp.code == rc::success && !resp.body.empty())
            out.emplace_back(e.response, resp);
    }
    return out;
}

TEST(BodiesRoundTrip, ClusterInfo) {
    auto all = ok_responses(code::get_broker_cluster_info);
    ASSERT_GE(all.size(), 3u);
    for (const auto& [rel, resp] : all) {
        auto v = decode_cluster_info(resp.body);
        ASSERT_TRUE(v.ok()) << rel << ": " << v.error().describe();
        EXPECT_EQ(encode_cluster_info(*v), resp.body) << rel;
    }
}

TEST(BodiesRoundTrip, TopicRouteLegacyAndStandard) {
    std::size_t standard = 0;
    std::size_t legacy = 0;
    for (const auto& e : exchanges_with_code(code::get_routeinfo_by_topic)) {
        if (e.response.empty())
            continue;
        auto req = fixture_cmd(e.request);
        auto resp = fixture_cmd(e.response);
        if (resp.code != rc::success)
            continue;
        // The NameServer picks the standard form for version >= V4_9_4 or acceptStandardJsonOnly.
        bool want_standard = req.version >= 401 || req.ext("acceptStandardJsonOnly") == "true";
        auto v = decode_topic_route(resp.body);
        ASSERT_TRUE(v.ok()) << e.response << ": " << v.error().describe();
        auto style = want_standard ? JsonStyle::standard : JsonStyle::fastjson;
        EXPECT_EQ(encode_topic_route(*v, style), resp.body) << e.response;
        ++(want_standard ? standard : legacy);
    }
    EXPECT_GE(standard, 30u);
    EXPECT_GE(legacy, 1u);
}

TEST(BodiesRoundTrip, TopicList) {
    auto all = ok_responses(code::get_all_topic_list_from_nameserver);
    ASSERT_GE(all.size(), 1u);
    for (const auto& [rel, resp] : all) {
        auto v = decode_topic_list(resp.body);
        ASSERT_TRUE(v.ok()) << rel;
        EXPECT_EQ(encode_topic_list(*v), resp.body) << rel;
    }
}

TEST(BodiesRoundTrip, RuntimeInfoKvTable) {
    auto all = ok_responses(code::get_broker_runtime_info);
    ASSERT_GE(all.size(), 7u);
    for (const auto& [rel, resp] : all) {
        auto kv = decode_kv_table(resp.body);
        ASSERT_TRUE(kv.ok()) << rel;
        EXPECT_EQ(encode_kv_table_ordered(*kv), resp.body) << rel;
        auto info = decode_runtime_info(resp.body);
        ASSERT_TRUE(info.ok()) << rel << ": " << info.error().describe();
        EXPECT_EQ(info->table.size(), kv->size()) << rel;
    }
}

TEST(BodiesRoundTrip, TopicStats) {
    auto all = ok_responses(code::get_topic_stats_info);
    ASSERT_GE(all.size(), 2u);
    for (const auto& [rel, resp] : all) {
        auto v = decode_topic_stats(resp.body);
        ASSERT_TRUE(v.ok()) << rel << ": " << v.error().describe();
        EXPECT_EQ(encode_topic_stats(*v), resp.body) << rel;
    }
}

TEST(BodiesRoundTrip, ConsumeStats) {
    auto all = ok_responses(code::get_consume_stats);
    ASSERT_GE(all.size(), 2u);
    for (const auto& [rel, resp] : all) {
        auto v = decode_consume_stats(resp.body);
        ASSERT_TRUE(v.ok()) << rel << ": " << v.error().describe();
        EXPECT_EQ(encode_consume_stats(*v), resp.body) << rel;
    }
}

TEST(BodiesRoundTrip, Connections) {
    auto consumers = ok_responses(code::get_consumer_connection_list);
    auto producers = ok_responses(code::get_producer_connection_list);
    ASSERT_GE(consumers.size(), 1u);
    ASSERT_GE(producers.size(), 1u);
    for (const auto& [rel, resp] : consumers) {
        auto v = decode_consumer_connection(resp.body);
        ASSERT_TRUE(v.ok()) << rel;
        EXPECT_EQ(encode_consumer_connection(*v), resp.body) << rel;
    }
    for (const auto& [rel, resp] : producers) {
        auto v = decode_producer_connection(resp.body);
        ASSERT_TRUE(v.ok()) << rel;
        EXPECT_EQ(encode_producer_connection(*v), resp.body) << rel;
    }
}

TEST(BodiesRoundTrip, RegisterBrokerBodies) {
    auto all = exchanges_with_code(code::register_broker);
    ASSERT_GE(all.size(), 20u);
    for (const auto& e : all) {
        auto req = fixture_cmd(e.request);
        ASSERT_EQ(req.ext("compressed"), "false") << e.request;
        auto v = decode_register_broker_body(req.body, false);
        ASSERT_TRUE(v.ok()) << e.request << ": " << v.error().describe();
        EXPECT_EQ(encode_register_broker_body(*v, false), req.body) << e.request;
    }
}

TEST(BodiesRoundTrip, BrokerConfigProperties) {
    std::size_t n = 0;
    for (const auto& [rel, resp] : ok_responses(code::get_broker_config)) {
        EXPECT_EQ(format_properties(parse_properties(resp.body)), resp.body) << rel;
        ++n;
    }
    for (const auto& e : exchanges_with_code(code::update_broker_config)) {
        auto req = fixture_cmd(e.request);
        EXPECT_EQ(format_properties(parse_properties(req.body)), req.body) << e.request;
        ++n;
    }
    EXPECT_GE(n, 5u);
}

TEST(BodiesRoundTrip, PulledMessages) {
    auto all = ok_responses(code::pull_message);
    ASSERT_GE(all.size(), 1u);
    for (const auto& [rel, resp] : all) {
        auto msgs = decode_stored_messages(resp.body);
        ASSERT_TRUE(msgs.ok()) << rel << ": " << msgs.error().describe();
        std::string again;
        for (const auto& m : *msgs)
            again += encode_stored_message(m);
        EXPECT_EQ(again, resp.body) << rel;
    }
}

TEST(BodiesRoundTrip, SendPropertiesHeaderInJavaOrder) {
    auto req = fixture_cmd("sendMessage__04_SEND_MESSAGE_V2.request.bin");
    auto props_text = req.ext("i");
    ASSERT_TRUE(props_text.has_value());
    auto props = parse_message_properties(*props_text);
    EXPECT_EQ(props.at("KEYS"), "fixkey1");
    EXPECT_EQ(props.at("TAGS"), "fixtag");
    EXPECT_EQ(props.at("WAIT"), "true");
    EXPECT_EQ(format_message_properties(props), *props_text);
}

}  // namespace
}  // namespace rmqup::rmq
