// The docker rehearsal kit (rehearsal/docker/), validated as far as this machine allows (no
// Docker engine): the compose file through `docker-compose config`, the scripts through
// shellcheck, the inventory through `rmq-upgrade plan --offline`, and the generated files
// (inventory, node configs) equal to what the suite's rehearsal generator renders, so the kit and
// the suite's rehearsal never drift apart.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rmqup/inventory/inventory.hpp"
#include "rmqup/rehearsal/inventory.hpp"
#include "rmqup/proc/process.hpp"

namespace fs = std::filesystem;
using namespace rmqup::rehearsal;

namespace {

const std::string k_kit = std::string(RMQUP_SOURCE_DIR) + "/rehearsal/docker";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string find_tool(const std::string& name) {
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
        std::string p = std::string(dir) + "/" + name;
        if (::access(p.c_str(), X_OK) == 0) return p;
    }
    return {};
}

struct Run {
    int status = -1;
    std::string output;
};

// Runs argv with a deadline; output (stdout+stderr) captured in a temporary file.
Run run(std::vector<std::string> argv, std::chrono::seconds timeout,
        std::vector<std::pair<std::string, std::string>> env = {}, const std::string& cwd = "") {
    std::string log = (fs::temp_directory_path() / ("rmqup-kit-" + std::to_string(::getpid()) + ".log")).string();
    fs::remove(log);
    auto o = rmqup::proc::logged_to(std::move(argv), log);
    o.env = std::move(env);
    o.cwd = cwd;
    Run r;
    auto child = rmqup::proc::Child::spawn(o);
    if (!child.ok()) {
        r.output = child.error().describe();
        return r;
    }
    auto status = child->wait_for(timeout);
    if (!status.ok()) child->kill_group();
    r.status = status.ok() ? *status : -1;
    r.output = read_file(log);
    fs::remove(log);
    return r;
}

// The kit's inventory names the key the image generates (/keys/id_ed25519) and the parser checks
// it is readable: a copy whose key paths point at a placeholder key file in dir.
std::string kit_inventory_with_local_keys(const std::string& dir) {
    fs::create_directories(dir);
    std::ofstream(dir + "/id_ed25519") << "placeholder: an offline plan never reads the key\n";
    std::string inv = read_file(k_kit + "/inventory.yaml");
    for (std::string from : {"/keys/id_ed25519", "/keys/known_hosts"}) {
        std::string to = dir + from.substr(5);
        for (auto pos = inv.find(from); pos != std::string::npos; pos = inv.find(from, pos + to.size()))
            inv.replace(pos, from.size(), to);
    }
    return inv;
}

std::string temp_dir(const std::string& tag) {
    return (fs::temp_directory_path() / ("rmqup-kit-" + tag + "-" + std::to_string(::getpid()))).string();
}

}  // namespace

TEST(Kit, GeneratedFilesEqualTheRehearsalGenerator) {
    // Given the files the suite's generator renders for the docker topology
    auto files = render_kit_files();
    ASSERT_GE(files.size(), 7u);
    std::string expected_dir = std::string(RMQUP_BINARY_DIR) + "/kit-expected";
    for (const auto& [rel, text] : files) {
        // Then the committed kit file is byte-identical (regenerate: copy from kit-expected/)
        std::string committed = read_file(k_kit + "/" + rel);
        if (committed != text) {
            fs::create_directories(fs::path(expected_dir + "/" + rel).parent_path());
            std::ofstream(expected_dir + "/" + rel) << text;
        }
        EXPECT_EQ(committed, text) << "rehearsal/docker/" << rel << " drifted from the generator; the expected file is "
                                   << expected_dir << "/" << rel;
    }
}

TEST(Kit, InventoryHasTheSuiteRehearsalShape) {
    // Given the kit's inventory and one rendered for the loopback rehearsal
    std::string dir = temp_dir("shape");
    std::string text = kit_inventory_with_local_keys(dir);
    auto kit = rmqup::parse_inventory(text, "rehearsal/docker/inventory.yaml");
    fs::remove_all(dir);
    ASSERT_TRUE(kit.ok()) << kit.error().describe();
    Topology t = rehearsal_topology(AddressScheme::loopback);
    InventoryOptions o;
    o.from_version = "4.8.0";
    o.to_version = "4.9.7";
    o.current_home = "/opt/rocketmq-4.8.0";
    o.target_home = "/opt/rocketmq-4.9.7";
    o.conf_dir = "/tmp/conf";
    o.store_dir = "/tmp/store";
    o.log_dir = "/tmp/logs";
    auto suite = rmqup::parse_inventory(render_inventory(t, o), "suite.yaml");
    ASSERT_TRUE(suite.ok()) << suite.error().describe();
    // Then both have the same NameServers, groups, members and roles, and the same roll policy
    ASSERT_EQ(kit->nameservers.size(), suite->nameservers.size());
    ASSERT_EQ(kit->broker_groups.size(), suite->broker_groups.size());
    for (std::size_t g = 0; g < kit->broker_groups.size(); ++g) {
        const auto& kg = kit->broker_groups[g];
        const auto& sg = suite->broker_groups[g];
        EXPECT_EQ(kg.broker_name, sg.broker_name);
        ASSERT_EQ(kg.members.size(), sg.members.size());
        for (std::size_t m = 0; m < kg.members.size(); ++m) {
            EXPECT_EQ(kg.members[m].broker_id, sg.members[m].broker_id);
            EXPECT_EQ(kg.members[m].role, sg.members[m].role);
            EXPECT_EQ(kg.members[m].host, sg.members[m].host);
        }
    }
    EXPECT_EQ(kit->cluster, suite->cluster);
    EXPECT_EQ(kit->policy.on_failure, suite->policy.on_failure);
    EXPECT_EQ(kit->policy.probe_topic, suite->policy.probe_topic);
    EXPECT_EQ(kit->policy.slaves_first, suite->policy.slaves_first);
    EXPECT_EQ(kit->policy.nameserver_order, suite->policy.nameserver_order);
    // Real clients refresh routes every 30 s: the kit keeps the production drain.
    EXPECT_FALSE(kit->allow_short_drain_for_tests);
    EXPECT_GE(kit->policy.drain.min_wait, rmqup::k_min_drain_wait);
}

TEST(Kit, InventoryPlansOffline) {
    // Given the kit's inventory (key paths pointed at a placeholder key: see above)
    std::string dir = temp_dir("plan");
    std::string inv = kit_inventory_with_local_keys(dir);
    ASSERT_NE(inv.find("brokerGroups"), std::string::npos);
    std::ofstream(dir + "/inventory.yaml") << inv;
    // When planned offline
    auto r = run({RMQUP_CLI_BIN, "plan", "--offline", "-i", dir + "/inventory.yaml"}, std::chrono::seconds(30));
    fs::remove_all(dir);
    // Then the plan is accepted and lists every node
    EXPECT_EQ(r.status, 0) << r.output;
    for (const char* node : {"ns1", "ns2", "broker-a", "broker-b"}) EXPECT_NE(r.output.find(node), std::string::npos) << node;
}

TEST(Kit, ComposeFileIsValid) {
    std::string compose = find_tool("docker-compose");
    if (compose.empty()) GTEST_SKIP() << "docker-compose is not installed (Debian package docker-compose; scripts/setup.sh installs it)";
    auto r = run({compose, "-f", k_kit + "/docker-compose.yml", "config"}, std::chrono::seconds(60),
                 {{"OLD_VERSION", "4.9.7"}, {"NEW_VERSION", "5.3.1"}});
    EXPECT_EQ(r.status, 0) << r.output;
    // Every node of the topology is a service, plus the client and the orchestrator
    for (const char* svc : {"ns1:", "ns2:", "broker-a-m:", "broker-a-s:", "broker-b-m:", "broker-b-s:", "client:", "orchestrator:"})
        EXPECT_NE(r.output.find(svc), std::string::npos) << svc;
    // and the build arguments reach the images
    EXPECT_NE(r.output.find("5.3.1"), std::string::npos);
}

TEST(Kit, ScriptsPassShellcheck) {
    std::string shellcheck = find_tool("shellcheck");
    if (shellcheck.empty()) GTEST_SKIP() << "shellcheck is not installed (Debian package shellcheck; scripts/setup.sh installs it)";
    std::vector<std::string> argv = {shellcheck};
    int scripts = 0;
    for (const auto& e : fs::directory_iterator(k_kit)) {
        if (e.path().extension() == ".sh") {
            argv.push_back(e.path().string());
            ++scripts;
        }
    }
    ASSERT_GE(scripts, 4);
    auto r = run(argv, std::chrono::seconds(60));
    EXPECT_EQ(r.status, 0) << r.output;
}

TEST(Kit, GithubActionsExampleRunsTheKit) {
    // The example workflow is YAML whose job runs the kit's run script with both versions set
    YAML::Node wf = YAML::LoadFile(k_kit + "/github-actions.yml");
    auto steps = wf["jobs"]["rehearse"]["steps"];
    ASSERT_TRUE(steps.IsSequence());
    bool runs_kit = false;
    for (const auto& step : steps) {
        if (step["run"] && step["run"].as<std::string>().find("rehearsal/docker/run.sh") != std::string::npos) {
            runs_kit = true;
            EXPECT_TRUE(step["env"]["OLD_VERSION"]);
            EXPECT_TRUE(step["env"]["NEW_VERSION"]);
        }
    }
    EXPECT_TRUE(runs_kit);
}
