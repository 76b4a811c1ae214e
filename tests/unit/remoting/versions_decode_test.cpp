// Every captured frame of every RocketMQ version decodes, and its body decodes into the typed value
// of its request code.
#include <gtest/gtest.h>

#include <map>

#include "rmqup/remoting/bodies.hpp"
#include "version_fixtures.hpp"

namespace rmqup::rmq {
namespace {

using test::version_bytes;
using test::version_folders;
using test::version_frame;
using test::version_frames;

// "x__01_GET_BROKER_CLUSTER_INFO.response.bin" -> "x__01_GET_BROKER_CLUSTER_INFO.request.bin".
std::string request_of(const std::string& response) {
    auto pos = response.rfind(".response.bin");
    return response.substr(0, pos) + ".request.bin";
}

// Decodes a success body by its request code; returns whether the code has a typed decoder.
bool decode_typed(int code, const RemotingCommand& resp, const std::string& what) {
    auto check = [&](const auto& r) { EXPECT_TRUE(r.ok()) << what << ": " << (r.ok() ? "" : r.error().describe()); };
    switch (code) {
    case code::get_broker_cluster_info:
        check(decode_cluster_info(resp.body));
        return true;
    case code::get_routeinfo_by_topic:
        check(decode_topic_route(resp.body));
        return true;
    case code::get_all_topic_list_from_nameserver:
    case code::get_topics_by_cluster:
        check(decode_topic_list(resp.body));
        return true;
    case code::get_broker_runtime_info:
        check(decode_runtime_info(resp.body));
        return true;
    case code::get_all_topic_config:
        check(decode_topic_config_table(resp.body));
        return true;
    case code::get_broker_config:
        EXPECT_FALSE(parse_properties(resp.body).empty()) << what;
        check(decode_data_version(resp.ext("version").value_or("")));
        return true;
    case code::get_consumer_connection_list:
        check(decode_consumer_connection(resp.body));
        return true;
    case code::get_producer_connection_list:
        check(decode_producer_connection(resp.body));
        return true;
    case code::get_topic_stats_info:
        check(decode_topic_stats(resp.body));
        return true;
    case code::get_consume_stats:
        check(decode_consume_stats(resp.body));
        return true;
    case code::pull_message:
        check(decode_stored_messages(resp.body));
        return true;
    default:
        return false;
    }
}

TEST(VersionFrames, EveryFrameOfEveryVersionDecodesAndItsBodyToo) {
    for (const auto& folder : version_folders()) {
        SCOPED_TRACE(folder);
        std::map<std::string, int> typed;
        int frames = 0;
        for (const auto& rel : version_frames(folder)) {
            auto cmd = version_frame(folder, rel);
            ++frames;
            const std::string what = folder + "/" + rel;
            if (rel.find(".request.bin") != std::string::npos) {
                if (cmd.code == code::register_broker && !cmd.body.empty()) {
                    bool zlib = sniff_register_body(cmd.body) == RegisterBodyEncoding::zlib;
                    auto body = decode_register_broker_body(cmd.body, zlib);
                    EXPECT_TRUE(body.ok()) << what << ": " << (body.ok() ? "" : body.error().describe());
                    if (body.ok()) {
                        EXPECT_FALSE(body->topic_config_wrapper.topic_config_table.empty()) << what;
                    }
                    ++typed["register"];
                } else if (cmd.code == code::update_broker_config) {
                    EXPECT_FALSE(parse_properties(cmd.body).empty()) << what;
                    ++typed["update_config"];
                } else if (cmd.code == code::heart_beat) {
                    EXPECT_TRUE(decode_heartbeat(cmd.body).ok()) << what;
                    ++typed["heartbeat"];
                }
                continue;
            }
            EXPECT_TRUE(cmd.is_response()) << what;
            auto req_bytes = version_bytes(folder, request_of(rel));
            auto req = decode_frame(req_bytes);
            ASSERT_TRUE(req.ok()) << what;
            if (cmd.code != rc::success) {
                // Errors carry the server's remark (a 4.9.7 pull miss has its status there too).
                EXPECT_TRUE(cmd.remark.has_value() || cmd.code == rc::pull_not_found) << what;
                ++typed["error"];
                continue;
            }
            if (!cmd.body.empty() && decode_typed(req->code, cmd, what))
                ++typed[std::to_string(req->code)];
        }
        EXPECT_GT(frames, 20);
        // Every version folder has cluster info and route bodies; broker folders have runtime info.
        EXPECT_GT(typed["106"], 0);
        EXPECT_GT(typed["105"] + (folder.find("mixed") != std::string::npos ? 1 : 0), 0);
        EXPECT_GT(typed["28"], 0);
        EXPECT_GT(typed["register"], 0);
    }
}

// Frames a server wrote (responses) encode back to the same bytes, 3.x headers included.
TEST(VersionFrames, ServerFramesReencodeByteForByte) {
    for (const auto& folder : version_folders()) {
        for (const auto& rel : version_frames(folder)) {
            if (rel.find(".response.bin") == std::string::npos)
                continue;
            auto bytes = version_bytes(folder, rel);
            auto cmd = decode_frame(bytes);
            ASSERT_TRUE(cmd.ok()) << folder << "/" << rel;
            EXPECT_EQ(encode_frame(*cmd), bytes) << folder << "/" << rel;
        }
    }
}

}  // namespace
}  // namespace rmqup::rmq
