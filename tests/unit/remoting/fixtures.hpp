// Access to the captured RocketMQ 4.9.7 frames in tests/data/fixtures and the facts INDEX.md records.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rmqup/remoting/codec.hpp"

namespace rmqup::rmq::test {

inline std::filesystem::path fixture_dir() { return std::filesystem::path(RMQUP_TEST_DATA) / "fixtures" / "rocketmq-4.9.7"; }

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

// Integer after `key` in line (e.g. "code=" -> 103), or nullopt.
inline std::optional<long long> number_after(const std::string& line, const std::string& key) {
    auto pos = line.find(key);
    if (pos == std::string::npos)
        return std::nullopt;
    pos += key.size();
    std::size_t end = pos;
    if (end < line.size() && line[end] == '-')
        ++end;
    while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end])))
        ++end;
    if (end == pos)
        return std::nullopt;
    return std::stoll(line.substr(pos, end - pos));
}

// Parses "- **request** (`X.bin`, N bytes, serializeType=0, code=103, flag=0, opaque=0, body 1724 bytes)"
// lines of every INDEX.md, keyed by the relative path of the .bin.
inline std::map<std::string, IndexedFrame> indexed_frames() {
    std::map<std::string, IndexedFrame> out;
    for (std::string folder : {"", "acl/", "misc/"}) {
        std::istringstream in(read_file(fixture_dir() / (folder + "INDEX.md")));
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("- **re", 0) != 0)
                continue;
            auto open = line.find("(`");
            auto close = line.find(".bin`", open == std::string::npos ? 0 : open);
            if (open == std::string::npos || close == std::string::npos)
                continue;
            std::string name = line.substr(open + 2, close + 4 - (open + 2));
            auto size = number_after(line, "`, ");
            auto type = number_after(line, "serializeType=");
            auto code = number_after(line, "code=");
            auto flag = number_after(line, "flag=");
            auto opaque = number_after(line, "opaque=");
            auto body = number_after(line, ", body ");
            if (!size || !type || !code || !flag || !opaque || !body)
                continue;
            IndexedFrame f;
            f.size = static_cast<std::size_t>(*size);
            f.serialize_type = static_cast<int>(*type);
            f.code = static_cast<int>(*code);
            f.flag = static_cast<int>(*flag);
            f.opaque = static_cast<int>(*opaque);
            f.body_size = static_cast<std::size_t>(*body);
            out[folder + name] = f;
        }
    }
    return out;
}

// Remark column of the exchange tables (first line only), keyed by "<folder><exchange name>".
// Rows look like "| name | via | 105 (GET_ROUTEINFO_BY_TOPIC) | 17 (TOPIC_NOT_EXIST) | remark |".
inline std::map<std::string, std::string> indexed_remarks() {
    std::map<std::string, std::string> out;
    for (std::string folder : {"", "acl/", "misc/"}) {
        std::istringstream in(read_file(fixture_dir() / (folder + "INDEX.md")));
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("| ", 0) != 0)
                continue;
            std::vector<std::string> cells;
            std::size_t pos = 2;
            for (int i = 0; i < 4; ++i) {
                auto sep = line.find(" | ", pos);
                if (sep == std::string::npos)
                    break;
                cells.push_back(line.substr(pos, sep - pos));
                pos = sep + 3;
            }
            if (cells.size() != 4 || cells[3].empty() || !std::isdigit(static_cast<unsigned char>(cells[3][0])))
                continue;
            std::string remark = line.substr(std::min(pos, line.size()));
            if (remark.size() >= 2 && remark.substr(remark.size() - 2) == " |")
                remark.resize(remark.size() - 2);
            else if (remark == "|")
                remark.clear();
            while (!remark.empty() && remark.back() == ' ')
                remark.pop_back();
            while (!remark.empty() && remark.front() == ' ')
                remark.erase(0, 1);
            out[folder + cells[0]] = remark;
        }
    }
    return out;
}

}  // namespace rmqup::rmq::test
