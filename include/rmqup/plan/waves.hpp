// Topic-aware waves (docs/plan.md "Waves"): which nodes of the roll restart together, and one line
// per wave saying why that is safe. Pure logic: its input is the inventory's shape and the live
// topic placement, its output Plan::batches and Plan::batch_proofs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rmqup/plan/plan.hpp"

namespace rmqup {

// One node as the wave planner sees it.
struct WaveNode {
    std::string id;               // PlanNode::id
    std::string host;             // HostAccess::name: at most maxPerHost nodes of one host per wave
    std::int64_t broker_id = 0;   // brokers only; 0 = master
    bool skip = false;            // already at target: listed in order, never in a wave
};

// A broker group with its members in roll order (slaves by id then the master, or the master first
// when slavesFirst is off).
struct WaveGroup {
    std::string broker_name;
    std::vector<WaveNode> members;
};

// A non-system topic and the groups (indices into WaveInput::groups) whose master holds writable
// queues of it (perm & 2, writeQueueNums > 0).
struct WaveTopic {
    std::string name;
    std::vector<std::uint32_t> writable_groups;
};

// Whether the topic placement is known (a live plan) or not (an offline plan).
enum class TopicRoutes { live, unknown };

struct WaveInput {
    std::vector<WaveNode> nameservers;   // inventory order
    std::vector<WaveGroup> groups;       // inventory order (the canary is moved first by plan_waves)
    std::vector<WaveTopic> topics;       // empty when routes are unknown
    TopicRoutes routes = TopicRoutes::unknown;
};

struct Waves {
    std::vector<std::string> order;                // every node id in execution order, skipped included
    std::vector<std::vector<std::string>> waves;   // node ids restarted together (skipped left out)
    std::vector<std::string> proofs;               // one line per wave (same index as waves)
    int unproven_waves = 0;                        // waves with several masters and unknown routes
};

// Packs the roll into waves under policy (parallel, maxPerHost, canary, nameServerOrder): one
// NameServer per wave; never two members of a group in a wave, a group's slaves in waves before its
// master's (or after, with the master first); the canary group alone first; at most `parallel`
// groups and `maxPerHost` nodes of one host per wave; for every topic on >= 2 groups, at least one
// of its writable groups stays out of each wave. Greedy in inventory order; parallel 1 gives one
// node per wave in today's order.
Waves plan_waves(const WaveInput& in, const Policy& policy);

}  // namespace rmqup
