// Shared pieces of the JSON body encoders/decoders: parsing a body, DataVersion, BrokerData,
// MessageQueue keys and Java-ordered map writing (internal to remoting/).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "remoting/fastjson_reader.hpp"
#include "remoting/fastjson_writer.hpp"
#include "remoting/java_hash_order.hpp"
#include "rmqup/core/result.hpp"
#include "rmqup/remoting/bodies.hpp"
#include "rmqup/remoting/model.hpp"

namespace rmqup::rmq::detail {

// Parses a body that must be a JSON object; errors name `what` (e.g. "ClusterInfo").
Result<fj::Value> parse_object_body(std::string_view body, const char* what);

// An error for a body of the right syntax but the wrong shape.
Error shape_error(const char* what, const std::string& detail);

Result<DataVersion> read_data_version(const fj::Value& v);
void write_data_version(fj::Writer& w, const DataVersion& v);

Result<BrokerData> read_broker_data(const fj::Value& v);
void write_broker_data(fj::Writer& w, const BrokerData& v, JsonStyle style, const BodyForm& form);

// {"brokerName":..,"queueId":..,"topic":..} used as a map key.
Result<MessageQueue> read_message_queue_key(const std::string& raw_key);
std::string message_queue_key(const MessageQueue& mq);

// A JSON array of strings.
Result<std::vector<std::string>> read_string_array(const fj::Value& v, const char* what);
void write_string_array(fj::Writer& w, const std::vector<std::string>& items);
// Strings in Java HashSet order (new HashSet<>(): 16 buckets, growing).
std::vector<std::string> java_set_order(const std::vector<std::string>& items);

// Keys of a string-keyed map in Java hash order.
template <typename V>
std::vector<const std::pair<const std::string, V>*> java_order(const std::map<std::string, V>& m,
                                                               std::size_t initial_capacity, JavaTable kind) {
    std::vector<const std::pair<const std::string, V>*> entries;
    std::vector<std::int32_t> hashes;
    for (const auto& e : m) {
        entries.push_back(&e);
        hashes.push_back(java_string_hash(e.first));
    }
    std::vector<const std::pair<const std::string, V>*> out;
    for (std::size_t i : java_iteration_order(hashes, initial_capacity, kind))
        out.push_back(entries[i]);
    return out;
}

}  // namespace rmqup::rmq::detail
