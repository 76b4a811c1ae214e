// RocketMQ release versions: "4.9.7" <-> brokerVersionDesc "V4_9_7" <-> MQVersion ordinal 407.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rmqup {

struct RmqVersion {
    int major = 0, minor = 0, patch = 0;

    // Parses "4.9.7", "V4_9_7", "4.1.0-incubating", "V4_1_0_SNAPSHOT", "5.3.3".
    static std::optional<RmqVersion> parse(std::string_view text);
    std::string str() const;        // "4.9.7"
    std::string desc() const;       // "V4_9_7" as brokerVersionDesc shows it
    // MQVersion.Version ordinal as sent in the remoting header `version` field, when known.
    std::optional<int> ordinal() const;
    bool is5x() const { return major >= 5; }

    friend auto operator<=>(const RmqVersion&, const RmqVersion&) = default;
};

}  // namespace rmqup
