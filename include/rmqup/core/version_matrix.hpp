// The version matrix the planner enforces: which from -> to rolls exist in place, what must go
// first, which Java a release runs on, what is known about the store for a rollback, and how a
// broker of a release is made read-only. Pure data; every row's source is in docs/versions.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rmqup/core/version.hpp"

namespace rmqup {

// Whether a from -> to pair can be rolled in place.
enum class PathVerdict { supported, refused };
// The order of the roll: NameServers first because mixing breaks registration (3.x -> 4.x, 4.x -> 5.x),
// or NameServers first only as the maintainers' recommended blueprint (same major).
enum class NamesrvOrder { required_first, recommended_first };
// What is known about the old release reading the store the new one wrote (the rollback).
enum class StoreCompat {
    same_version,   // nothing changes
    verified,       // an operator verified both directions on real data (4.1.0 <-> 4.8.0)
    expected,       // same store format per the sources; the rehearsal proves it for the pair
    unknown,        // not established: only the rehearsal on a copy of the store can tell
};
// How a broker of a release is made read-only so the routes show it.
enum class ReadOnlyMethod {
    broker_permission,  // UPDATE_BROKER_CONFIG brokerPermission=4 (4.x, 5.x)
    wipe_write_perm,    // WIPE_WRITE_PERM_OF_BROKER on every NameServer (3.x: brokerPermission never reaches routes)
};
// When the routes show it.
enum class ReadOnlyTiming {
    immediate,          // the broker re-registers with a new DataVersion at once (4.3.0+; WIPE on 3.x)
    next_registration,  // 4.0-4.2: only at the broker's next periodic registration (registerNameServerPeriod, 30 s)
};

// Java majors a broker/NameServer of a release runs on (8 = "1.8").
struct JavaRange {
    int min_major = 8;
    std::optional<int> max_major;  // nothing: no upper bound known
    std::string source;            // where the bounds come from
};

struct ReadOnlyRule {
    ReadOnlyMethod method = ReadOnlyMethod::broker_permission;
    ReadOnlyTiming timing = ReadOnlyTiming::immediate;
    std::string source;
};

struct UpgradePath {
    RmqVersion from, to;
    PathVerdict verdict = PathVerdict::supported;
    std::string reason;  // why refused, or what the path needs
    NamesrvOrder order = NamesrvOrder::recommended_first;
    std::string order_reason;
    StoreCompat store = StoreCompat::unknown;
    std::string store_note;
};

// The row for a from -> to roll.
UpgradePath upgrade_path(const RmqVersion& from, const RmqVersion& to);
// Java majors a release's brokers and NameServers run on (from its start scripts and poms).
JavaRange java_range(const RmqVersion& v);
// Whether java_major (8 for "1.8.0_392", 17, ...) is inside java_range(v).
bool java_supported(const RmqVersion& v, int java_major);
// The Java major of a `java -version` string: "1.8.0_392" -> 8, "17.0.2" -> 17, "11" -> 11.
std::optional<int> parse_java_major(std::string_view version_text);
// How a broker of this release is made read-only, and when the routes show it.
ReadOnlyRule read_only_rule(const RmqVersion& v);

}  // namespace rmqup
