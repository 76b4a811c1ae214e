// Sources of each rule are listed in docs/versions.md; the short forms below name them.
#include "rmqup/core/version_matrix.hpp"

#include <cctype>

namespace rmqup {

namespace {

const RmqVersion k_first_java9_release{4, 9, 3};  // start scripts without -Djava.ext.dirs
const RmqVersion k_first_immediate_perm{4, 3, 0};  // AdminBrokerProcessor: nextVersion() before registerBrokerAll

bool known(const RmqVersion& v) { return v.ordinal().has_value() && v.major >= 3 && v.major <= 5; }

UpgradePath refused(UpgradePath p, std::string reason) {
    p.verdict = PathVerdict::refused;
    p.reason = std::move(reason);
    return p;
}

StoreCompat store_between(const RmqVersion& from, const RmqVersion& to, std::string& note) {
    auto in_41_48 = [](const RmqVersion& v) { return v >= RmqVersion{4, 1, 0} && v <= RmqVersion{4, 8, 0}; };
    if (in_41_48(from) && in_41_48(to)) {
        note = "an operator verified 4.1.0 and 4.8.0 read each other's commitlog/consumequeue (seed 000, 2.2.3)";
        return StoreCompat::verified;
    }
    if (from.major == 4 && to.major == 4) {
        note = "the message store format has not changed since 4.0.0 (seed 000, 2.2.3); the rehearsal proves the pair";
        return StoreCompat::expected;
    }
    if (from.is3x()) {
        note = "3.x -> 4.x keeps the commitlog message layout, but no capture shows 3.x reading a store 4.x wrote: "
               "rehearse the rollback on a copy of the store";
        return StoreCompat::unknown;
    }
    if (to.is5x() && from.major == 4) {
        note = "5.x reads a 4.x store, but it may add files (timer, config versions) 4.x ignores or refuses: "
               "rehearse the rollback on a copy of the store";
        return StoreCompat::unknown;
    }
    note = "same major: the store format is expected to be shared; the rehearsal proves the pair";
    return StoreCompat::expected;
}

}  // namespace

UpgradePath upgrade_path(const RmqVersion& from, const RmqVersion& to) {
    UpgradePath p;
    p.from = from;
    p.to = to;
    if (!known(from) || !known(to))
        return refused(p, "unknown release " + (known(from) ? to : from).str() +
                              ": not in MQVersion's table (3.0.0-5.9.9), so its protocol is unknown");
    if (to < from)
        return refused(p, "a downgrade is not an upgrade: use `rmq-upgrade rollback` from the journal of the roll "
                          "that installed " + from.str());
    if (from.is3x() && to.is5x())
        return refused(p, "no in-place path 3.x -> 5.x: no 3.x/5.x mix was captured or rehearsed; roll 3.x -> 4.x "
                          "(NameServers first), then 4.x -> 5.x");
    if (from.is3x() && to.is3x() && from != to)
        return refused(p, "3.x -> 3.x rolls are out of scope: only Alibaba 3.2.6 was captured");
    p.store = from == to ? StoreCompat::same_version : store_between(from, to, p.store_note);
    if (from == to)
        p.store_note = "same version";
    if (from.major != to.major) {
        p.order = NamesrvOrder::required_first;
        p.order_reason =
            from.is3x() ? "a 3.x NameServer answers every 4.x/5.x REGISTER_BROKER with SYSTEM_ERROR (its MQVersion "
                          "table has 140 entries); 4.x NameServers accept 3.x brokers (mixed 3.2.6/4.6.0 captures)"
                        : "mixed 4.x/5.x NameServer/broker versions can fail to decode registrations "
                          "(apache/rocketmq#5536, PR #5539): NameServers first";
    } else {
        p.order = NamesrvOrder::recommended_first;
        p.order_reason = "same major: NameServers accept brokers of either release; NameServers first is the "
                         "maintainers' blueprint";
    }
    p.reason = from == to ? "same version: a restart" : "in-place roll, one node at a time";
    return p;
}

JavaRange java_range(const RmqVersion& v) {
    JavaRange r;
    if (v.is3x()) {
        r.min_major = 6;
        r.max_major = 8;
        r.source = "3.2.6 (apache/rocketmq 65f9bdc703): pom java_source_version 1.6; bin/runbroker.sh sets "
                   "-Djava.ext.dirs and -XX:PermSize, which Java 9+ rejects";
    } else if (v.major == 4 && v < k_first_java9_release) {
        r.min_major = 8;
        r.max_major = 8;
        r.source = "runbook JRE table (broker/NameServer >= 1.8); bin/runbroker.sh and runserver.sh set "
                   "-Djava.ext.dirs up to rocketmq-all-4.9.2, which Java 9+ rejects";
    } else {
        r.min_major = 8;
        r.source = v.is5x() ? "rocketmq-all-5.x pom maven.compiler.source 1.8; runbroker.sh refuses Java < 8 and picks "
                              "GC flags for 9+"
                            : "rocketmq-all-4.9.3+: runbroker.sh/runserver.sh pick GC flags by JAVA_MAJOR_VERSION and "
                              "no longer set -Djava.ext.dirs";
    }
    return r;
}

bool java_supported(const RmqVersion& v, int java_major) {
    auto r = java_range(v);
    return java_major >= r.min_major && (!r.max_major || java_major <= *r.max_major);
}

std::optional<int> parse_java_major(std::string_view text) {
    int first = 0, second = 0;
    std::size_t i = 0;
    auto number = [&](int& out) {
        if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i])))
            return false;
        out = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && out < 1000)
            out = out * 10 + (text[i++] - '0');
        return true;
    };
    if (!number(first))
        return std::nullopt;
    if (first == 1 && i < text.size() && text[i] == '.') {
        ++i;
        if (!number(second))
            return std::nullopt;
        return second;  // "1.8.0_392" -> 8
    }
    return first;
}

ReadOnlyRule read_only_rule(const RmqVersion& v) {
    ReadOnlyRule r;
    if (v.is3x()) {
        r.method = ReadOnlyMethod::wipe_write_perm;
        r.timing = ReadOnlyTiming::immediate;
        r.source = "3.2.6 captures: brokerPermission=4 never reached the routes (35 s); WIPE_WRITE_PERM_OF_BROKER on "
                   "the NameServer took TBW102 7 -> 5 at once and kept it across registrations";
    } else if (v < k_first_immediate_perm) {
        r.method = ReadOnlyMethod::broker_permission;
        r.timing = ReadOnlyTiming::next_registration;
        r.source = "4.1.0 captures (route perm 4 only after 35 s); AdminBrokerProcessor.updateBrokerConfig at "
                   "rocketmq-all-4.2.0 re-registers before DataVersion.nextVersion()";
    } else {
        r.method = ReadOnlyMethod::broker_permission;
        r.timing = ReadOnlyTiming::immediate;
        r.source = "rocketmq-all-4.3.0+: nextVersion() then registerBrokerAll; 4.6.0/4.9.7/5.3.3 captures show perm "
                   "4 at once";
    }
    return r;
}

}  // namespace rmqup
