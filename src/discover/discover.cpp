// The three stages of discover in order. Hosts are independent (each has its own HostProbe, so its
// own SSH session), so they are read host_workers at a time; a cluster of hundreds of hosts is
// bounded by the slowest logins, not by their sum.
#include <algorithm>
#include <atomic>
#include <thread>

#include "rmqup/discover/discover.hpp"

namespace rmqup::discover {

namespace {

HostReading read_one(const HostProbeFactory& make_probe, const HostQuery& q) {
    auto probe = make_probe(q.name, q.address);
    if (probe) return read_host(**probe, q);
    HostReading r;
    r.name = q.name;
    r.address = q.address;
    r.error = std::move(probe).error().with("host " + q.name);
    for (const auto& node : q.nodes) {
        NodeFacts f;
        f.query = node;
        f.error = r.error;
        r.nodes.push_back(std::move(f));
    }
    return r;
}

}  // namespace

Result<DiscoveredInventory> discover(NameServerAdmin& nameservers, BrokerAdmin& brokers, const HostProbeFactory& make_probe,
                                     const DiscoverOptions& options) {
    auto cluster = read_cluster(nameservers, brokers, options.nameservers, options.cluster);
    if (!cluster) return std::move(cluster).error();
    const std::vector<HostQuery> queries = host_queries(*cluster, options.nameservers, options.target_version);
    std::vector<HostReading> readings(queries.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < queries.size(); i = next++) readings[i] = read_one(make_probe, queries[i]);
    };
    const std::size_t workers = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, options.host_workers)), 1,
                                                        std::max<std::size_t>(queries.size(), 1));
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers; ++i) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    return build_inventory(*cluster, readings, options);
}

}  // namespace rmqup::discover
