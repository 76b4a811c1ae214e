// RocketMQ release versions: "4.9.7" <-> brokerVersionDesc "V4_9_7" <-> MQVersion ordinal 407.
// Ordinals follow MQVersion.Version of apache/rocketmq (common/.../MQVersion.java, tag
// rocketmq-all-5.3.3: V3_0_0_SNAPSHOT = 0 ... V5_9_9 = 611); the table is in docs/versions.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rmqup {

struct RmqVersion {
    int major = 0, minor = 0, patch = 0;

    // Parses "4.9.7", "V4_9_7", "4.1.0-incubating", "V4_1_0_SNAPSHOT", "5.3.3".
    static std::optional<RmqVersion> parse(std::string_view text);
    // The release whose servers send this header `version` (a SNAPSHOT ordinal maps to its
    // release: 232 V4_1_0_SNAPSHOT -> 4.1.0). Nothing for ordinals outside 3.0.0 .. 5.9.9.
    static std::optional<RmqVersion> from_ordinal(int ordinal);
    std::string str() const;        // "4.9.7"
    // brokerVersionDesc as a server of this release reports it: "V4_9_7", "V4_1_0_SNAPSHOT"
    // (4.0.0-4.2.0 releases call themselves SNAPSHOT), "V3_2_6".
    std::string desc() const;
    // MQVersion ordinal a server of this release sends in the remoting header `version`
    // (MQVersion.CURRENT_VERSION at its tag), for every 3.x, 4.x and 5.x release the enum lists.
    std::optional<int> ordinal() const;
    bool is3x() const { return major == 3; }
    bool is5x() const { return major >= 5; }

    friend auto operator<=>(const RmqVersion&, const RmqVersion&) = default;
};

// The MQVersion.Version constant name of an ordinal ("V4_1_0_SNAPSHOT", "V3_0_0_BETA1");
// empty when the ordinal is outside the enum.
std::string mq_version_name(int ordinal);

}  // namespace rmqup
