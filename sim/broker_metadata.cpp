#include "broker_metadata.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rmqup/remoting/bodies.hpp"

namespace rmqsim {

namespace rmq = rmqup::rmq;

namespace {
std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

rmqup::Status write_file(const std::string& path, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        if (!out)
            return rmqup::make_error(rmqup::ErrorKind::io, "cannot write " + tmp);
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        return rmqup::make_error(rmqup::ErrorKind::io, "cannot replace " + path + ": " + ec.message());
    return {};
}

rmq::TopicConfig topic(const std::string& name, int queues, int perm) {
    rmq::TopicConfig tc;
    tc.topic_name = name;
    tc.read_queue_nums = queues;
    tc.write_queue_nums = queues;
    tc.perm = perm;
    return tc;
}
}  // namespace

TopicTable TopicTable::load(const std::string& root, const std::string& cluster, const std::string& broker_name,
                            std::int64_t now_ms) {
    TopicTable t;
    t.m_file = root + "/config/topics.json";
    if (auto text = read_file(t.m_file)) {
        auto parsed = rmq::decode_topic_config_table(*text);
        if (parsed.ok()) {
            t.m_table = std::move(parsed).value();
            return t;
        }
    }
    // The topics a fresh 4.9.7 broker creates (TopicConfigManager constructor).
    for (const auto& tc : {topic("SELF_TEST_TOPIC", 1, 6), topic("TBW102", 8, 7), topic("BenchmarkTest", 1024, 6),
                           topic(cluster, 16, 7), topic(cluster + "_REPLY_TOPIC", 1, 6), topic(broker_name, 1, 7),
                           topic("OFFSET_MOVED_EVENT", 1, 6), topic("SCHEDULE_TOPIC_XXXX", 18, 6),
                           topic("RMQ_SYS_TRANS_HALF_TOPIC", 1, 6)})
        t.m_table.topic_config_table[tc.topic_name] = tc;
    t.m_table.data_version.counter = 0;
    t.m_table.data_version.timestamp = now_ms;
    return t;
}

const rmq::TopicConfig* TopicTable::find(const std::string& name) const {
    auto it = m_table.topic_config_table.find(name);
    return it == m_table.topic_config_table.end() ? nullptr : &it->second;
}

void TopicTable::upsert(const rmq::TopicConfig& tc, std::int64_t now_ms) {
    m_table.topic_config_table[tc.topic_name] = tc;
    bump_version(now_ms);
}

bool TopicTable::replace(const rmq::TopicConfigTable& t) {
    if (t.data_version == m_table.data_version)
        return false;
    m_table = t;
    return true;
}

void TopicTable::bump_version(std::int64_t now_ms) {
    ++m_table.data_version.counter;
    m_table.data_version.timestamp = now_ms;
}

rmqup::Status TopicTable::persist() const { return write_file(m_file, rmq::encode_topic_config_table(m_table)); }

OffsetTable OffsetTable::load(const std::string& root) {
    OffsetTable o;
    o.m_file = root + "/config/consumerOffset.json";
    if (auto text = read_file(o.m_file)) {
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_object() && j.contains("offsetTable") && j["offsetTable"].is_object()) {
            for (auto& [key, queues] : j["offsetTable"].items()) {
                if (!queues.is_object())
                    continue;
                for (auto& [qid, off] : queues.items())
                    if (off.is_number_integer())
                        o.m_offsets[key][std::atoi(qid.c_str())] = off.get<std::int64_t>();
            }
        }
    }
    return o;
}

std::optional<std::int64_t> OffsetTable::get(const std::string& group, const std::string& topic, int queue_id) const {
    auto it = m_offsets.find(topic + "@" + group);
    if (it == m_offsets.end())
        return std::nullopt;
    auto q = it->second.find(queue_id);
    if (q == it->second.end())
        return std::nullopt;
    return q->second;
}

void OffsetTable::set(const std::string& group, const std::string& topic, int queue_id, std::int64_t offset) {
    m_offsets[topic + "@" + group][queue_id] = offset;
}

std::map<std::string, std::map<int, std::int64_t>> OffsetTable::of_group(const std::string& group) const {
    std::map<std::string, std::map<int, std::int64_t>> out;
    std::string suffix = "@" + group;
    for (const auto& [key, queues] : m_offsets)
        if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
            out[key.substr(0, key.size() - suffix.size())] = queues;
    return out;
}

rmqup::Status OffsetTable::persist() const {
    nlohmann::json j = nlohmann::json::object();
    j["offsetTable"] = nlohmann::json::object();
    for (const auto& [key, queues] : m_offsets) {
        auto& jq = j["offsetTable"][key];
        jq = nlohmann::json::object();
        for (const auto& [q, off] : queues)
            jq[std::to_string(q)] = off;
    }
    return write_file(m_file, j.dump());
}

}  // namespace rmqsim
