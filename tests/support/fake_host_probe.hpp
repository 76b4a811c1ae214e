// FakeHostProbe: the hand-written HostProbe of the planner's, discover's and the benchmarks' tests.
// Each FakeHost holds what one host answers: processes listening on addresses, files, RocketMQ homes
// with their jars, Java and disks; it can be unreachable or slow, and records what it was asked.
// FakeFleet holds the hosts and lends them out as the planner (by inventory host name) and discover
// (by address) ask for them. (The engine's host operations are faked by the engine's own cluster:
// tests/support/fake_cluster.hpp.)
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rmqup/discover/discover.hpp"
#include "rmqup/hostops/host_probe.hpp"
#include "rmqup/plan/planner.hpp"

namespace rmqup::test {

// The process listening on one address, as identify() reports it.
struct FakeListener {
    int pid = 0;
    std::string args;         // argv joined by spaces ("/usr/lib/jvm/java-8/bin/java ... -c /conf/a")
    std::string home;         // resolved home
    std::string config_path;  // resolved -c ("" none)
};

// What identify() answers for an address that is neither in listeners nor in identities.
enum class Unlisted {
    nothing_listens,  // nullopt (discover's hosts)
    as_specified,     // the spec's own process: its home and config, both matching (the planner's hosts)
};

// Which homes facts() finds besides those in jar_version.
enum class OtherHomes {
    absent,             // none
    version_from_name,  // every one, with jars of the version its name ends with ("/opt/rocketmq-4.9.7")
};

struct FakeHost {
    // identify
    std::map<std::string, FakeListener> listeners;                             // "ip:port" -> process
    std::map<std::string, Result<std::optional<ProcessIdentity>>> identities;  // "ip:port" -> the whole answer
    Unlisted unlisted = Unlisted::nothing_listens;
    // read_file
    std::map<std::string, std::string> files;  // path -> content
    // facts
    JavaFacts java;
    std::map<std::string, std::string> jar_version;  // home -> version of its jars
    OtherHomes other_homes = OtherHomes::absent;
    std::set<std::string> absent_homes;               // absent whatever the above say
    std::map<std::string, std::vector<std::string>> missing;  // home -> missing entries (bin/..., lib)
    std::vector<std::string> uncreatable_logs;
    std::vector<std::string> snapshots;
    long long free_bytes = 100LL << 30;               // of every store
    // behaviour
    std::optional<Error> unreachable;          // every call fails with this
    std::chrono::milliseconds latency{0};      // every call takes this long (a model of SSH)
    // what it was asked
    std::vector<std::string> identified;       // addresses, in order
    std::vector<std::string> reads;            // paths, in order
    std::vector<FactsRequest> requests;
};

// A healthy Java 8 as the start scripts find it through the session's JAVA_HOME.
JavaFacts healthy_java();

class FakeHostProbe final : public HostProbe {
public:
    explicit FakeHostProbe(FakeHost& host) : m_host(host) {}
    Result<std::optional<ProcessIdentity>> identify(const ProcessSpec& spec) override;
    Result<std::string> read_file(const std::string& path) override;
    Result<HostFacts> facts(const FactsRequest& request) override;

private:
    Status reach();
    FakeHost& m_host;
};

// Hosts by key (inventory host name for the planner, IP for discover).
struct FakeFleet {
    std::map<std::string, FakeHost> hosts;
    FakeHost defaults;  // what host() starts a new host from

    // The host at key, created from defaults on first use.
    FakeHost& host(const std::string& key);
    // For the planner: by inventory host name (created from defaults on first use); a host whose
    // `unreachable` is set fails at connect time with that error.
    HostProbeProvider provider();
    // For discover: by address; an address without a host is unreachable (no route to host).
    discover::HostProbeFactory factory();

private:
    std::vector<std::unique_ptr<FakeHostProbe>> m_lent;
};

// Every host of a plan answered by the same FakeHost.
HostProbeProvider provider_of(FakeHost& host);

}  // namespace rmqup::test
