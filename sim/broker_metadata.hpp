// The broker's persistent metadata under storePathRootDir/config: topic configs with their
// DataVersion (topics.json, TopicConfigSerializeWrapper text) and consumer offsets
// (consumerOffset.json, simplified to standard JSON).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "rmqup/core/result.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqsim {

class TopicTable {
public:
    // Loads root/config/topics.json, or creates the default topics of a real broker.
    static TopicTable load(const std::string& root, const std::string& cluster, const std::string& broker_name,
                           std::int64_t now_ms);
    const rmqup::rmq::TopicConfigTable& table() const { return m_table; }
    const rmqup::rmq::TopicConfig* find(const std::string& topic) const;
    // Creates or replaces a topic and bumps the DataVersion.
    void upsert(const rmqup::rmq::TopicConfig& tc, std::int64_t now_ms);
    // Replaces the whole table (slave sync from master); true when it changed.
    bool replace(const rmqup::rmq::TopicConfigTable& t);
    void bump_version(std::int64_t now_ms);
    rmqup::Status persist() const;

private:
    std::string m_file;
    rmqup::rmq::TopicConfigTable m_table;
};

class OffsetTable {
public:
    static OffsetTable load(const std::string& root);
    std::optional<std::int64_t> get(const std::string& group, const std::string& topic, int queue_id) const;
    void set(const std::string& group, const std::string& topic, int queue_id, std::int64_t offset);
    // Offsets of a group: topic -> queue -> offset.
    std::map<std::string, std::map<int, std::int64_t>> of_group(const std::string& group) const;
    rmqup::Status persist() const;

private:
    std::string m_file;
    std::map<std::string, std::map<int, std::int64_t>> m_offsets;  // "topic@group" -> queue -> offset
};

}  // namespace rmqsim
