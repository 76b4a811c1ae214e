#include "rmqup/rehearsal/topology.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

namespace rmqup::rehearsal {

namespace {

bool can_bind(const std::string& ip, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = ::inet_pton(AF_INET, ip.c_str(), &sa.sin_addr) == 1 &&
              ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

// The default port when free, else a random free one in a range clear of the ephemeral ports.
int pick_port(const std::string& ip, int preferred, int side_low, int side_high) {
    auto free_with_sides = [&](int p) {
        for (int q = p - side_low; q <= p + side_high; ++q)
            if (!can_bind(ip, q)) return false;
        return true;
    };
    if (free_with_sides(preferred)) return preferred;
    std::random_device rd;
    std::mt19937 gen(rd());
    std::uniform_int_distribution<int> dist(20000, 30000);
    for (int attempt = 0; attempt < 200; ++attempt) {
        int p = dist(gen);
        if (free_with_sides(p)) return p;
    }
    return preferred;  // the start will then fail with a clear "address in use"
}

}  // namespace

std::string Topology::namesrv_addr() const {
    std::string out;
    for (const auto& ns : nameservers) {
        if (!out.empty()) out += ";";
        out += ns.address();
    }
    return out;
}

Topology rehearsal_topology(AddressScheme scheme, const std::string& first_ip, GroupShape shape) {
    const bool lo = scheme == AddressScheme::loopback;
    const auto dot = first_ip.rfind('.');
    const std::string prefix = first_ip.substr(0, dot + 1);
    const int first = std::atoi(first_ip.c_str() + dot + 1);
    auto ip_at = [&](int i) { return prefix + std::to_string(first + i); };
    Topology t;
    const char* ns_hosts[] = {"ns1", "ns2"};
    for (int i = 0; i < 2; ++i) {
        NameServerSpec ns;
        ns.host = ns_hosts[i];
        ns.ip = lo ? ip_at(i) : ns.host;
        ns.port = lo ? pick_port(ns.ip, 9876, 0, 0) : 9876;
        t.nameservers.push_back(ns);
    }
    int next_ip = 2;
    for (const char* group : {"broker-a", "broker-b"}) {
        for (std::int64_t id = 0; id < (shape == GroupShape::master_only ? 1 : 2); ++id) {
            BrokerSpec b;
            b.broker_name = group;
            b.broker_id = id;
            b.role = id == 0 ? "ASYNC_MASTER" : "SLAVE";
            b.host = std::string(group) + (id == 0 ? "-m" : "-s");
            b.ip = lo ? ip_at(next_ip++) : b.host;
            // RocketMQ also binds listenPort-2 (VIP channel) and listenPort+1 (HA).
            b.port = lo ? pick_port(b.ip, 10911, 2, 1) : 10911;
            t.brokers.push_back(b);
        }
    }
    return t;
}

}  // namespace rmqup::rehearsal
