// Frames captured from every RocketMQ version in tests/data/fixtures/rocketmq-<version>/ (3.2.6,
// 4.1.0, 4.6.0, 4.9.7, 5.3.3 and the mixed 3.2.6/4.6.0 pairs).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rmqup/remoting/codec.hpp"

namespace rmqup::rmq::test {

inline const std::vector<std::string>& version_folders() {
    static const std::vector<std::string> k_folders = {"rocketmq-3.2.6", "rocketmq-4.1.0", "rocketmq-4.6.0",
                                                       "rocketmq-4.9.7", "rocketmq-5.3.3",
                                                       "rocketmq-mixed-3.2.6-4.6.0"};
    return k_folders;
}

inline std::filesystem::path version_dir(const std::string& folder) {
    return std::filesystem::path(RMQUP_FIXTURES) / folder;
}

inline std::string version_bytes(const std::string& folder, const std::string& rel) {
    std::ifstream in(version_dir(folder) / rel, std::ios::binary);
    EXPECT_TRUE(in.good()) << folder << "/" << rel;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Decodes folder/rel; fails the test when it does not decode.
inline RemotingCommand version_frame(const std::string& folder, const std::string& rel) {
    auto r = decode_frame(version_bytes(folder, rel));
    EXPECT_TRUE(r.ok()) << folder << "/" << rel << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() ? *r : RemotingCommand{};
}

// Every .bin of a folder (recursively), relative to it, sorted.
inline std::vector<std::string> version_frames(const std::string& folder) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(version_dir(folder)))
        if (e.path().extension() == ".bin")
            out.push_back(std::filesystem::relative(e.path(), version_dir(folder)).string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace rmqup::rmq::test
