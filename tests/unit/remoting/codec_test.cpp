#include "rmqup/remoting/codec.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace rmqup::rmq {
namespace {

using test::all_fixture_frames;
using test::fixture;
using test::fixture_cmd;

TEST(Codec, DecodesEveryFixtureFrameAsIndexed) {
    auto frames = all_fixture_frames();
    auto index = test::indexed_frames();
    ASSERT_GE(frames.size(), 300u);
    std::size_t checked = 0;
    for (const auto& rel : frames) {
        std::string bytes = fixture(rel);
        auto probe = probe_frame(bytes);
        EXPECT_EQ(probe.status, FrameStatus::complete) << rel;
        EXPECT_EQ(probe.frame_size, bytes.size()) << rel;
        auto cmd = decode_frame(bytes);
        ASSERT_TRUE(cmd.ok()) << rel << ": " << cmd.error().describe();
        auto it = index.find(rel);
        if (it == index.end())
            continue;
        const auto& f = it->second;
        EXPECT_EQ(bytes.size(), f.size) << rel;
        EXPECT_EQ(static_cast<int>(cmd->serialize_type), f.serialize_type) << rel;
        EXPECT_EQ(cmd->code, f.code) << rel;
        EXPECT_EQ(cmd->flag, f.flag) << rel;
        EXPECT_EQ(cmd->opaque, f.opaque) << rel;
        EXPECT_EQ(cmd->body.size(), f.body_size) << rel;
        ++checked;
    }
    EXPECT_EQ(checked, index.size());
    EXPECT_GE(checked, 350u);
}

TEST(Codec, ResponseRemarksMatchIndex) {
    auto remarks = test::indexed_remarks();
    std::size_t with_remark = 0;
    for (const auto& [name, remark] : remarks) {
        auto path = test::fixture_dir() / (name + ".response.bin");
        if (!std::filesystem::exists(path))
            continue;  // oneway or no response
        auto cmd = fixture_cmd(name + ".response.bin");
        if (remark.empty()) {
            EXPECT_TRUE(!cmd.remark || cmd.remark->empty()) << name << ": " << cmd.remark.value_or("");
        } else {
            ASSERT_TRUE(cmd.remark.has_value()) << name;
            std::string got = *cmd.remark;
            got.erase(0, got.find_first_not_of(' '));  // the table trims the leading space Java sends
            EXPECT_EQ(got.substr(0, remark.size()), remark) << name;
            ++with_remark;
        }
    }
    EXPECT_GE(with_remark, 10u);
}

// Frames written by the capture tool's own raw client (key order not Java's); the re-encoding
// is still checked to decode to the same command.
bool hand_written(const std::string& rel) { return rel.rfind("routeinfo-v", 0) == 0 && rel.find(".request.") != std::string::npos; }

TEST(Codec, ReencodingReproducesEveryFrameByteForByte) {
    std::size_t binary = 0;
    std::size_t hand = 0;
    for (const auto& rel : all_fixture_frames()) {
        std::string bytes = fixture(rel);
        auto cmd = decode_frame(bytes);
        ASSERT_TRUE(cmd.ok()) << rel;
        if (hand_written(rel)) {
            ++hand;
            auto again = decode_frame(encode_frame(*cmd));
            ASSERT_TRUE(again.ok()) << rel;
            EXPECT_EQ(again->ext_fields, cmd->ext_fields) << rel;
            EXPECT_EQ(again->version, cmd->version) << rel;
            continue;
        }
        EXPECT_EQ(encode_frame(*cmd), bytes) << rel;
        if (cmd->serialize_type == SerializeType::rocketmq)
            ++binary;
    }
    EXPECT_GE(binary, 12u);  // clusterList-rocketmq-binary__* and unknownCode-broker-binary__*
    EXPECT_LE(hand, 3u);
}

TEST(Codec, DecodedFieldsOfASignedRequest) {
    auto cmd = fixture_cmd("clusterList__05_UNREGISTER_CLIENT.request.bin");
    EXPECT_EQ(cmd.code, code::unregister_client);
    EXPECT_EQ(cmd.language, "JAVA");
    EXPECT_EQ(cmd.version, 407);
    EXPECT_EQ(cmd.opaque, 8);
    ASSERT_EQ(cmd.ext_fields.size(), 4u);
    EXPECT_EQ(cmd.ext_fields[0].first, "producerGroup");
    EXPECT_EQ(cmd.ext("clientID"), "192.0.2.2@1795260478210");
    EXPECT_EQ(cmd.ext("AccessKey"), "rocketmq2");
    EXPECT_EQ(cmd.ext("Signature"), "UjAzB0pRHbGr1JJO8so2kQ+E/qA=");
    EXPECT_FALSE(cmd.ext("nope").has_value());
}

TEST(Codec, BinaryHeaderFixtureFields) {
    auto cmd = fixture_cmd("clusterList-rocketmq-binary__02_GET_BROKER_CLUSTER_INFO.response.bin");
    EXPECT_EQ(cmd.serialize_type, SerializeType::rocketmq);
    EXPECT_EQ(cmd.code, 0);
    EXPECT_TRUE(cmd.is_response());
    EXPECT_EQ(cmd.language, "JAVA");
    EXPECT_EQ(cmd.version, 407);
    EXPECT_FALSE(cmd.remark.has_value());
    EXPECT_NE(cmd.body.find("\"brokerAddrTable\""), std::string::npos);
}

TEST(Codec, JsonHeaderTextMatchesJavaLayout) {
    auto req = RemotingCommand::request(code::get_routeinfo_by_topic, {{"topic", "TopicTest"}});
    req.language = "JAVA";
    EXPECT_EQ(encode_json_header(req),
              R"({"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":0,"serializeTypeCurrentRPC":"JSON","version":407})");
    auto resp = RemotingCommand::response_to(req, rc::topic_not_exist, "No topic route info");
    resp.language = "JAVA";
    resp.opaque = 5;
    EXPECT_EQ(encode_json_header(resp),
              R"({"code":17,"flag":1,"language":"JAVA","opaque":5,"remark":"No topic route info","serializeTypeCurrentRPC":"JSON","version":407})");
}

TEST(Codec, JsonStringsEscapedLikeFastjson) {
    auto req = RemotingCommand::request(code::send_message_v2, {{"i", std::string("KEYS\x01k1\x02TAGS\x01t/\"\\\n") + "\xC3\xA9"}});
    std::string header = encode_json_header(req);
    EXPECT_NE(header.find(R"("i":"KEYS\u0001k1\u0002TAGS\u0001t/\"\\\n)" "\xC3\xA9" "\""), std::string::npos) << header;
    auto back = decode_frame(encode_frame(req));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->ext_fields, req.ext_fields);
}

TEST(Codec, BinaryRoundTripKeepsFields) {
    auto req = RemotingCommand::request(code::get_max_offset, {{"topic", "T"}, {"queueId", "3"}});
    req.serialize_type = SerializeType::rocketmq;
    req.opaque = -7;
    req.remark = "r";
    auto back = decode_frame(encode_frame(req));
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(back->code, req.code);
    EXPECT_EQ(back->opaque, -7);
    EXPECT_EQ(back->language, "CPP");
    EXPECT_EQ(back->remark, "r");
    EXPECT_EQ(back->ext_fields, req.ext_fields);
}

TEST(Codec, LenientJsonHeader) {
    std::string header = R"({"unknown":[1,{"x":2}],"language":1,"code":28,"opaque":3,"flag":0,"version":"407"})";
    std::string frame;
    auto put32 = [&frame](std::uint32_t v) {
        for (int i = 3; i >= 0; --i)
            frame.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    put32(static_cast<std::uint32_t>(4 + header.size()));
    put32(static_cast<std::uint32_t>(header.size()));
    frame += header;
    auto cmd = decode_frame(frame);
    ASSERT_TRUE(cmd.ok()) << cmd.error().describe();
    EXPECT_EQ(cmd->language, "CPP");
    EXPECT_EQ(cmd->code, 28);
    EXPECT_EQ(cmd->version, 407);
    EXPECT_FALSE(cmd->has_ext_fields);
}

TEST(Codec, ProbeNeedsMoreUntilComplete) {
    std::string bytes = fixture("clusterList__01_GET_BROKER_CLUSTER_INFO.request.bin");
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_EQ(probe_frame(std::string_view(bytes).substr(0, n)).status, FrameStatus::need_more) << n;
    std::string two = bytes + bytes;
    auto p = probe_frame(two);
    EXPECT_EQ(p.status, FrameStatus::complete);
    EXPECT_EQ(p.frame_size, bytes.size());
}

TEST(Codec, MalformedInputsGiveErrors) {
    std::string good = fixture("clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin");
    // Truncated at every length.
    for (std::size_t n = 0; n < good.size(); ++n)
        EXPECT_FALSE(decode_frame(std::string_view(good).substr(0, n)).ok()) << n;
    // A length too short to hold the header-length word.
    EXPECT_EQ(probe_frame(std::string("\x00\x00\x00\x02\x00\x00", 6)).status, FrameStatus::invalid);
    // Largest accepted length is fine to probe (needs more), one more is invalid.
    EXPECT_EQ(probe_frame(std::string("\x00\xFF\xFF\xFC\x00\x00\x00\x10", 8)).status, FrameStatus::need_more);
    EXPECT_EQ(probe_frame(std::string("\x00\xFF\xFF\xFD", 4)).status, FrameStatus::invalid);
    // Oversize length.
    std::string oversize = "\x01\x00\x00\x00" + good.substr(4);
    EXPECT_EQ(probe_frame(oversize).status, FrameStatus::invalid);
    EXPECT_FALSE(decode_frame(oversize).ok());
    // Header length larger than the frame.
    std::string bad_hl = good;
    bad_hl[5] = '\x7F';
    auto p = probe_frame(bad_hl);
    EXPECT_EQ(p.status, FrameStatus::invalid);
    EXPECT_FALSE(p.error.empty());
    EXPECT_FALSE(decode_frame(bad_hl).ok());
    // Bad JSON in the header.
    std::string bad_json = good;
    bad_json[8] = '[';
    auto r = decode_frame(bad_json);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::protocol);
    // Unknown serialize type.
    std::string bad_type = good;
    bad_type[4] = '\x05';
    EXPECT_FALSE(decode_frame(bad_type).ok());
    // Trailing bytes after the frame.
    EXPECT_FALSE(decode_frame(good + "x").ok());
    // Garbage.
    std::string garbage;
    for (int i = 0; i < 200; ++i)
        garbage.push_back(static_cast<char>((i * 37) & 0xFF));
    EXPECT_FALSE(decode_frame(garbage).ok());
    // Binary header with a bad remark length.
    RemotingCommand cmd = RemotingCommand::request(28);
    cmd.serialize_type = SerializeType::rocketmq;
    std::string bin = encode_frame(cmd);
    bin[8 + 13] = '\x7F';
    EXPECT_FALSE(decode_frame(bin).ok());
}

}  // namespace
}  // namespace rmqup::rmq
