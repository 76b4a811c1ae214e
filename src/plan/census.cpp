// Client census: consumer groups are found from %RETRY%<group> topics (every consumer group that
// subscribed once has one); the admin protocol has no way to list producer groups.
#include "rmqup/plan/census.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "rmqup/core/version.hpp"

namespace rmqup {

namespace {

std::string version_name(int ordinal) {
    for (int major : {4, 5}) {
        for (int minor = 0; minor <= 9; ++minor) {
            for (int patch = 0; patch <= 9; ++patch) {
                RmqVersion v{major, minor, patch};
                if (v.ordinal() == ordinal) return v.str();
            }
        }
    }
    return "";
}

void add_connections(ClientCensus& census, ClientGroupKind kind, const std::string& group, const std::string& broker,
                     const std::vector<rmq::Connection>& conns, std::set<std::string>& seen) {
    for (const auto& c : conns) {
        // The same client is connected to every broker: list it once per group.
        if (!seen.insert(group + "\n" + c.client_id + "\n" + c.client_addr).second) continue;
        census.clients.push_back(ClientEntry{kind, group, broker, c.client_id, c.client_addr, c.language, c.version,
                                             version_name(c.version)});
    }
}

}  // namespace

ClientCensus take_census(AdminApi& admin, const std::vector<std::string>& master_addresses,
                         const std::vector<std::string>& producer_groups) {
    ClientCensus census;
    std::set<std::string> seen;
    // consumer group -> masters where it has a retry topic
    std::map<std::string, std::vector<std::string>> consumer_groups;
    for (const auto& addr : master_addresses) {
        auto table = admin.all_topic_config(addr);
        if (!table) {
            census.notes.push_back("master " + addr + " did not answer GET_ALL_TOPIC_CONFIG: " + table.error().describe());
            continue;
        }
        for (const auto& [topic, tc] : table->topic_config_table) {
            if (topic.rfind("%RETRY%", 0) == 0) consumer_groups[topic.substr(7)].push_back(addr);
        }
    }
    for (const auto& [group, brokers] : consumer_groups) {
        bool answered = false;
        for (const auto& b : brokers) {
            auto conns = admin.consumer_connections(b, group);
            if (!conns) continue;  // no online consumer of this group on that broker
            answered = true;
            add_connections(census, ClientGroupKind::consumer, group, b, conns->connection_set, seen);
        }
        if (!answered) census.notes.push_back("consumer group " + group + ": no online consumers");
    }
    for (const auto& group : producer_groups) {
        bool answered = false;
        for (const auto& b : master_addresses) {
            auto conns = admin.producer_connections(b, group);
            if (!conns) continue;
            answered = true;
            add_connections(census, ClientGroupKind::producer, group, b, conns->connection_set, seen);
        }
        if (!answered) census.notes.push_back("producer group " + group + ": no online producers");
    }
    if (producer_groups.empty()) {
        census.notes.push_back("producer groups cannot be listed through the admin protocol: name them with --producer-group");
    }
    std::sort(census.clients.begin(), census.clients.end(), [](const ClientEntry& a, const ClientEntry& b) {
        return std::tie(a.kind, a.group, a.client_addr, a.client_id) < std::tie(b.kind, b.group, b.client_addr, b.client_id);
    });
    return census;
}

std::string census_to_text(const ClientCensus& census) {
    std::ostringstream out;
    out << "Clients (" << census.clients.size() << "):\n";
    for (const auto& c : census.clients) {
        out << "  " << (c.kind == ClientGroupKind::consumer ? "consumer " : "producer ") << c.group << "  " << c.client_addr
            << "  " << c.language << "  " << (c.version_name.empty() ? "ordinal " + std::to_string(c.version) : c.version_name)
            << "  " << c.client_id << "\n";
    }
    std::map<std::string, int> by_version;
    for (const auto& c : census.clients) ++by_version[c.language + " " + (c.version_name.empty() ? std::to_string(c.version) : c.version_name)];
    if (!by_version.empty()) {
        out << "Client versions:\n";
        for (const auto& [v, count] : by_version) out << "  " << v << ": " << count << "\n";
    }
    for (const auto& n : census.notes) out << "Note: " << n << "\n";
    return out.str();
}

}  // namespace rmqup
