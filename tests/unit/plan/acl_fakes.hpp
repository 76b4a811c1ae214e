// A host that only holds files (plain_acl.yml), for the ACL transition tests: every other host
// operation fails, so those tests look only at the acl-* findings.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rmqup/hostops/host_ops.hpp"
#include "rmqup/plan/planner.hpp"

namespace rmqup::test {

class FileHost final : public HostOps {
public:
    std::map<std::string, std::string> files;  // path -> content
    std::vector<std::string> reads;

    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec&) override { return none(); }
    Result<std::vector<int>> find_pids(const ProcessSpec&) override { return none(); }
    Status stop(const ProcessSpec&, std::chrono::milliseconds, KillPolicy) override { return none(); }
    Result<int> start(const ProcessSpec&) override { return none(); }
    Result<bool> abort_marker_present(const ProcessSpec&) override { return none(); }
    Result<std::string> read_file(const std::string& path) override {
        reads.push_back(path);
        if (auto it = files.find(path); it != files.end()) return it->second;
        return make_error(ErrorKind::rejected, "cat: " + path + ": No such file or directory");
    }
    Status write_file(const std::string&, const std::string&, int) override { return none(); }
    Status backup_once(const std::string&, const std::string&) override { return none(); }
    Result<bool> path_exists(const std::string& path) override { return files.count(path) != 0; }
    Result<HostFacts> facts(const FactsRequest&) override { return none(); }

private:
    static Error none() { return make_error(ErrorKind::internal, "FileHost: not used by this test"); }
};

// Every host of the plan is the same FileHost.
inline HostOpsProvider provider_of(FileHost& host) {
    return [&host](const HostAccess&) -> Result<HostOps*> { return static_cast<HostOps*>(&host); };
}

}  // namespace rmqup::test
