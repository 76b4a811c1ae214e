// Hand-written hosts for discover's unit tests: each IP has processes listening on ports (with their
// command line, home, config), files (configs, /proc/<pid>/environ) and RocketMQ homes with jars.
// A host can be made unreachable. Every identify() call is recorded with the address asked for.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rmqup/discover/discover.hpp"

namespace rmqup::test {

struct FakeProcess {
    int pid = 0;
    std::string args;         // argv joined by spaces ("/usr/lib/jvm/java-8/bin/java ... -c /conf/a")
    std::string home;         // resolved home
    std::string config_path;  // resolved -c ("" none)
};

struct FakeMachine {
    std::map<std::string, FakeProcess> listeners;         // "ip:port" -> process
    std::map<std::string, Error> identify_errors;         // "ip:port" -> identify error
    std::map<std::string, std::string> files;             // path -> content
    std::map<std::string, std::string> homes;             // home -> version of its jars
    JavaFacts java;
    std::optional<Error> unreachable;                      // every call fails with this
    std::vector<std::string> identified;                   // addresses asked to identify()
    std::vector<FactsRequest> facts_requests;
};

class FakeMachineOps final : public HostOps {
public:
    explicit FakeMachineOps(FakeMachine& m) : m_m(m) {}

    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) override {
        if (m_m.unreachable) return *m_m.unreachable;
        m_m.identified.push_back(spec.address);
        if (auto e = m_m.identify_errors.find(spec.address); e != m_m.identify_errors.end()) return e->second;
        auto it = m_m.listeners.find(spec.address);
        if (it == m_m.listeners.end()) return std::optional<ProcessIdentity>{};
        ProcessIdentity id;
        id.pid = it->second.pid;
        id.args = it->second.args;
        id.home = it->second.home;
        id.home_source = "classpath";
        id.config_path = it->second.config_path;
        id.config_matches = true;
        id.home_matches = true;
        return std::optional<ProcessIdentity>{id};
    }
    Result<std::vector<int>> find_pids(const ProcessSpec&) override { return std::vector<int>{}; }
    Status stop(const ProcessSpec&, std::chrono::milliseconds, KillPolicy) override { return unused(); }
    Result<int> start(const ProcessSpec&) override { return unused(); }
    Result<bool> abort_marker_present(const ProcessSpec&) override { return unused(); }
    Result<std::string> read_file(const std::string& path) override {
        if (m_m.unreachable) return *m_m.unreachable;
        if (auto it = m_m.files.find(path); it != m_m.files.end()) return it->second;
        return make_error(ErrorKind::rejected, "cat: " + path + ": No such file or directory");
    }
    Status write_file(const std::string&, const std::string&, int) override { return unused(); }
    Status backup_once(const std::string&, const std::string&) override { return unused(); }
    Result<bool> path_exists(const std::string&) override { return unused(); }
    Result<HostFacts> facts(const FactsRequest& request) override {
        if (m_m.unreachable) return *m_m.unreachable;
        m_m.facts_requests.push_back(request);
        HostFacts f;
        f.java = m_m.java;
        for (const auto& h : request.homes) {
            HomeFacts home;
            home.home = h;
            auto it = m_m.homes.find(h);
            home.present = it != m_m.homes.end();
            if (home.present) {
                home.broker_jar_version = it->second;
                home.namesrv_jar_version = it->second;
            }
            f.homes.push_back(home);
        }
        return f;
    }

private:
    // discover never changes a host.
    static Error unused() { return make_error(ErrorKind::internal, "FakeMachineOps: discover must not change a host"); }
    FakeMachine& m_m;
};

// Machines by IP, and the factory discover() uses; an IP without a machine is unreachable.
struct FakeFleet {
    std::map<std::string, FakeMachine> machines;

    discover::HostOpsFactory factory() {
        return [this](const std::string&, const std::string& address) -> Result<std::unique_ptr<HostOps>> {
            auto it = machines.find(address);
            if (it == machines.end()) {
                return make_error(ErrorKind::unreachable, "ssh: connect to " + address + ":22: No route to host");
            }
            return std::unique_ptr<HostOps>(std::make_unique<FakeMachineOps>(it->second));
        };
    }
};

}  // namespace rmqup::test
