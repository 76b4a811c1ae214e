// Client census and topic snapshot: what operators otherwise script by hand before a roll, and
// what `diff-topics` compares against after it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rmqup/admin/broker_admin.hpp"
#include "rmqup/core/result.hpp"

namespace rmqup {

enum class ClientGroupKind { consumer, producer };

struct ClientEntry {
    ClientGroupKind kind = ClientGroupKind::consumer;
    std::string group;
    std::string broker;       // broker address asked
    std::string client_id;
    std::string client_addr;
    std::string language;
    int version = 0;          // MQVersion ordinal
    std::string version_name; // "4.9.7" when the ordinal is known
};

struct ClientCensus {
    std::vector<ClientEntry> clients;  // sorted by kind, group, client address
    std::vector<std::string> notes;    // groups that could not be asked, truncation
};

// Consumer groups are found from %RETRY%<group> topics on the masters; producer groups cannot be
// listed through the admin protocol, so they are asked only when named in producer_groups.
ClientCensus take_census(BrokerAdmin& admin, const std::vector<std::string>& master_addresses,
                         const std::vector<std::string>& producer_groups);

std::string census_to_text(const ClientCensus& census);

// Whether a client can be expected to sign its requests with an AccessKey (ACL 1.0 arrived in the
// Java client of rocketmq-all-4.4.0). Non-Java clients report a protocol ordinal, not their own
// release: from 4.4.0 on whether they sign is unknown, before it they cannot be known to sign.
enum class ClientSigning { can_sign, cannot_sign, unknown };
ClientSigning client_signing(const std::string& language, int version_ordinal);

// Who a 4.x plain_acl.yml lets in without a signature, and its accounts' address rules (the
// secret keys are never read into this).
struct PlainAclRules {
    std::vector<std::string> global_white_remote_addresses;
    struct Account {
        std::string access_key;
        std::string white_remote_address;
        bool admin = false;
    };
    std::vector<Account> accounts;
};

// Parses plain_acl.yml text; errors name source.
Result<PlainAclRules> parse_plain_acl(std::string_view text, const std::string& source);

// True when the IPv4 address ip matches one 4.x white-list entry, as RemoteAddressStrategyFactory
// of rocketmq-all-4.8.0 reads it: "*", "*.*.*.*", "10.1.1.{2,3}", "10.1.1.2,10.1.1.3",
// "10.1.*.*", "10.1.1.1-9", "10.1.1.2". Anything else (IPv6, malformed) matches nothing.
bool white_address_matches(const std::string& pattern, const std::string& ip);

// The first globalWhiteRemoteAddresses entry matching ip, if any.
std::optional<std::string> global_white_entry(const PlainAclRules& rules, const std::string& ip);

// One topic on one broker group (from the master's GET_ALL_TOPIC_CONFIG).
struct TopicSnapshotEntry {
    std::string topic;
    std::string broker_name;
    int read_queues = 0;
    int write_queues = 0;
    int perm = 0;
    bool order = false;
    bool operator==(const TopicSnapshotEntry&) const = default;
};

struct TopicSnapshot {
    std::string cluster;
    std::string taken_at;                   // ISO-8601
    std::vector<TopicSnapshotEntry> entries;  // sorted by topic, broker
};

struct MasterRef {
    std::string broker_name;
    std::string address;
};

// Reads every master's topic config (one request per master, not one per topic).
Result<TopicSnapshot> take_topic_snapshot(BrokerAdmin& admin, const std::vector<MasterRef>& masters,
                                          const std::string& cluster, const std::string& taken_at);

std::string snapshot_to_json(const TopicSnapshot& snap);
Result<TopicSnapshot> snapshot_from_json(std::string_view text, const std::string& source_name);

struct TopicDiff {
    std::vector<TopicSnapshotEntry> missing;                                  // in the snapshot, not live
    std::vector<TopicSnapshotEntry> added;                                    // live, not in the snapshot
    std::vector<std::pair<TopicSnapshotEntry, TopicSnapshotEntry>> changed;   // (before, after)
    bool empty() const { return missing.empty() && added.empty() && changed.empty(); }
};

TopicDiff diff_topics(const TopicSnapshot& before, const TopicSnapshot& after);
std::string diff_to_text(const TopicDiff& diff);

}  // namespace rmqup
