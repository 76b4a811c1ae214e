// Topic snapshot before the roll and its comparison with the live cluster afterwards.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rmqup/plan/census.hpp"

namespace rmqup {

namespace {

auto key(const TopicSnapshotEntry& e) { return std::tie(e.topic, e.broker_name); }

}  // namespace

Result<TopicSnapshot> take_topic_snapshot(BrokerAdmin& admin, const std::vector<MasterRef>& masters,
                                          const std::string& cluster, const std::string& taken_at) {
    TopicSnapshot snap;
    snap.cluster = cluster;
    snap.taken_at = taken_at;
    for (const auto& m : masters) {
        auto table = admin.all_topic_config(m.address);
        if (!table) return std::move(table).error().with("topic config of " + m.broker_name + " (" + m.address + ")");
        for (const auto& [name, tc] : table->topic_config_table) {
            snap.entries.push_back(TopicSnapshotEntry{name, m.broker_name, tc.read_queue_nums, tc.write_queue_nums, tc.perm, tc.order});
        }
    }
    std::sort(snap.entries.begin(), snap.entries.end(), [](const auto& a, const auto& b) { return key(a) < key(b); });
    return snap;
}

std::string snapshot_to_json(const TopicSnapshot& snap) {
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& e : snap.entries) {
        topics.push_back({{"topic", e.topic}, {"brokerName", e.broker_name}, {"readQueues", e.read_queues},
                          {"writeQueues", e.write_queues}, {"perm", e.perm}, {"order", e.order}});
    }
    nlohmann::json j{{"cluster", snap.cluster}, {"takenAt", snap.taken_at}, {"topics", topics}};
    return j.dump(2) + "\n";
}

Result<TopicSnapshot> snapshot_from_json(std::string_view text, const std::string& source_name) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return make_error(ErrorKind::invalid_input, source_name + ": not a topic snapshot (invalid JSON)");
    // Mistyped fields surface as nlohmann exceptions; they stay inside this function.
    try {
        TopicSnapshot snap;
        snap.cluster = j.at("cluster").get<std::string>();
        snap.taken_at = j.at("takenAt").get<std::string>();
        for (const auto& t : j.at("topics")) {
            snap.entries.push_back(TopicSnapshotEntry{t.at("topic").get<std::string>(), t.at("brokerName").get<std::string>(),
                                                      t.at("readQueues").get<int>(), t.at("writeQueues").get<int>(),
                                                      t.at("perm").get<int>(), t.at("order").get<bool>()});
        }
        std::sort(snap.entries.begin(), snap.entries.end(), [](const auto& a, const auto& b) { return key(a) < key(b); });
        return snap;
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorKind::invalid_input, source_name + ": malformed topic snapshot: " + e.what());
    }
}

TopicDiff diff_topics(const TopicSnapshot& before, const TopicSnapshot& after) {
    TopicDiff d;
    std::size_t i = 0, j = 0;
    const auto& a = before.entries;
    const auto& b = after.entries;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && key(a[i]) < key(b[j]))) {
            d.missing.push_back(a[i++]);
        } else if (i == a.size() || key(b[j]) < key(a[i])) {
            d.added.push_back(b[j++]);
        } else {
            if (!(a[i] == b[j])) d.changed.emplace_back(a[i], b[j]);
            ++i;
            ++j;
        }
    }
    return d;
}

std::string diff_to_text(const TopicDiff& diff) {
    std::ostringstream out;
    auto line = [](const TopicSnapshotEntry& e) {
        return e.topic + " on " + e.broker_name + " (read " + std::to_string(e.read_queues) + ", write " +
               std::to_string(e.write_queues) + ", perm " + std::to_string(e.perm) + (e.order ? ", orderly" : "") + ")";
    };
    if (diff.empty()) {
        out << "No differences: every topic of the snapshot is live with the same queues and permissions.\n";
        return out.str();
    }
    for (const auto& e : diff.missing) out << "missing: " << line(e) << "\n";
    for (const auto& e : diff.added) out << "added:   " << line(e) << "\n";
    for (const auto& [x, y] : diff.changed) out << "changed: " << line(x) << " -> " << line(y) << "\n";
    out << diff.missing.size() << " missing, " << diff.added.size() << " added, " << diff.changed.size() << " changed\n";
    return out.str();
}

}  // namespace rmqup
