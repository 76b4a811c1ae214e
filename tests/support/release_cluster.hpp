// Integration-test support: a private work directory with release-shaped RocketMQ homes (rmq-sim
// behind the real scripts' logic), a fake JDK, daemons started from those homes like an operator's
// `nohup sh bin/mqbroker -c ...`, and runs of rmq-upgrade with their output kept in files.
// Every process whose command line names the directory is killed at the end. Loopback only:
// addresses 127.0.<block>.<n>, the block picked from the pid and the test name.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "rmqup/core/result.hpp"
#include "rmqup/proc/process.hpp"
#include "rmqup/proc/procfs.hpp"

namespace rmqup::test {

class ReleaseWorkdir {
public:
    // tag names the directory (/tmp/<tag>-<test>-<pid>); the block is chosen in [first_block,
    // first_block + 30). Writes homes of each version and a Java 8 home.
    ReleaseWorkdir(const std::string& tag, int first_block, const std::vector<std::string>& versions);
    ~ReleaseWorkdir();  // kills every process under dir(); removes it unless keep() was called
    ReleaseWorkdir(const ReleaseWorkdir&) = delete;
    ReleaseWorkdir& operator=(const ReleaseWorkdir&) = delete;

    Status status() const { return m_status; }  // an error if the homes could not be written
    void keep() { m_keep = true; }              // a failed test keeps the directory for inspection
    const std::string& dir() const { return m_dir; }
    std::string ip(int last) const { return m_prefix + std::to_string(last); }
    std::string home(const std::string& version) const { return m_dir + "/rocketmq-" + version; }
    std::string java_home() const { return m_dir + "/jdk8"; }

    // `sh <home>/bin/<script> args...` detached, from cwd, JAVA_HOME set; output in <dir>/<log>.log.
    Status start_from(const std::string& home, const std::string& script, std::vector<std::string> args,
                      const std::string& cwd, const std::string& log);
    // rmq-upgrade args..., stdout in <dir>/<tag>.out, stderr in <dir>/<tag>.err; exit code, -1 on timeout.
    int run(const std::string& tag, std::vector<std::string> args, std::chrono::seconds timeout,
            std::vector<std::pair<std::string, std::string>> env = {});
    std::string out(const std::string& tag) const;
    std::string err(const std::string& tag) const;

    // `rmq-upgrade cluster -n ns --json` (empty object when it did not answer).
    nlohmann::json cluster_view(const std::string& ns);
    // Until the NameServer lists `brokers` brokers that answer with a version, or timeout.
    bool wait_registered(const std::string& ns, int brokers, std::chrono::seconds timeout);

    static std::string read_file(const std::string& path);
    static void write_file(const std::string& path, const std::string& text);

private:
    std::string m_dir;
    std::string m_prefix;
    Status m_status;
    bool m_keep = false;
    std::vector<proc::Child> m_children;
};

}  // namespace rmqup::test
