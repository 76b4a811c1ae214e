// Access to the captured RocketMQ 4.9.7 frames in tests/data/fixtures and the facts INDEX.md records.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rmqup/remoting/codec.hpp"

namespace rmqup::rmq::test {

inline std::filesystem::path fixture_dir() { return std::filesystem::path(RMQUP_TEST_DATA) / "fixtures"; }

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Bytes of a fixture frame, e.g. fixture("clusterList__01_GET_BROKER_CLUSTER_INFO.response.bin") or "acl/...".
inline std::string fixture(const std::string& rel) {
    auto p = fixture_dir() / rel;
    EXPECT_TRUE(std::filesystem::exists(p)) << p;
    return read_file(p);
}

// Decodes a fixture frame; fails the test when it does not decode.
inline RemotingCommand fixture_cmd(const std::string& rel) {
    auto r = decode_frame(fixture(rel));
    EXPECT_TRUE(r.ok()) << rel << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() ? *r : RemotingCommand{};
}

// Every .bin below the fixtures folder, as paths relative to it.
inline std::vector<std::string> all_fixture_frames() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(fixture_dir()))
        if (e.path().extension() == ".bin")
            out.push_back(std::filesystem::relative(e.path(), fixture_dir()).string());
    std::sort(out.begin(), out.end());
    return out;
}

// What an INDEX.md line says about one frame.
struct IndexedFrame {
    std::size_t size = 0;
    int serialize_type = 0;
    int code = 0;
    int flag = 0;
    int opaque = 0;
    std::size_t body_size = 0;
};

// Parses "- **request** (`X.bin`, N bytes, serializeType=0, code=103, flag=0, opaque=0, body 1724 bytes)"
// lines of every INDEX.md, keyed by the relative path of the .bin.
inline std::map<std::string, IndexedFrame> indexed_frames() {
    static const std::regex line_re(
        R"(\(`([^`]+\.bin)`, (\d+) bytes, serializeType=(\d+), code=(-?\d+)[^,]*, flag=(\d+), opaque=(-?\d+), body (\d+) bytes\))");
    std::map<std::string, IndexedFrame> out;
    for (std::string folder : {"", "acl/", "misc/"}) {
        std::istringstream in(read_file(fixture_dir() / (folder + "INDEX.md")));
        std::string line;
        while (std::getline(in, line)) {
            std::smatch m;
            if (!std::regex_search(line, m, line_re))
                continue;
            IndexedFrame f;
            f.size = std::stoul(m[2]);
            f.serialize_type = std::stoi(m[3]);
            f.code = std::stoi(m[4]);
            f.flag = std::stoi(m[5]);
            f.opaque = std::stoi(m[6]);
            f.body_size = std::stoul(m[7]);
            out[folder + m[1].str()] = f;
        }
    }
    return out;
}

// Remark column of the exchange tables (first line only), keyed by "<folder><exchange name>".
inline std::map<std::string, std::string> indexed_remarks() {
    static const std::regex row_re(R"(^\| ([^ |]+) \| [^|]* \| [^|]* \| (-?\d+) \([^)]*\) \| (.*)$)");
    std::map<std::string, std::string> out;
    for (std::string folder : {"", "acl/", "misc/"}) {
        std::istringstream in(read_file(fixture_dir() / (folder + "INDEX.md")));
        std::string line;
        while (std::getline(in, line)) {
            std::smatch m;
            if (!std::regex_search(line, m, row_re))
                continue;
            std::string remark = m[3];
            if (remark.size() >= 2 && remark.substr(remark.size() - 2) == " |")
                remark.resize(remark.size() - 2);
            while (!remark.empty() && remark.back() == ' ')
                remark.pop_back();
            while (!remark.empty() && remark.front() == ' ')
                remark.erase(0, 1);
            out[folder + m[1].str()] = remark;
        }
    }
    return out;
}

}  // namespace rmqup::rmq::test
