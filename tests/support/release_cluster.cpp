#include "release_cluster.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "dist_home.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace rmqup::test {

ReleaseWorkdir::ReleaseWorkdir(const std::string& tag, int first_block, const std::vector<std::string>& versions) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = info != nullptr ? info->name() : "run";
    const std::string prefix = tag + "-" + name + "-";
    m_dir = (fs::temp_directory_path() / (prefix + std::to_string(::getpid()))).string();
    // A run of this test killed before its cleanup (a ctest timeout) may still hold the addresses.
    proc::kill_processes_matching(prefix, 3s);
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    const int block =
        first_block + static_cast<int>((static_cast<unsigned>(::getpid()) * 7u + std::hash<std::string>{}(name)) % 30u);
    m_prefix = "127.0." + std::to_string(block) + ".";
    for (const auto& v : versions) {
        DistHomeOptions o;
        o.version = v;
        o.sim_bin = RMQUP_SIM_BIN;
        if (auto s = write_dist_home(home(v), o); !s.ok()) m_status = s;
    }
    if (auto s = write_fake_java_home(java_home(), "1.8.0_392"); !s.ok()) m_status = s;
}

ReleaseWorkdir::~ReleaseWorkdir() {
    m_children.clear();
    proc::kill_processes_matching(m_dir + "/", 3s);
    if (m_keep) {
        std::cerr << "kept " << m_dir << " for inspection\n";
        return;
    }
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

Status ReleaseWorkdir::start_from(const std::string& home, const std::string& script, std::vector<std::string> args,
                                  const std::string& cwd, const std::string& log) {
    std::vector<std::string> argv{"/bin/sh", home + "/bin/" + script};
    for (auto& a : args) argv.push_back(std::move(a));
    auto o = proc::logged_to(std::move(argv), m_dir + "/" + log + ".log");
    o.env = {{"JAVA_HOME", java_home()}};
    o.cwd = cwd;
    auto pid = proc::spawn_detached(o);
    if (!pid.ok()) return std::move(pid).error();
    return ok_status();
}

int ReleaseWorkdir::run(const std::string& tag, std::vector<std::string> args, std::chrono::seconds timeout,
                        std::vector<std::pair<std::string, std::string>> env) {
    std::vector<std::string> argv{RMQUP_CLI_BIN};
    for (auto& a : args) argv.push_back(std::move(a));
    auto o = proc::logged_to(std::move(argv), m_dir + "/" + tag + ".err");
    o.out = proc::Redirect::truncate(m_dir + "/" + tag + ".out");
    o.env = std::move(env);
    auto child = proc::Child::spawn(o);
    if (!child.ok()) return -2;
    m_children.push_back(std::move(child).value());
    auto status = m_children.back().wait_for(timeout);
    if (!status.ok()) {
        m_children.back().kill_group();
        return -1;
    }
    return *status;
}

std::string ReleaseWorkdir::out(const std::string& tag) const { return read_file(m_dir + "/" + tag + ".out"); }
std::string ReleaseWorkdir::err(const std::string& tag) const { return read_file(m_dir + "/" + tag + ".err"); }

nlohmann::json ReleaseWorkdir::cluster_view(const std::string& ns) {
    (void)run("cluster", {"cluster", "-n", ns, "--json"}, 30s);
    auto j = nlohmann::json::parse(out("cluster"), nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

bool ReleaseWorkdir::wait_registered(const std::string& ns, int brokers, std::chrono::seconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        int up = 0;
        for (const auto& b : cluster_view(ns).value("brokers", nlohmann::json::array()))
            up += b.contains("version") ? 1 : 0;
        if (up == brokers) return true;
        std::this_thread::sleep_for(500ms);
    }
    return false;
}

std::string ReleaseWorkdir::read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void ReleaseWorkdir::write_file(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

}  // namespace rmqup::test
