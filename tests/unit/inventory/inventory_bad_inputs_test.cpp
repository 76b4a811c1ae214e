// Table test: every file in tests/data/inventory/bad/ is rejected with the exact diagnostic
// (file:line:col: what; allowed: ...) written in its .expected file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rmqup/inventory/inventory.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

std::vector<fs::path> bad_inputs() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(RMQUP_TEST_DATA) / "inventory" / "bad")) {
        auto ext = e.path().extension();
        if (ext == ".yaml" || ext == ".json") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

class BadInventory : public ::testing::TestWithParam<fs::path> {};

TEST_P(BadInventory, IsRejectedWithThePreciseMessage) {
    const fs::path input = GetParam();
    const std::string source = "bad/" + input.filename().string();
    fs::path expected_file = input;
    expected_file.replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_file)) << "missing " << expected_file;
    auto expected = lines_of(read_text(expected_file));
    auto inv = rmqup::parse_inventory(read_text(input), source);
    ASSERT_FALSE(inv.ok()) << source << " was accepted";
    ASSERT_FALSE(expected.empty()) << "actual:\n" << inv.error().message;
    EXPECT_EQ(inv.error().kind, rmqup::ErrorKind::invalid_input);
    auto actual = lines_of(inv.error().message);
    for (const auto& want : expected) {
        EXPECT_NE(std::find(actual.begin(), actual.end(), want), actual.end())
            << "expected diagnostic not found:\n  " << want << "\nactual:\n  " << inv.error().message;
    }
    // Every diagnostic names the file, line and column.
    for (const auto& line : actual) EXPECT_EQ(line.rfind(source + ":", 0), 0u) << line;
}

INSTANTIATE_TEST_SUITE_P(Files, BadInventory, ::testing::ValuesIn(bad_inputs()),
                         [](const ::testing::TestParamInfo<fs::path>& p) {
                             std::string name = p.param.stem().string() + "_" + p.param.extension().string().substr(1);
                             std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                             return name;
                         });

}  // namespace
