// Shared by the plan tests: a two-group inventory (master + slave each, two NameServers) and a
// FakeAdmin topology that matches it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fake_admin.hpp"
#include "rmqup/inventory/inventory.hpp"
#include "rmqup/plan/planner.hpp"

namespace rmqup::test {

inline const char* k_two_groups = R"(cluster: TestCluster
currentVersion: 4.8.0
targetVersion: 4.9.7
defaults:
  currentHome: /opt/rocketmq-4.8.0
  targetHome: /opt/rocketmq-4.9.7
hosts:
  - {name: h1, address: 127.0.0.1}
  - {name: h2, address: 127.0.0.2}
  - {name: h3, address: 127.0.0.3}
nameServers:
  - {address: 127.0.0.1:9876, host: h1}
  - {address: 127.0.0.2:9876, host: h2}
brokerGroups:
  - brokerName: broker-a
    members:
      - {brokerId: 0, role: SYNC_MASTER, address: 127.0.0.1:10911, host: h1, config: /c/a.properties, storePathRootDir: /s/a}
      - {brokerId: 1, role: SLAVE, address: 127.0.0.2:10921, host: h2, config: /c/a-s.properties, storePathRootDir: /s/a-s}
  - brokerName: broker-b
    members:
      - {brokerId: 0, role: SYNC_MASTER, address: 127.0.0.2:10911, host: h2, config: /c/b.properties, storePathRootDir: /s/b}
      - {brokerId: 1, role: SLAVE, address: 127.0.0.3:10921, host: h3, config: /c/b-s.properties, storePathRootDir: /s/b-s}
)";

inline Inventory parse_or_die(const std::string& text) {
    auto r = parse_inventory(text, "test.yaml");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Inventory{};
}

// The healthy cluster of k_two_groups: every broker up, RW, at 4.8.0, one shared topic.
inline FakeAdmin healthy_two_groups() {
    FakeAdmin admin;
    auto add = [&](const char* name, std::int64_t id, const char* addr) {
        FakeBroker b;
        b.name = name;
        b.id = id;
        b.address = addr;
        if (id == 0) b.add_topic("Shared", 8);
        admin.add(b);
    };
    add("broker-a", 0, "127.0.0.1:10911");
    add("broker-a", 1, "127.0.0.2:10921");
    add("broker-b", 0, "127.0.0.2:10911");
    add("broker-b", 1, "127.0.0.3:10921");
    return admin;
}

inline const CheckFinding* finding(const Plan& plan, const std::string& id) {
    auto it = std::find_if(plan.findings.begin(), plan.findings.end(), [&](const CheckFinding& f) { return f.id == id; });
    return it == plan.findings.end() ? nullptr : &*it;
}

inline PlanRequest fixed_request() {
    PlanRequest req;
    req.created_at = "2026-01-01T00:00:00Z";
    return req;
}

}  // namespace rmqup::test
