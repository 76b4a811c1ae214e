// The rehearsal cluster's shape, shared by `rmq-upgrade rehearse` (rmq-sim processes on loopback)
// and the docker kit (rehearsal/docker/inventory.yaml): 2 NameServers and 2 broker groups, each a
// master and a slave, every node on its own host. One definition, so the suite and the kit never drift.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rmqup::rehearsal {

struct NameServerSpec {
    std::string host;  // inventory host name ("ns1")
    std::string ip;    // address the process listens on / clients use
    int port = 9876;

    std::string address() const { return ip + ":" + std::to_string(port); }
};

struct BrokerSpec {
    std::string host;         // inventory host name ("broker-a-m")
    std::string ip;
    int port = 10911;
    std::string broker_name;  // "broker-a"
    std::int64_t broker_id = 0;  // 0 = master
    std::string role;         // "ASYNC_MASTER" / "SLAVE"

    std::string address() const { return ip + ":" + std::to_string(port); }
    std::string label() const { return broker_name + "@" + std::to_string(broker_id); }
};

struct Topology {
    std::string cluster = "RehearsalCluster";
    std::vector<NameServerSpec> nameservers;
    std::vector<BrokerSpec> brokers;  // group by group, master first

    // "ip1:port;ip2:port" as namesrvAddr and clients use it.
    std::string namesrv_addr() const;
};

// Where the rehearsal's nodes live.
enum class AddressScheme {
    loopback,  // 127.0.0.2 .. 127.0.0.7, each port moved to a free one when taken
    docker,    // the compose service names ("ns1", "broker-a-m", ...) on the default ports
};

// Slaves in each broker group: the standard shape has one; the minimal one (version-path tests)
// has masters only, the fewest nodes that still keep a writable group while one master drains.
enum class GroupShape { master_and_slave, master_only };

// The rehearsal topology with the given addresses. Loopback: consecutive addresses from first_ip
// ("127.0.0.2": NameServers .2 and .3, brokers from .4: six addresses, four for master_only); ports
// are probed (bind) so that a taken default is replaced by a free port on the same address.
Topology rehearsal_topology(AddressScheme scheme, const std::string& first_ip = "127.0.0.2",
                            GroupShape shape = GroupShape::master_and_slave);

}  // namespace rmqup::rehearsal
