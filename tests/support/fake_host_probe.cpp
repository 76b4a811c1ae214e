#include "fake_host_probe.hpp"

#include <thread>

namespace rmqup::test {

JavaFacts healthy_java() {
    JavaFacts j;
    j.java = "/usr/lib/jvm/java-8/bin/java";
    j.java_home = "/usr/lib/jvm/java-8";
    j.source = "JAVA_HOME of the session";
    j.version = "1.8.0_392";
    j.version_output = "openjdk version \"1.8.0_392\"";
    return j;
}

Status FakeHostProbe::reach() {
    if (m_host.latency.count() > 0) std::this_thread::sleep_for(m_host.latency);
    if (m_host.unreachable) return *m_host.unreachable;
    return ok_status();
}

Result<std::optional<ProcessIdentity>> FakeHostProbe::identify(const ProcessSpec& spec) {
    if (auto st = reach(); !st) return std::move(st).error();
    m_host.identified.push_back(spec.address);
    if (auto it = m_host.identities.find(spec.address); it != m_host.identities.end()) return it->second;
    ProcessIdentity id;
    id.home_source = "classpath";
    id.config_matches = true;
    id.home_matches = true;
    if (auto it = m_host.listeners.find(spec.address); it != m_host.listeners.end()) {
        id.pid = it->second.pid;
        id.args = it->second.args;
        id.home = it->second.home;
        id.config_path = it->second.config_path;
        return std::optional<ProcessIdentity>{id};
    }
    if (m_host.unlisted == Unlisted::nothing_listens) return std::optional<ProcessIdentity>{};
    id.pid = 1000 + static_cast<int>(spec.address.size());
    id.home = spec.home;
    id.config_path = spec.config_path;
    id.expected_home = spec.home;
    id.expected_config = spec.config_path;
    return std::optional<ProcessIdentity>{id};
}

Result<std::string> FakeHostProbe::read_file(const std::string& path) {
    if (auto st = reach(); !st) return std::move(st).error();
    m_host.reads.push_back(path);
    if (auto it = m_host.files.find(path); it != m_host.files.end()) return it->second;
    return make_error(ErrorKind::rejected, "cat: " + path + ": No such file or directory");
}

Result<HostFacts> FakeHostProbe::facts(const FactsRequest& request) {
    if (auto st = reach(); !st) return std::move(st).error();
    m_host.requests.push_back(request);
    HostFacts f;
    f.java = m_host.java;
    for (const auto& h : request.homes) {
        HomeFacts home;
        home.home = h;
        std::optional<std::string> version;
        if (auto it = m_host.jar_version.find(h); it != m_host.jar_version.end()) {
            version = it->second;
        } else if (m_host.other_homes == OtherHomes::version_from_name) {
            version = h.substr(h.rfind('-') + 1);
        }
        home.present = version.has_value() && m_host.absent_homes.count(h) == 0;
        if (home.present) {
            home.broker_jar_version = version;
            home.namesrv_jar_version = version;
        }
        if (auto it = m_host.missing.find(h); it != m_host.missing.end()) home.missing = it->second;
        f.homes.push_back(home);
    }
    for (std::size_t i = 0; i < request.store_paths.size(); ++i) f.store_free_bytes.push_back(m_host.free_bytes);
    f.uncreatable_log_folders = m_host.uncreatable_logs;
    f.snapshots = m_host.snapshots;
    return f;
}

FakeHost& FakeFleet::host(const std::string& key) { return hosts.try_emplace(key, defaults).first->second; }

HostProbeProvider FakeFleet::provider() {
    return [this](const HostAccess& a) -> Result<HostProbe*> {
        FakeHost& h = host(a.name);
        if (h.unreachable) return *h.unreachable;
        m_lent.push_back(std::make_unique<FakeHostProbe>(h));
        return static_cast<HostProbe*>(m_lent.back().get());
    };
}

discover::HostProbeFactory FakeFleet::factory() {
    return [this](const std::string&, const std::string& address) -> Result<std::unique_ptr<HostProbe>> {
        auto it = hosts.find(address);
        if (it == hosts.end()) return make_error(ErrorKind::unreachable, "ssh: connect to " + address + ":22: No route to host");
        return std::unique_ptr<HostProbe>(std::make_unique<FakeHostProbe>(it->second));
    };
}

HostProbeProvider provider_of(FakeHost& host) {
    auto probe = std::make_shared<FakeHostProbe>(host);
    return [probe](const HostAccess&) -> Result<HostProbe*> { return static_cast<HostProbe*>(probe.get()); };
}

}  // namespace rmqup::test
