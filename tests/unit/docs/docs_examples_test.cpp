// Every example an operator may copy validates: each ```yaml block of docs/*.md that is an inventory
// (it has brokerGroups or nameServers) and every inventory in plans/ goes through the same parser
// as `rmq-upgrade validate`; the other YAML blocks must at least be YAML.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rmqup/inventory/inventory.hpp"

namespace rmqup {
namespace {

namespace fs = std::filesystem;

struct Example {
    std::string where;  // "docs/inventory.md:20"
    std::string text;
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The ```yaml fenced blocks of one Markdown file, each named by the line of its fence.
std::vector<Example> yaml_blocks(const fs::path& md, const std::string& shown) {
    std::vector<Example> out;
    std::istringstream in(read_file(md));
    std::string line;
    int number = 0;
    Example* open = nullptr;
    while (std::getline(in, line)) {
        ++number;
        if (open == nullptr && (line.rfind("```yaml", 0) == 0 || line.rfind("```yml", 0) == 0)) {
            out.push_back({shown + ":" + std::to_string(number), ""});
            open = &out.back();
        } else if (open != nullptr && line.rfind("```", 0) == 0) {
            open = nullptr;
        } else if (open != nullptr) {
            open->text += line + "\n";
        }
    }
    return out;
}

std::vector<fs::path> files(const fs::path& dir, std::initializer_list<const char*> extensions) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto ext = e.path().extension().string();
        if (std::any_of(extensions.begin(), extensions.end(), [&](const char* x) { return ext == x; }))
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool is_inventory(const std::string& text) {
    return text.find("brokerGroups:") != std::string::npos || text.find("nameServers:") != std::string::npos;
}

TEST(DocsExamples, EveryInventoryBlockInDocsValidates) {
    const fs::path docs = fs::path(RMQUP_SOURCE_DIR) / "docs";
    int inventories = 0;
    for (const auto& md : files(docs, {".md"})) {
        for (const auto& block : yaml_blocks(md, "docs/" + md.filename().string())) {
            if (!is_inventory(block.text)) {
                EXPECT_NO_THROW(YAML::Load(block.text)) << block.where << ": not YAML";
                continue;
            }
            ++inventories;
            auto inv = parse_inventory(block.text, block.where);
            EXPECT_TRUE(inv.ok()) << block.where << " does not validate:\n" << (inv.ok() ? "" : inv.error().message);
        }
    }
    // docs/inventory.md's full example at least: a test that finds nothing proves nothing.
    EXPECT_GE(inventories, 1);
}

TEST(DocsExamples, EveryExampleInventoryInPlansValidates) {
    const auto examples = files(fs::path(RMQUP_SOURCE_DIR) / "plans", {".yaml", ".yml", ".json"});
    ASSERT_GE(examples.size(), 3U);
    for (const auto& p : examples) {
        auto inv = load_inventory(p.string());
        EXPECT_TRUE(inv.ok()) << "plans/" << p.filename().string() << " does not validate:\n"
                              << (inv.ok() ? "" : inv.error().message);
    }
}

// docs/ARCHITECTURE.md has one row per folder ("| `src/plan/` | ... |"): every source folder of the
// tree has its row, and every row names a folder that exists.
TEST(Architecture, OneRowPerFolderAndEveryRowAFolder) {
    const fs::path root(RMQUP_SOURCE_DIR);
    std::vector<std::string> rows;
    std::istringstream in(read_file(root / "docs" / "ARCHITECTURE.md"));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| `", 0) != 0)
            continue;
        const auto end = line.find('`', 3);
        rows.push_back(line.substr(3, end - 3));
    }
    ASSERT_GE(rows.size(), 10U);
    for (auto row : rows) {
        if (const auto pattern = row.find("<area>"); pattern != std::string::npos)
            row.erase(pattern);  // "tests/unit/<area>": its parent folder
        EXPECT_TRUE(fs::is_directory(root / row)) << "docs/ARCHITECTURE.md has a row for " << row << ", no such folder";
    }
    std::vector<std::string> folders;
    for (const char* parent : {"src", "tests/unit", "tests/integration"})
        for (const auto& e : fs::directory_iterator(root / parent))
            if (e.is_directory())
                folders.push_back(std::string(parent) + "/" + e.path().filename().string() + "/");
    for (const char* top : {"sim/", "tests/support/", "bench/", "fuzz/", "scripts/", "cmake/", "packaging/"})
        folders.emplace_back(top);
    for (const auto& f : folders) {
        const bool direct = std::find(rows.begin(), rows.end(), f) != rows.end();
        // tests/unit/<area> and tests/integration/<area> are described by one row each.
        const bool by_pattern = (f.rfind("tests/unit/", 0) == 0 &&
                                 std::find(rows.begin(), rows.end(), "tests/unit/<area>") != rows.end()) ||
                                (f.rfind("tests/integration/", 0) == 0 &&
                                 std::find(rows.begin(), rows.end(), "tests/integration/<area>") != rows.end());
        EXPECT_TRUE(direct || by_pattern) << "docs/ARCHITECTURE.md has no row for " << f;
    }
}

// A merge's leftovers never reach an operator: no conflict markers in README.md or docs/.
TEST(Docs, NoConflictMarkers) {
    const fs::path root(RMQUP_SOURCE_DIR);
    auto pages = files(root / "docs", {".md"});
    pages.push_back(root / "README.md");
    for (const auto& md : pages) {
        std::istringstream in(read_file(md));
        int number = 0;
        for (std::string line; std::getline(in, line);) {
            ++number;
            const bool marker = line.rfind("<<<<<<< ", 0) == 0 || line == "=======" || line.rfind(">>>>>>> ", 0) == 0;
            EXPECT_FALSE(marker) << md.filename().string() << ":" << number << ": conflict marker";
        }
    }
}

}  // namespace
}  // namespace rmqup
